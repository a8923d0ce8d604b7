// Plain tesseract.js 7, out of the box but offline: the peer the OCR bench section (bench/sections/ocr.mjs) times as a
// whole process against `describe-image extract-text`. The same English model as ours (4.0.0_best_int, from
// node_modules), tesseract.js's own defaults otherwise (its choice of core, page segmentation, no preparation).
// Prints one JSON line per image: { name, text, elapsedMs }.
// Usage: node bench/support/plain-ocr.cjs [--lang-dir DIR] <png> [<png> ...]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { createWorker } = require('tesseract.js');

async function main() {
  const args = process.argv.slice(2);
  let langPath = path.dirname(require.resolve('@tesseract.js-data/eng/4.0.0_best_int/eng.traineddata.gz'));
  const at = args.indexOf('--lang-dir');
  if (at >= 0) [langPath] = args.splice(at, 2).slice(1);
  const worker = await createWorker('eng', 1, { langPath, cacheMethod: 'none', gzip: true, errorHandler: () => undefined });
  try {
    for (const file of args) {
      const started = performance.now();
      const { data } = await worker.recognize(fs.readFileSync(file));
      process.stdout.write(`${JSON.stringify({ name: path.basename(file), text: data.text, elapsedMs: Math.round(performance.now() - started) })}\n`);
    }
  } finally {
    await worker.terminate();
  }
}

main().catch((e) => {
  process.stderr.write(`plain-ocr: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
