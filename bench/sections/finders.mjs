// Finding images: the parsers (micromark for Markdown, parse5 for its HTML) against markdownlint running MD045 alone,
// in the same run, on (1) a large generated docs tree made from the corpus files (test/fixtures/docs-corpus) and
// (2) one 20,000-line Markdown file. Goal: no slower than markdownlint MD045 on the 20,000-line file. Both find the
// same images (counts shown), but for the deviations documented in the README.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import { lint } from 'markdownlint/sync';
import { fmtMs, median, repoRoot, requireOut, table } from '../lib.mjs';

const { findImages } = requireOut('./src/core/finders/find.js');
const { listDocFiles } = requireOut('./src/core/docs/files.js');
const { readDocFile, checkDoc } = requireOut('./src/core/docs/check.js');
const { RULE_IDS } = requireOut('./src/core/docs/rules.js');
const { DirectoryCache } = requireOut('./src/core/docs/links.js');

const COPIES = 60; // of every corpus Markdown file: ~1,200 files
const RUNS = 3;
const work = path.join(repoRoot, 'bench', '.work', 'docs-tree');

/** A docs tree: the corpus's Markdown files, copied COPIES times into numbered sections. */
function makeTree() {
  const corpus = path.join(repoRoot, 'test', 'fixtures', 'docs-corpus');
  const files = fg.sync('**/*.md', { cwd: corpus }).filter((f) => f !== 'NOTES.md');
  if (!existsSync(path.join(work, `section-${COPIES - 1}`))) {
    for (let i = 0; i < COPIES; i++) {
      for (const f of files) {
        const out = path.join(work, `section-${i}`, f);
        mkdirSync(path.dirname(out), { recursive: true });
        writeFileSync(out, readFileSync(path.join(corpus, f)));
      }
    }
  }
  return fg.sync('**/*.md', { cwd: work }).map((f) => path.join(work, f));
}

/** One long page of the kind big reference docs have: sections, steps with images, tables, code, HTML. */
function makeLongFile(lines) {
  const out = [];
  for (let s = 0; out.length < lines; s++) {
    out.push(`## Section ${s}`, '', `Some text about feature ${s}, with \`inline code\` and a [link](https://example.com/${s}).`, '');
    out.push(`1. Open the **Settings** page.`, '', `    ![](img/step-${s}-a.png)`, '', `2. Choose *Save*.`, '', `    ![Saved state](img/step-${s}-b.png)`, '');
    out.push('| Icon | Meaning |', '|---|---|', `| ![](icons/i${s}.svg) | state ${s} |`, '');
    out.push('```md', `![](not-an-image-${s}.png)`, '```', '');
    out.push(`<p align="center"><img src="img/banner-${s}.png" width="400"></p>`, '');
  }
  return out.slice(0, lines).join('\n');
}

function md045Count(text) {
  return (lint({ strings: { doc: text }, config: { default: false, MD045: true } }).doc ?? []).length;
}
const oursCount = (text) => findImages(text, 'markdown').filter((i) => i.altState === 'missing' && !i.decorative).length;

function time(fn) {
  const t = [];
  let result;
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    result = fn();
    t.push(performance.now() - s);
  }
  return { ms: median(t), result };
}

export async function run() {
  const files = makeTree();
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  const long = makeLongFile(20_000);
  writeFileSync(path.join(repoRoot, 'bench', '.work', 'long-20000.md'), long);

  const treeOurs = time(() => texts.reduce((n, t) => n + oursCount(t), 0));
  const treeTheirs = time(() => texts.reduce((n, t) => n + md045Count(t), 0));
  const longOurs = time(() => oursCount(long));
  const longTheirs = time(() => md045Count(long));

  // The whole `alt-text check` on the tree (listing, reading, parsing, rules, resolving every local link), once.
  const s = performance.now();
  const listing = await listDocFiles(work, ['.']);
  const dirCache = new DirectoryCache();
  let findings = 0;
  for (const f of listing.files) {
    const doc = await readDocFile(work, f);
    findings += (await checkDoc(doc, { rules: new Set(RULE_IDS), maxLength: 125, root: work, docsRoot: work, dirCache })).findings.length;
  }
  const checkMs = performance.now() - s;

  const rate = (n, ms) => `${Math.round((n / ms) * 1000).toLocaleString('en')} files/s`;
  const rows = [
    [`docs tree: ${files.length.toLocaleString('en')} Markdown files, ${Math.round(texts.reduce((n, t) => n + t.length, 0) / 1024).toLocaleString('en')} KB`, `${fmtMs(treeOurs.ms)} (${rate(files.length, treeOurs.ms)})`, `${fmtMs(treeTheirs.ms)} (${rate(files.length, treeTheirs.ms)})`, `${(treeOurs.ms / treeTheirs.ms).toFixed(2)}×`, `${treeOurs.result} / ${treeTheirs.result}`],
    [`one file of 20,000 lines (${Math.round(long.length / 1024)} KB)`, fmtMs(longOurs.ms), fmtMs(longTheirs.ms), `${(longOurs.ms / longTheirs.ms).toFixed(2)}×`, `${longOurs.result} / ${longTheirs.result}`],
  ];
  return [
    '## Finding images (parsers) vs markdownlint MD045',
    '',
    `Median of ${RUNS} runs each, in the same process. "Ours" is \`findImages\` (micromark + parse5) keeping images without alt text; markdownlint runs with only MD045 on.`,
    '',
    table(['input', 'ours', 'markdownlint MD045', 'ours / markdownlint', 'images without alt (ours / MD045)'], rows),
    '',
    `The whole \`alt-text check\` on the tree (list with .gitignore, read, parse, all five rules, resolve every local link): ${fmtMs(checkMs)} for ${listing.files.length.toLocaleString('en')} files, ${findings.toLocaleString('en')} findings (${rate(listing.files.length, checkMs)}).`,
    'The counts differ only by the deviations the README lists (raw text in scripts and textareas, role="presentation", images MD045 misses in HTML blocks).',
  ].join('\n');
}
