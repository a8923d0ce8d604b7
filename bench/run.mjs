// npm run bench: runs every section in bench/sections/*.mjs (each exports `async function run()` returning Markdown)
// and writes bench/RESULTS.md with the machine and the date. Sections measure ratios within one run: this machine is
// shared and noisy, so absolute times move between runs; compare numbers from the same table.
// Usage: node bench/run.mjs [section-name-filter]
import { readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const sections = readdirSync(path.join(here, 'sections')).filter((f) => f.endsWith('.mjs') && f.includes(filter)).sort();
const cpus = os.cpus();
const header = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
  '',
  `Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, ${os.type()} ${os.release()}, Node ${process.version}.`,
  'The machine is shared and noisy: compare the numbers within one table (ratios), not across runs.',
  '',
];
const parts = [];
for (const file of sections) {
  const started = Date.now();
  console.error(`bench: ${file}…`);
  const mod = await import(pathToFileURL(path.join(here, 'sections', file)).href);
  parts.push((await mod.run()).trim(), '');
  console.error(`bench: ${file} done in ${Math.round((Date.now() - started) / 1000)} s`);
}
const out = [...header, ...parts].join('\n');
writeFileSync(path.join(here, 'RESULTS.md'), out);
console.log(out);
