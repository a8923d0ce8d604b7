// Builds the extension and the CLI into dist/ (bundled), and with --tests compiles src/ and test/ file-by-file
// into out/ for the test runners. --production minifies and drops source maps; --watch rebuilds on change.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');
/** Where --tests compiles to (another folder lets two builds run side by side). */
const testOut = process.env.DESCRIBE_IMAGE_OUT || 'out';
/** Every .ts file under a folder (Node 20 has no fs.globSync). */
const tsFiles = (dir) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath ?? e.path, e.name));
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

/** Reports errors in the format of the $esbuild-watch problem matcher. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  plugins: watch ? [problemMatcher] : [],
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = tests
  ? [
      {
        entryPoints: [...tsFiles('src'), ...tsFiles('test')],
        outdir: testOut,
        outbase: '.',
        bundle: false,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        sourcemap: true,
        logLevel: 'warning',
        define: { __VERSION__: JSON.stringify(pkg.version) },
      },
    ]
  : [
      // sharp loads a native or WASM binary at run time: it stays external and ships in node_modules (see .vscodeignore).
      { ...common, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', external: ['vscode', 'sharp'] },
      { ...common, entryPoints: { cli: 'src/cli/index.ts' }, outdir: 'dist', external: ['sharp'], banner: { js: '#!/usr/bin/env node' } },
      // The OCR worker thread's script (src/core/ocr/worker.ts serves the OCR client when started as its worker), with
      // tesseract.js's worker code and the glue of the one WebAssembly core we ship: nothing is read from node_modules.
      { ...common, entryPoints: { 'ocr-worker': 'src/core/ocr/worker.ts' }, outdir: 'dist/assets/ocr' },
      // The paste panel's script runs in the webview: a browser bundle under media/, the panel's only resource root.
      { ...common, entryPoints: { paste: 'src/webview/paste.ts' }, outdir: 'media/dist', platform: 'browser', format: 'iife', target: 'es2022' },
    ];

if (tests) rmSync(testOut, { recursive: true, force: true });

/**
 * Files the bundles read at run time: resvg's WASM and the fonts SVGs are rendered with (and their licence); for the
 * OCR, one Tesseract core (LSTM only, WASM SIMD: the other five builds are not shipped), the English model as
 * published (gzip'd, unpacked in memory by the worker) and Tesseract's licence.
 */
const ASSETS = [
  ['node_modules/@resvg/resvg-wasm/index_bg.wasm', 'resvg.wasm'],
  ['node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf', 'fonts/DejaVuSans.ttf'],
  ['node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf', 'fonts/DejaVuSans-Bold.ttf'],
  ['node_modules/dejavu-fonts-ttf/ttf/DejaVuSerif.ttf', 'fonts/DejaVuSerif.ttf'],
  ['node_modules/dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf', 'fonts/DejaVuSansMono.ttf'],
  ['node_modules/dejavu-fonts-ttf/LICENSE', 'fonts/LICENSE-DejaVu.txt'],
  ['node_modules/tesseract.js-core/tesseract-core-simd-lstm.wasm', 'ocr/tesseract-core-simd-lstm.wasm'],
  ['node_modules/@tesseract.js-data/eng/4.0.0_best_int/eng.traineddata.gz', 'ocr/eng.traineddata.gz'],
  ['node_modules/tesseract.js-core/LICENSE', 'ocr/LICENSE-tesseract.txt'],
];
if (!tests) {
  mkdirSync('dist/assets/fonts', { recursive: true });
  mkdirSync('dist/assets/ocr', { recursive: true });
  for (const [from, to] of ASSETS) copyFileSync(from, `dist/assets/${to}`);
}
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
