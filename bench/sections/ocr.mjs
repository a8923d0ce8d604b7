// Offline text extraction (src/core/ocr/engine.ts): time to first text for a generated 1080p and 4K screenshot (cold: a new
// worker; warm: the worker reused), the share of known words found on generated screenshots — plain tesseract.js on
// the unprepared image next to each preparation step — and what the OCR adds to the VSIX.
// Screenshots are drawn as SVG (test/support/screens.ts, shared with the OCR unit test) and rendered by resvg with the
// bundled DejaVu fonts, so every word is known. Then the dense 1080p screens against plain tesseract.js, warm and as
// whole processes, and the English models (bench/support/ocr-dense.mjs).
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { fmtBytes, fmtMs, median, repoRoot, requireOut, table } from '../lib.mjs';
import { denseScreensPart } from '../support/ocr-dense.mjs';

const RUNS = 3;
const { OcrEngine, ocrFiles } = requireOut('./src/core/ocr/engine.js');
const { Resvg, initWasm } = requireOut('@resvg/resvg-wasm');
const { createWorker } = requireOut('tesseract.js');
const { buttons, ideWindow, settingsPage, wordsFound } = requireOut('./test/support/screens.js');

// ---- screenshots ---------------------------------------------------------------------------------------------

// Rendered here rather than with the module's render (the product's rasteriser, which would shrink the 1080p window
// to the size a vision model keeps): each scene at its own size, or `scale` times larger (4K from the 1080p window).
let resvgReady;
async function render(scene, scale = 1) {
  // The WASM module is process-wide: another section (or the product's rasteriser) may have started it already.
  resvgReady ??= initWasm(readFileSync(requireOut.resolve('@resvg/resvg-wasm/index_bg.wasm'))).catch((e) => {
    if (!/Already initialized/.test(String(e?.message))) throw e;
  });
  await resvgReady;
  const font = (f) => readFileSync(requireOut.resolve(`dejavu-fonts-ttf/ttf/${f}`));
  const fonts = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSansMono.ttf'].map(font);
  const r = new Resvg(scene.svgAt(scale), { font: { fontBuffers: fonts, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans', monospaceFamily: 'DejaVu Sans Mono' } });
  return Buffer.from(r.render().asPng());
}

const pct = (x) => `${(x * 100).toFixed(1)} %`;

// ---- the run -------------------------------------------------------------------------------------------------

export async function run() {
  const files = ocrFiles();
  const ide = ideWindow();
  const ide1080 = await render(ide, 1);
  const ide4k = await render(ide, 2);

  // Plain tesseract.js, out of the box but offline (same English model, its own choice of core), on the PNG as it is.
  const plain = await createWorker('eng', 1, { langPath: files.languageDir, cacheMethod: 'none', gzip: true, errorHandler: () => undefined });
  const plainRead = async (png) => {
    const t = performance.now();
    const r = await plain.recognize(png);
    return { text: r.data.text, ms: performance.now() - t };
  };

  // Time to first text: cold (a new engine: worker start + read) and warm (the same engine again), with plain
  // tesseract.js (warm) on the same image in the same rounds, so the ratio holds when the machine is busy.
  const timing = [];
  for (const [label, png] of [['1080p (1920×1080, 13 px UI text)', ide1080], ['4K (3840×2160, the same at 200 %)', ide4k]]) {
    const cold = [];
    const warm = [];
    const base = [];
    let last;
    let plainText = '';
    for (let i = 0; i < RUNS; i++) {
      const engine = new OcrEngine();
      try {
        const t = performance.now();
        await engine.recognize(png, { name: 'ide.png' });
        cold.push(performance.now() - t);
        const t2 = performance.now();
        last = await engine.recognize(png, { name: 'ide.png' });
        warm.push(performance.now() - t2);
      } finally {
        await engine.dispose();
      }
      const p = await plainRead(png);
      base.push(p.ms);
      plainText = p.text;
    }
    const { decode, prepare, recognize } = last.timings;
    timing.push([
      label,
      fmtMs(median(cold)),
      fmtMs(median(warm)),
      `${decode} / ${prepare} / ${recognize} ms`,
      `${fmtMs(median(base))} (${(median(warm) / median(base)).toFixed(2)}×)`,
      `${last.preparation.scale.toFixed(2)}× (x-height ${last.preparation.xHeight} px)`,
      `${pct(wordsFound(ide.lines, last.text).share)} (plain: ${pct(wordsFound(ide.lines, plainText).share)})`,
    ]);
  }

  // Accuracy: each step on and off.
  const scenes = [
    ['settings page, light (13 px)', settingsPage('light')],
    ['settings page, dark (13 px)', settingsPage('dark')],
    ['small text (10.5 px)', settingsPage('light', 10.5)],
    ['coloured buttons, white labels', buttons()],
    ['VS Code window, dark, 1080p', ide],
  ];
  const steps = [
    ['grey only', { rescale: false, normalise: false }],
    ['+ scale', { rescale: true, normalise: false }],
    ['+ polarity/background', { rescale: false, normalise: true }],
    ['both (default)', {}],
  ];
  const engine = new OcrEngine();
  const accuracy = [];
  const totals = { plain: 0, ...Object.fromEntries(steps.map(([n]) => [n, 0])) };
  try {
    for (const [label, scene] of scenes) {
      const png = await render(scene);
      const p = await plainRead(png);
      const row = [label, `${pct(wordsFound(scene.lines, p.text).share)} (${fmtMs(p.ms)})`];
      totals.plain += p.ms;
      for (const [name, prepare] of steps) {
        const r = await engine.recognize(png, { name: 'scene.png', prepare });
        row.push(`${pct(wordsFound(scene.lines, r.text).share)} (${fmtMs(r.elapsedMs)})`);
        totals[name] += r.elapsedMs;
      }
      accuracy.push(row);
    }
  } finally {
    await engine.dispose();
    await plain.terminate();
  }
  accuracy.push(['total time', fmtMs(totals.plain), ...steps.map(([n]) => fmtMs(totals[n]))]);

  const dense = await denseScreensPart(render);

  // What the OCR adds to the VSIX: the files shipped in dist/assets/ocr, each deflated as in the VSIX (a zip).
  const dir = path.join(repoRoot, 'dist', 'assets', 'ocr');
  const shipped = existsSync(dir)
    ? ['tesseract-core-simd-lstm.wasm', 'eng.traineddata.gz', 'ocr-worker.js', 'LICENSE-tesseract.txt'].map((f) => path.join(dir, f))
    : [files.core, path.join(files.languageDir, 'eng.traineddata.gz')];
  let raw = 0;
  let zipped = 0;
  const sizeRows = shipped.filter(existsSync).map((f) => {
    const size = statSync(f).size;
    const z = deflateRawSync(readFileSync(f), { level: 9 }).length;
    raw += size;
    zipped += z;
    return [path.relative(repoRoot, f).split(path.sep).join('/'), fmtBytes(size), fmtBytes(z)];
  });
  sizeRows.push(['**total**', fmtBytes(raw), fmtBytes(zipped)]);

  return [
    '## Offline text extraction (OCR)',
    '',
    `tesseract.js 7 with the English \`4.0.0_best_int\` model (\`tesseract-core-simd-lstm\`) in up to two worker threads: the screen is cut into regions first, and the regions are read by both workers at once (the second starts only while a core is free). Screenshots are generated (SVG rendered with DejaVu fonts), so every word is known; "words found" counts each drawn word found exactly (punctuation included). ${RUNS} runs, medians. Goals: ≥ 98 % of words on light and dark, ≤ 1.5 s warm for 1080p on 2 cores.`,
    '',
    '**Time to first text** (decode in the calling thread, prepare and recognise in the worker; cold also starts the worker and loads the model)',
    '',
    table(['screenshot', 'cold', 'warm', 'warm: decode / prepare / Tesseract', 'plain tesseract.js, warm (ours / plain)', 'scale chosen', 'words found'], timing),
    '',
    '**Words found per preparation step** (time per image in brackets; plain tesseract.js gets the PNG as it is)',
    '',
    table(['screenshot', 'plain tesseract.js', ...steps.map(([n]) => n)], accuracy),
    '',
    dense,
    '',
    '**Added to the VSIX** (deflated as in the zip)',
    '',
    table(['file', 'size', 'in the VSIX'], sizeRows),
    '',
  ].join('\n');
}
