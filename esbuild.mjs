// Builds the extension and the CLI into dist/ (bundled), and with --tests compiles src/ and test/ file-by-file
// into out/ for the test runners. --production minifies and drops source maps; --watch rebuilds on change.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, sep } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');
/** Only the CLI and what it reads (the npm package, scripts/pack-cli.mjs): no extension, no webview. */
const cliOnly = process.argv.includes('--cli');
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
  // jsonc-parser's main is a UMD module whose require() calls esbuild can't follow: bundle its ES module build.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
  plugins: watch ? [problemMatcher] : [],
};

/**
 * The bundles, split where the architecture is split (ARCHITECTURE.md): every subsystem's door (`src/<layer>/<name>/
 * index.ts`) is a bundle of its own, `dist/<layer>-<name>.js`, that the others `require` instead of copying it, and
 * every `import()` starts a bundle that is read only when that code first runs (`dist/<layer>-<name>-<file>.js`); a
 * file that two bundles import (a door's registration and its lazily loaded work share a small module) becomes a
 * bundle of its own too. So activation reads only what registers commands and providers, the CLI reads one command's
 * code, and each module has one instance (a class checked with instanceof is the same class everywhere).
 */
const distDir = process.env.DESCRIBE_IMAGE_DIST || 'dist';
const doorOf = (file) => /^src\/(core|cli|vscode)\/([^/]+)\/index\.ts$/.exec(file);
const bundleName = (file) =>
  file
    .replace(/^src\//, '')
    .replace(/\/index\.ts$|\.ts$/, '')
    .split('/')
    .join('-');

/** The packages the bundles `require` at run time (left external: not bundled, not a Node built-in). */
const externals = new Set();
function noteExternals(metafile) {
  for (const output of Object.values(metafile.outputs)) {
    for (const i of output.imports) if (i.external && !i.path.startsWith('.') && !i.path.startsWith('node:') && !builtinModules.includes(i.path)) externals.add(i.path);
  }
}

/** An esbuild plugin that leaves other bundles' files out of this one and notes each bundle it needs. */
function splitPlugin(self, found, shared) {
  return {
    name: 'split',
    setup(build) {
      build.onResolve({ filter: /^\./ }, async (args) => {
        if (args.pluginData === 'split') return undefined;
        const r = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'split' });
        if (r.errors.length || !r.path.endsWith('.ts')) return r;
        const file = relative(process.cwd(), r.path).split(sep).join('/');
        const door = doorOf(file);
        const importer = relative(process.cwd(), args.importer).split(sep).join('/');
        const inside = door && importer.startsWith(`src/${door[1]}/${door[2]}/`);
        if (file === self || (!(door && !inside) && args.kind !== 'dynamic-import' && !shared.has(file))) return r;
        found.add(file);
        return { path: `./${bundleName(file)}.js`, external: true };
      });
    },
  };
}

/** Build the entries and every bundle they lead to; returns each bundle's source files (from esbuild's metafile). */
async function buildOnce(entries, options, shared) {
  const inputs = new Map();
  const queue = [...entries];
  const done = new Set();
  while (queue.length) {
    const batch = queue.splice(0).filter((f) => !done.has(f));
    batch.forEach((f) => done.add(f));
    await Promise.all(
      batch.map(async (file) => {
        const found = new Set();
        const name = options.names?.[file] ?? bundleName(file);
        const result = await esbuild.build({ ...common, ...options.esbuild, entryPoints: { [name]: file }, outdir: distDir, metafile: true, plugins: [...common.plugins, splitPlugin(file, found, shared)], supported: { 'dynamic-import': false } });
        inputs.set(name, Object.keys(result.metafile.inputs).filter((i) => i.startsWith('src/')));
        noteExternals(result.metafile);
        queue.push(...found);
      }),
    );
  }
  return inputs;
}

/** Source files in more than one bundle, with the bundles. */
function inSeveral(inputs) {
  const where = new Map();
  for (const [bundle, files] of inputs) for (const f of files) where.set(f, [...(where.get(f) ?? []), bundle]);
  return [...where].filter(([, bundles]) => bundles.length > 1);
}

/** Build until no source file is in two bundles (each one found becomes a bundle of its own). */
async function buildSplit(entries, options) {
  const shared = new Set();
  for (let round = 0; round < 10; round++) {
    const inputs = await buildOnce(entries, options, shared);
    const twice = inSeveral(inputs);
    if (twice.length === 0) return inputs;
    for (const [f] of twice) shared.add(f);
  }
  throw new Error('esbuild.mjs: the bundles did not settle in 10 rounds');
}

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
        supported: { 'dynamic-import': false },
      },
    ]
  : [
      // The OCR worker thread's script (src/core/ocr/worker.ts serves the OCR client when started as its worker), with
      // tesseract.js's worker code and the glue of the one WebAssembly core we ship: nothing is read from node_modules.
      { ...common, entryPoints: { 'ocr-worker': 'src/core/ocr/worker.ts' }, outdir: `${distDir}/assets/ocr` },
      // The paste panel's script runs in the webview: a browser bundle under media/, the panel's only resource root.
      ...(cliOnly ? [] : [{ ...common, entryPoints: { paste: 'src/webview/paste.ts' }, outdir: 'media/dist', platform: 'browser', format: 'iife', target: 'es2022' }]),
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
  rmSync(distDir, { recursive: true, force: true });
  mkdirSync(`${distDir}/assets/fonts`, { recursive: true });
  mkdirSync(`${distDir}/assets/ocr`, { recursive: true });
  for (const [from, to] of ASSETS) copyFileSync(from, `${distDir}/assets/${to}`);
}
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('[watch] the split bundles (extension, CLI) are rebuilt by `npm run build`, not watched');
} else if (tests) {
  await Promise.all(builds.map((options) => esbuild.build(options)));
} else {
  // sharp loads a native or WASM binary at run time: it stays external and ships in node_modules (see .vscodeignore).
  const [inputs] = await Promise.all([
    buildSplit(cliOnly ? ['src/cli/index.ts'] : ['src/extension.ts', 'src/cli/index.ts'], {
      names: { 'src/extension.ts': 'extension', 'src/cli/index.ts': 'cli' },
      esbuild: { external: ['vscode', 'sharp'] },
    }),
    ...builds.map(async (options) => noteExternals((await esbuild.build({ ...options, metafile: true })).metafile)),
  ]);
  const twice = inSeveral(inputs);
  if (twice.length) throw new Error(`esbuild.mjs: source files in more than one bundle:\n${twice.map(([f, b]) => `  ${f}: ${b.join(', ')}`).join('\n')}`);
  // The CLI's entry runs as a program.
  const cli = `${distDir}/cli.js`;
  writeFileSync(cli, `#!/usr/bin/env node\n${readFileSync(cli, 'utf8')}`);
  chmodSync(cli, 0o755);
  // What the npm package must depend on (read and removed by scripts/pack-cli.mjs).
  if (cliOnly) writeFileSync(`${distDir}/externals.json`, `${JSON.stringify([...externals].sort())}\n`);
}
