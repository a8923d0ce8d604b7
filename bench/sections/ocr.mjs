// Offline text extraction (src/core/ocr.ts): time to first text for a generated 1080p and 4K screenshot (cold: a new
// worker; warm: the worker reused), the share of known words found on generated screenshots — plain tesseract.js on
// the unprepared image next to each preparation step — and what the OCR adds to the VSIX.
// Screenshots are drawn as SVG and rendered by resvg with the bundled DejaVu fonts, so every word is known.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { fmtBytes, fmtMs, median, repoRoot, requireOut, table } from '../lib.mjs';

const RUNS = 3;
const { OcrEngine, ocrFiles } = requireOut('./src/core/ocr.js');
const { Resvg, initWasm } = requireOut('@resvg/resvg-wasm');
const { createWorker } = requireOut('tesseract.js');

// ---- screenshots ---------------------------------------------------------------------------------------------

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

class Scene {
  constructor(width, height, background) {
    this.width = width;
    this.height = height;
    this.body = '';
    this.lines = [];
    this.rect(0, 0, width, height, background);
  }
  rect(x, y, w, h, fill, extra = '') {
    this.body += `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${fill}" ${extra}/>`;
    return this;
  }
  /** Text drawn as one or more spans of different colours on one baseline (syntax highlighting). */
  text(x, y, size, spans, { bold = false, mono = false } = {}) {
    const parts = typeof spans === 'string' ? [[spans, '#000']] : spans;
    this.lines.push(parts.map(([t]) => t).join(''));
    const inner = parts.map(([t, fill]) => `<tspan fill="${fill}">${esc(t)}</tspan>`).join('');
    this.body += `<text x="${x}" y="${y}" font-size="${size}" font-family="${mono ? 'monospace' : 'sans-serif'}" font-weight="${bold ? 'bold' : 'normal'}" xml:space="preserve">${inner}</text>`;
    return this;
  }
  svg(scale = 1) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width * scale}" height="${this.height * scale}" viewBox="0 0 ${this.width} ${this.height}">${this.body}</svg>`;
  }
}

const SETTINGS = [
  ['Editor: Font Size', 'Controls the font size in pixels.', '14'],
  ['Editor: Tab Size', 'The number of spaces a tab is equal to.', '4'],
  ['Files: Auto Save', 'Controls auto save of editors that have unsaved changes.', 'afterDelay'],
  ['Editor: Word Wrap', 'Controls how lines should wrap when they exceed the viewport width.', 'bounded'],
  ['Http: Proxy', 'The proxy setting to use. If not set, it is taken from the environment variables.', 'http://proxy.internal:3128'],
  ['Terminal: Scrollback', 'Controls the maximum number of lines the terminal keeps in its buffer.', '1000'],
];

function settingsPage(theme, size = 13) {
  const c = theme === 'light'
    ? { bg: '#ffffff', side: '#f3f3f3', fg: '#1f1f1f', dim: '#616161', box: '#ffffff', border: '#cecece', title: '#dddddd' }
    : { bg: '#1f1f1f', side: '#181818', fg: '#cccccc', dim: '#9d9d9d', box: '#313131', border: '#3c3c3c', title: '#181818' };
  const k = size / 13;
  const s = new Scene(1280, 720, c.bg).rect(0, 0, 1280, 30, c.title).rect(0, 30, 220, 690, c.side);
  s.text(12, 20, size, [['Settings - Describe Image - Visual Studio Code', c.fg]]);
  ['Commonly Used', 'Text Editor', 'Workbench', 'Window', 'Features', 'Application', 'Security', 'Extensions'].forEach((t, i) => s.text(20, 70 + i * 26 * k, size, [[t, c.fg]]));
  s.rect(240, 44, 1000, 26, c.box, `stroke="${c.border}"`).text(248, 62, size, [['Search settings', c.dim]]);
  SETTINGS.forEach(([title, description, value], i) => {
    const y = 110 + i * 92 * Math.min(1, k);
    s.text(250, y, size, [[title, c.fg]], { bold: true }).text(250, y + 22 * k, size, [[description, c.dim]]);
    s.rect(250, y + 32 * k, 300, 26 * k, c.box, `stroke="${c.border}"`).text(256, y + 50 * k, size, [[value, c.fg]]);
  });
  return s;
}

