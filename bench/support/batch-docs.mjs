// The batch path on a real docs repository: MicrosoftDocs/live-share (a git mirror, not in CI, so not part of npm test
// nor of npm run bench). Every alt text is removed (Markdown `![x]` → `![]`, HTML `alt="x"` → `alt=" "`: both missing,
// found by the project's finder, edited with its edits), then the same tree is filled twice by the built CLI:
// `alt-text fix` against the local Azure-like server, and `alt-text fix --batch` (submit, then apply) against the local
// Batch-like server, both answering with a sentence derived from the bytes of the images they were sent. Checks: both
// fill the same images with the same alt text; every written file re-parses with the same images (same sources, in
// order); the batch path sends no chat request.
// Usage: npm run build && npm run compile-tests && node bench/support/batch-docs.mjs [path of the bare git repository]
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmtMs, repoRoot, requireOut, table } from '../lib.mjs';

const gitDir = process.argv[2] ?? '/work/.mirror/MicrosoftDocs+live-share/repo';
const { findImages } = requireOut('./src/core/finders/index.js');
const { applyEdits } = requireOut('./src/core/docs/edits.js');
const { AzureLikeServer } = requireOut('./test/support/azureServer.js');
const { BatchLikeServer, answerFromImages } = requireOut('./test/support/batchServer.js');
const cli = path.join(repoRoot, 'dist', 'cli.js');

async function markdownFiles(dir) {
  const out = [];
  for (const e of await fs.readdir(dir, { recursive: true, withFileTypes: true })) if (e.isFile() && e.name.endsWith('.md')) out.push(path.relative(dir, path.join(e.parentPath, e.name)));
  return out.sort();
}

/** Remove every alt text the finder reads as present; the count of images and of alts removed. */
async function stripAlts(dir) {
  let images = 0;
  let stripped = 0;
  for (const file of await markdownFiles(dir)) {
    const abs = path.join(dir, file);
    const text = await fs.readFile(abs, 'utf8');
    const found = findImages(text, 'markdown');
    images += found.length;
    const edits = found.filter((i) => i.altState === 'present' && !i.decorative).map((i) => ({ start: i.altSpan.start, end: i.altSpan.end, newText: i.altWrite === 'attr-value' ? ' ' : '' }));
    stripped += edits.length;
    if (edits.length) await fs.writeFile(abs, applyEdits(text, edits));
  }
  return { images, stripped };
}

/** Per file: each image's source and alt text, as the finder reads them. */
async function imagesOf(dir) {
  const out = new Map();
  for (const file of await markdownFiles(dir)) out.set(file, findImages(await fs.readFile(path.join(dir, file), 'utf8'), 'markdown').map((i) => ({ src: i.src, alt: i.altState === 'present' ? i.alt : '' })));
  return out;
}

function runCli(args, cwd, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { cwd, env: { PATH: process.env.PATH, HOME: path.join(cwd, '..', `home-${path.basename(cwd)}`), ...env } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, ms: performance.now() - started }));
  });
}

const work = mkdtempSync(path.join(os.tmpdir(), 'di-batch-docs-'));
try {
  const base = path.join(work, 'base');
  await fs.mkdir(base);
  execFileSync('sh', ['-c', `git --git-dir="${gitDir}" archive HEAD | tar -x -C "${base}"`]);
  const { images, stripped } = await stripAlts(base);
  const before = await imagesOf(base);
  for (const name of ['interactive', 'batch']) await fs.cp(base, path.join(work, name), { recursive: true });

  const chat = new AzureLikeServer({ answer: (req) => answerFromImages(req.body ?? {}) });
  await chat.start();
  const interactive = await runCli(['alt-text', 'fix', '.'], path.join(work, 'interactive'), { AZURE_OPENAI_ENDPOINT: chat.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', AZURE_OPENAI_API_KEY: chat.key });
  const chatRequests = chat.requests.length;
  await chat.stop();

  const batch = new BatchLikeServer({ shape: 'azure-v1' });
  await batch.start();
  const env = { AZURE_OPENAI_ENDPOINT: batch.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o-batch', AZURE_OPENAI_API_KEY: batch.key };
  const submit = await runCli(['alt-text', 'fix', '--batch', '.'], path.join(work, 'batch'), env);
  const submittedLines = [...batch.batches.values()].reduce((n, b) => n + b.lines.length, 0);
  const afterSubmit = await imagesOf(path.join(work, 'batch'));
  batch.complete();
  const apply = await runCli(['alt-text', 'fix', '--batch', '.'], path.join(work, 'batch'), env);
  await batch.stop();

  const a = await imagesOf(path.join(work, 'interactive'));
  const b = await imagesOf(path.join(work, 'batch'));
  const problems = [];
  let filledA = 0;
  let filledB = 0;
  let same = 0;
  for (const [file, list] of before) {
    const la = a.get(file) ?? [];
    const lb = b.get(file) ?? [];
    const srcs = (l) => l.map((i) => i.src).join('\n');
    if (srcs(la) !== srcs(list)) problems.push(`${file}: the interactive fix changed its images`);
    if (srcs(lb) !== srcs(list)) problems.push(`${file}: the batch fix changed its images`);
    if (JSON.stringify(afterSubmit.get(file)) !== JSON.stringify(list)) problems.push(`${file}: written at submit time`);
    for (const [n, img] of list.entries()) {
      const x = la[n]?.alt ?? '';
      const y = lb[n]?.alt ?? '';
      if (x && !img.alt) filledA++;
      if (y && !img.alt) filledB++;
      if (x === y) same++;
      else problems.push(`${file} image ${n + 1} (${img.src}): interactive "${x}", batch "${y}"`);
    }
  }
  const total = [...before.values()].reduce((n, l) => n + l.length, 0);
  const rows = [
    ['interactive `fix`', String(interactive.code), fmtMs(interactive.ms), `${chatRequests} chat request(s)`, String(filledA)],
    ['`fix --batch` submit', String(submit.code), fmtMs(submit.ms), `${batch.batches.size} batch(es), ${submittedLines} line(s)`, '0 (nothing written)'],
    ['`fix --batch` apply', String(apply.code), fmtMs(apply.ms), `${batch.chatRequests} chat request(s)`, String(filledB)],
  ];
  console.log(
    [
      '## Alt text through the Batch API on a real docs repository',
      '',
      `MicrosoftDocs/live-share: ${(await markdownFiles(base)).length} Markdown files, ${images} images found, ${stripped} alt texts removed (${total} images after). Local servers answer with a sentence derived from the bytes of the images sent.`,
      '',
      table(['run', 'exit', 'time', 'sent', 'images filled'], rows),
      '',
      `Same alt text for ${same} of ${total} images in both trees; every file re-parses with the same images; ${problems.length ? `${problems.length} problem(s):\n\n${problems.map((p) => `- ${p}`).join('\n')}` : 'no problem found.'}`,
      '',
      `Last lines of the apply run: ${apply.stderr.trim().split('\n').slice(-2).join(' / ')}`,
    ].join('\n'),
  );
  if (problems.length || interactive.code === null || apply.code === null) process.exitCode = 1;
} finally {
  await fs.rm(work, { recursive: true, force: true });
}
