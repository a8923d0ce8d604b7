// Builds judged.jsonl (this folder) from the hand-judged sample of real alt text (a research note outside the
// repository: 535 images from 20 public docs repositories, judged by hand against the W3C WAI images tutorial before
// any rule change, without looking at the tool). Keeps what the rules read and the judgement, with attribution
// (repository, commit, file, line). Usage: node bench/alt-rules/make-fixture.mjs <path to the sample's judged.jsonl>
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const source = process.argv[2];
if (!source) throw new Error('usage: node bench/alt-rules/make-fixture.mjs <judged.jsonl>');
const here = path.dirname(fileURLToPath(import.meta.url));
/** Captions a reader sees next to the image (a title attribute is a tooltip, not a caption; a long description is not one). */
const CAPTION_KINDS = new Set(['figcaption', 'frame-caption', 'caption-attr', 'line-after']);
/**
 * The half an item belongs to, fixed by its id: `dev` (looked at while designing the rules) or `held-out` (only
 * scored). The first byte of SHA-256 of the id, even or odd.
 */
export const half = (id) => (createHash('sha256').update(id).digest()[0] % 2 === 0 ? 'dev' : 'held-out');
const rows = readFileSync(source, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const out = rows.map((r) => ({
  id: r.id,
  half: half(r.id),
  draw: r.draw,
  repo: r.repo,
  commit: r.commit,
  file: r.file,
  line: r.line,
  syntax: r.syntax,
  lang: r.langFolder,
  src: r.src,
  alt: r.alt,
  heading: r.heading || undefined,
  captions: (r.captions ?? []).filter((c) => CAPTION_KINDS.has(c.kind) && c.text).map((c) => c.text),
  wrap: r.wrap ?? undefined,
  twinOf: r.twinOf ?? undefined,
  uninformative: r.uninformative,
  category: r.category,
  tooLong: r.tooLong,
  unsure: r.unsure,
}));
writeFileSync(path.join(here, 'judged.jsonl'), `${out.map((o) => JSON.stringify(o)).join('\n')}\n`);
const count = (h) => out.filter((o) => o.half === h).length;
console.log(`${out.length} items: dev ${count('dev')}, held-out ${count('held-out')}`);
