// Checks a built VSIX: what it holds (the bundle, media, the listing README, CHANGELOG, LICENSE, the sharp WASM runtime, the OCR's
// files) and what it must not (src/, test/, dev dependencies, native sharp binaries, other Tesseract cores or models),
// that sharp works from the shipped files alone through its WASM build, and that the OCR reads a screenshot from the
// shipped files alone. Prints the size. Usage: node scripts/check-vsix.mjs describe-image.vsix
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const vsix = process.argv[2] ?? 'describe-image.vsix';
/** The OCR's files in dist/assets/ocr (see esbuild.mjs). */
const OCR_FILES = ['ocr-worker.js', 'tesseract-core-simd-lstm.wasm', 'eng.traineddata.gz', 'LICENSE-tesseract.txt'];
const list = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter(Boolean);
const problems = [];
for (const required of ['extension/dist/extension.js', 'extension/media/icon.png', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt', 'extension/dist/assets/resvg.wasm', 'extension/dist/assets/fonts/DejaVuSans.ttf', 'extension/node_modules/sharp/package.json', 'extension/node_modules/@img/sharp-wasm32/package.json', ...OCR_FILES.map((f) => `extension/dist/assets/ocr/${f}`)]) {
  if (!list.some((f) => f.toLowerCase() === required.toLowerCase())) problems.push(`missing ${required}`);
}
for (const f of list) {
  if (/^extension\/(src|test|out|scripts|bench|\.vscode-test)\//.test(f)) problems.push(`should not ship ${f}`);
  if (/node_modules\/(typescript|esbuild|mocha|eslint|playwright-core|@vscode\/vsce|undici|@img\/sharp-linux|@img\/sharp-libvips)/.test(f)) problems.push(`should not ship ${f}`);
  if (/\.map$/.test(f)) problems.push(`should not ship ${f}`);
  // sharp's CommonJS build is what runs: not its ES module copy, type declarations or C++ sources.
  if (/node_modules\/sharp\/(src|install|lib)\/|node_modules\/sharp\/dist\/.*\.(mjs|d\.[cm]?ts)$/.test(f)) problems.push(`should not ship ${f}`);
  // The OCR: one core, one model, nothing of tesseract.js's own packages.
  if (/tesseract|traineddata/i.test(f) && !OCR_FILES.some((o) => f === `extension/dist/assets/ocr/${o}`)) problems.push(`should not ship ${f}`);
}
/**
 * The OCR as shipped (dist/core-ocr.js, the bundle the extension loads on first use), from the unpacked extension,
 * reading a screenshot rendered from a known line: it must find the files in dist/assets/ocr and the line's words.
 */
function checkOcr(extensionDir) {
  const entry = path.join(extensionDir, 'dist', 'core-ocr.js');
  const line = 'Extension host terminated unexpectedly';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="80"><rect width="1024" height="80" fill="#1f1f1f"/><text x="20" y="45" font-family="DejaVu Sans" font-size="14" fill="#cccccc">${line}</text></svg>`;
  const render = `const { Resvg, initWasm } = require('@resvg/resvg-wasm'); const fs = require('node:fs');
initWasm(fs.readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm'))).then(() => {
  const r = new Resvg(process.argv[1], { font: { fontBuffers: [fs.readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'))], defaultFontFamily: 'DejaVu Sans' } });
  process.stdout.write(Buffer.from(r.render().asPng()).toString('base64'));
});`;
  const png = path.join(extensionDir, 'ocr-check.png');
  writeFileSync(png, Buffer.from(execFileSync(process.execPath, ['-e', render, svg], { encoding: 'utf8' }), 'base64'));
  const run = `const { OcrEngine, ocrFiles } = require(${JSON.stringify(entry)});
const engine = new OcrEngine();
engine.recognize(require('node:fs').readFileSync(${JSON.stringify(png)}), { name: 'check.png' })
  .then((r) => { process.stdout.write(JSON.stringify({ files: ocrFiles(), text: r.text })); return engine.dispose(); });`;
  // From the unpacked folder, so nothing resolves into this repository's node_modules.
  const out = JSON.parse(execFileSync(process.execPath, ['-e', run], { cwd: extensionDir, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } }));
  const shipped = path.join(extensionDir, 'dist', 'assets', 'ocr');
  for (const f of Object.values(out.files)) if (!f.startsWith(shipped)) throw new Error(`it used ${f}, not the shipped files`);
  if (!out.text.includes(line)) throw new Error(`it read "${out.text}" instead of "${line}"`);
}

/**
 * Every bundle in the shipped dist/ loads from the unpacked extension alone (a split build requires its parts by
 * name: one left out fails here, not in a user's window), after activation with a stand-in `vscode` module.
 */
function checkBundles(extensionDir) {
  const dist = path.join(extensionDir, 'dist');
  const bundles = readdirSync(dist).filter((f) => f.endsWith('.js') && f !== 'extension.js' && f !== 'ocr-check.js');
  const probe = path.resolve('bench', 'support', 'activate-probe.cjs');
  const out = JSON.parse(execFileSync(process.execPath, [probe, dist, '--then', `all=${bundles.join(',')}`], { cwd: extensionDir, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } }));
  if (out.activation.registered < 10) throw new Error(`activation registered only ${out.activation.registered} things`);
  for (const f of list.filter((f) => /^extension\/dist\/cli/.test(f))) throw new Error(`the CLI's ${f} ships in the extension`);
}

/**
 * The Marketplace page is README.marketplace.md (`vsce package --readme-path`), not the repository's README: it opens
 * with what the extension does for the user, holds none of the developer set-up, and its pictures are links vsce made
 * absolute from package.json's repository, each to a file that is in the repository.
 */
function checkReadme(extensionDir) {
  const readmes = list.filter((f) => /^extension\/readme(\.[^/]*)?$/i.test(f));
  if (readmes.length !== 1 || readmes[0] !== 'extension/readme.md') throw new Error(`the VSIX holds ${readmes.join(', ') || 'no readme'}, not one readme.md`);
  const text = readFileSync(path.join(extensionDir, 'readme.md'), 'utf8');
  const listing = readFileSync('README.marketplace.md', 'utf8');
  if (!text.startsWith(listing.split('\n')[0]) || !text.includes('## Describe an image')) throw new Error('readme.md is not README.marketplace.md');
  for (const developer of ['npm test', 'npm ci', 'run it as root', '1.2 GB', 'Extension Development Host']) {
    if (text.includes(developer)) throw new Error(`readme.md says "${developer}": developer set-up belongs in the repository README`);
  }
  const repo = JSON.parse(readFileSync('package.json', 'utf8')).repository.url.replace(/\.git$/, '');
  const images = [...text.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  if (images.length === 0) throw new Error('readme.md has no pictures');
  for (const src of images) {
    const prefix = `${repo}/raw/HEAD/`;
    if (!src.startsWith(prefix)) throw new Error(`the picture ${src} does not point into ${repo}`);
    const file = path.resolve(src.slice(prefix.length));
    if (path.relative(process.cwd(), file).startsWith('..') || !existsSync(file)) throw new Error(`the picture ${src} is not a file of the repository`);
  }
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'di-vsix-'));
try {
  execFileSync('unzip', ['-q', vsix, '-d', dir]);
  checkReadme(path.join(dir, 'extension'));
} catch (e) {
  problems.push(`the listing: ${e.message}`);
}
try {
  const sharpDir = path.join(dir, 'extension', 'node_modules', 'sharp');
  const out = execFileSync(process.execPath, ['-e', `const s=require(${JSON.stringify(sharpDir)}); s({create:{width:8,height:8,channels:3,background:'red'}}).png().toBuffer().then(b=>console.log(Object.keys(s.versions).includes('emscripten') ? 'wasm' : 'native', b.length))`], { encoding: 'utf8' }).trim();
  if (!out.startsWith('wasm ')) problems.push(`sharp from the VSIX did not run on its WASM build (${out})`);
} catch (e) {
  problems.push(`sharp from the VSIX failed: ${e.message}`);
}
try {
  checkBundles(path.join(dir, 'extension'));
} catch (e) {
  problems.push(`the shipped bundles do not load: ${e.message}`);
}
try {
  checkOcr(path.join(dir, 'extension'));
} catch (e) {
  problems.push(`the OCR from the VSIX failed: ${e.message}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const size = statSync(vsix).size;
console.log(`${vsix}: ${list.length} files, ${(size / 1048576).toFixed(2)} MB`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('check-vsix: contents, the WASM image runtime and the offline OCR are as they should be');
