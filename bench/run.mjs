// npm run bench: runs every section in bench/sections/*.mjs (each exports `async function run()` returning Markdown)
// and writes bench/RESULTS.md with the machine and the date. Sections measure ratios within one run: this machine is
// shared and noisy, so absolute times move between runs; compare numbers from the same table.
// Usage: node bench/run.mjs [section-name-filter]   (e.g. `npm run bench -- ocr`; with a filter, only those sections
// are rerun and replaced; the others keep their earlier results, each with the date and machine it was measured on)
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.dirname(here);
const resultsFile = path.join(here, 'RESULTS.md');
const filter = process.argv[2] ?? '';
const all = readdirSync(path.join(here, 'sections')).filter((f) => f.endsWith('.mjs')).sort();
const chosen = all.filter((f) => f.includes(filter));
const cpus = os.cpus();
const machine = `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, ${os.type()} ${os.release()}, Node ${process.version}`;
const when = `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Earlier results, per section, between `<!-- section: name -->` markers. */
const previous = new Map();
if (existsSync(resultsFile)) {
  const parts = readFileSync(resultsFile, 'utf8').split(/^<!-- section: (\S+) -->\n/m);
  for (let i = 1; i + 1 < parts.length; i += 2) previous.set(parts[i], parts[i + 1].trim());
}

const sections = new Map();
for (const file of chosen) {
  const started = Date.now();
  console.error(`bench: ${file}…`);
  const mod = await import(pathToFileURL(path.join(here, 'sections', file)).href);
  const body = (await mod.run()).trim();
  if (body.includes(repoRoot)) throw new Error(`bench: section ${file} printed an absolute path of this machine (${repoRoot}); print paths relative to the repository.`);
  sections.set(file, `${body}\n\n*Measured ${when} on ${machine}.*`);
  console.error(`bench: ${file} done in ${Math.round((Date.now() - started) / 1000)} s`);
}
const header = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench\`; each section says when and on which machine it was measured (last full run: ${filter ? 'see sections' : when}).`,
  'The machine is shared and noisy: compare the numbers within one table (ratios), not across runs.',
  '',
];
const body = all.flatMap((file) => {
  const text = sections.get(file) ?? previous.get(file);
  return text ? [`<!-- section: ${file} -->`, text, ''] : [];
});
const out = [...header, ...body].join('\n');
writeFileSync(resultsFile, out);
console.log(out);