function buttons() {
  const s = new Scene(1024, 160, '#ffffff');
  const button = (x, y, w, fill, label, fg = '#ffffff') => s.rect(x, y, w, 28, fill, 'rx="2"').text(x + 12, y + 19, 13, [[label, fg]]);
  button(20, 20, 140, '#0078d4', 'Save Changes');
  button(180, 20, 100, '#0e639c', 'Sign in');
  button(300, 20, 170, '#d13438', 'Delete Repository');
  button(490, 20, 120, '#107c10', 'Install Now');
  button(20, 90, 170, '#5c2d91', 'Open Settings');
  button(210, 90, 150, '#ca5010', 'Retry Upload');
  button(380, 90, 150, '#007acc', 'Show Log');
  button(550, 90, 90, '#e5e5e5', 'Cancel', '#1f1f1f');
  return s;
}

/** A dark VS Code window at 1920×1080: explorer, code with syntax colours, terminal, a notification, the status bar. */
function ideWindow() {
  const s = new Scene(1920, 1080, '#1f1f1f');
  s.rect(0, 0, 1920, 30, '#181818').text(760, 20, 13, [['app.ts - describe-image - Visual Studio Code', '#cccccc']]);
  s.rect(0, 30, 48, 1028, '#181818').rect(48, 30, 260, 1028, '#181818');
  s.text(68, 54, 11, [['EXPLORER', '#cccccc']], { bold: true });
  ['src', 'core', 'client.ts', 'describe.ts', 'imagePipeline.ts', 'markdown.ts', 'ocr.ts', 'cli', 'main.ts', 'test', 'package.json', 'README.md', 'tsconfig.json'].forEach((f, i) =>
    s.text(76 + (i > 0 && i < 7 ? 16 : 0), 82 + i * 22, 13, [[f, '#cccccc']]),
  );
  s.rect(308, 30, 1612, 35, '#181818').rect(308, 30, 140, 35, '#1f1f1f').text(324, 52, 13, [['app.ts', '#ffffff']]);
  const K = '#569cd6';
  const S = '#ce9178';
  const F = '#dcdcaa';
  const V = '#9cdcfe';
  const T = '#d4d4d4';
  const C = '#6a9955';
  const code = [
    [['import', K], [' { readFile } ', T], ['from', K], [' ', T], ["'node:fs/promises'", S], [';', T]],
    [['import', K], [' { createServer } ', T], ['from', K], [' ', T], ["'node:http'", S], [';', T]],
    [],
    [['// Serve the settings page on port 8080', C]],
    [['const', K], [' ', T], ['port', V], [' = ', T], ['Number', F], ['(process.env.PORT ?? ', T], ['8080', '#b5cea8'], [');', T]],
    [['export', K], [' ', T], ['async', K], [' ', T], ['function', K], [' ', T], ['start', F], ['(root: string): Promise<void> {', T]],
    [['  const', K], [' ', T], ['page', V], [' = ', T], ['await', K], [' ', T], ['readFile', F], ['(`${root}/settings.html`, ', T], ["'utf8'", S], [');', T]],
    [['  createServer', F], ['((req, res) => res.end(page)).listen(port);', T]],
    [['  console', V], ['.', T], ['log', F], ['(', T], ["'Listening on http://localhost:8080/settings'", S], [');', T]],
    [['}', T]],
  ];
  code.forEach((spans, i) => {
    s.text(330, 92 + i * 19, 12, [[String(i + 1).padStart(2, ' '), '#6e7681']], { mono: true });
    if (spans.length) s.text(370, 92 + i * 19, 14, spans, { mono: true });
  });
  s.rect(308, 700, 1612, 358, '#181818').text(324, 724, 11, [['TERMINAL', '#cccccc']], { bold: true });
  [
    '$ npm test',
    '> describe-image@0.1.0 test',
    'Error: ENOENT: no such file or directory, open settings.json',
    '    at async start (src/app.ts:7:16)',
    'Tests: 41 passed, 1 failed, 42 total',
  ].forEach((l, i) => s.text(324, 752 + i * 20, 14, [[l, '#cccccc']], { mono: true }));
  s.rect(1480, 880, 420, 150, '#252526', 'stroke="#454545"').text(1500, 912, 13, [['Extension host terminated unexpectedly.', '#cccccc']]);
  s.text(1500, 936, 13, [['Restart it to continue.', '#cccccc']]);
  s.rect(1650, 975, 110, 28, '#0078d4').text(1664, 994, 13, [['Restart', '#ffffff']]);
  s.rect(1775, 975, 110, 28, '#313131').text(1789, 994, 13, [['Show Log', '#cccccc']]);
  s.rect(0, 1058, 1920, 22, '#007acc').text(10, 1073, 12, [['main', '#ffffff']]).text(1600, 1073, 12, [['Ln 7, Col 16   Spaces: 2   UTF-8   TypeScript', '#ffffff']]);
  return s;
}

let resvgReady;
async function render(scene, scale = 1) {
  resvgReady ??= initWasm(readFileSync(requireOut.resolve('@resvg/resvg-wasm/index_bg.wasm')));
  await resvgReady;
  const font = (f) => readFileSync(requireOut.resolve(`dejavu-fonts-ttf/ttf/${f}`));
  const fonts = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSansMono.ttf'].map(font);
  const r = new Resvg(scene.svg(scale), { font: { fontBuffers: fonts, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans', monospaceFamily: 'DejaVu Sans Mono' } });
  return Buffer.from(r.render().asPng());
}

/** Share of the known words found (each counted as often as drawn; exact, punctuation included). */
function wordsFound(expected, text) {
  const bag = new Map();
  for (const t of text.split(/\s+/).filter(Boolean)) bag.set(t, (bag.get(t) ?? 0) + 1);
  const words = expected.flatMap((l) => l.split(/\s+/).filter(Boolean));
  let found = 0;
  for (const w of words) {
    const n = bag.get(w) ?? 0;
    if (n > 0) {
      found++;
      bag.set(w, n - 1);
    }
  }
  return found / words.length;
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
      `${pct(wordsFound(ide.lines, last.text))} (plain: ${pct(wordsFound(ide.lines, plainText))})`,
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
      const row = [label, `${pct(wordsFound(scene.lines, p.text))} (${fmtMs(p.ms)})`];
      totals.plain += p.ms;
      for (const [name, prepare] of steps) {
        const r = await engine.recognize(png, { name: 'scene.png', prepare });
        row.push(`${pct(wordsFound(scene.lines, r.text))} (${fmtMs(r.elapsedMs)})`);
        totals[name] += r.elapsedMs;
      }
      accuracy.push(row);
    }
  } finally {
    await engine.dispose();
    await plain.terminate();
  }
  accuracy.push(['total time', fmtMs(totals.plain), ...steps.map(([n]) => fmtMs(totals[n]))]);

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
    `tesseract.js 7 with the English \`4.0.0_best_int\` model in a worker thread (one core: \`tesseract-core-simd-lstm\`). Screenshots are generated (SVG rendered with DejaVu fonts), so every word is known; "words found" counts each drawn word found exactly (punctuation included). ${RUNS} runs, medians. Goals: ≥ 98 % of words on light and dark, ≤ 1.5 s warm for 1080p on 2 cores.`,
    '',
    '**Time to first text** (decode in the calling thread, prepare and recognise in the worker; cold also starts the worker and loads the model)',
    '',
    table(['screenshot', 'cold', 'warm', 'warm: decode / prepare / Tesseract', 'plain tesseract.js, warm (ours / plain)', 'scale chosen', 'words found'], timing),
    '',
    '**Words found per preparation step** (time per image in brackets; plain tesseract.js gets the PNG as it is)',
    '',
    table(['screenshot', 'plain tesseract.js', ...steps.map(([n]) => n)], accuracy),
    '',
    '**Added to the VSIX** (deflated as in the zip)',
    '',
    table(['file', 'size', 'in the VSIX'], sizeRows),
    '',
  ].join('\n');
}
