// Checks a built VSIX: what it holds (the bundle, media, README, CHANGELOG, LICENSE, the sharp WASM runtime) and what
// it must not (src/, test/, dev dependencies, native sharp binaries), and that sharp works from the shipped files alone
// through its WASM build. Prints the size. Usage: node scripts/check-vsix.mjs describe-image.vsix
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const vsix = process.argv[2] ?? 'describe-image.vsix';
const list = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter(Boolean);
const problems = [];
for (const required of ['extension/dist/extension.js', 'extension/media/icon.png', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt', 'extension/dist/assets/resvg.wasm', 'extension/dist/assets/fonts/DejaVuSans.ttf', 'extension/node_modules/sharp/package.json', 'extension/node_modules/@img/sharp-wasm32/package.json']) {
  if (!list.some((f) => f.toLowerCase() === required.toLowerCase())) problems.push(`missing ${required}`);
}
for (const f of list) {
  if (/^extension\/(src|test|out|scripts|bench|\.vscode-test)\//.test(f)) problems.push(`should not ship ${f}`);
  if (/node_modules\/(typescript|esbuild|mocha|eslint|playwright-core|@vscode\/vsce|undici|@img\/sharp-linux|@img\/sharp-libvips)/.test(f)) problems.push(`should not ship ${f}`);
  if (/\.map$/.test(f)) problems.push(`should not ship ${f}`);
}
const dir = mkdtempSync(path.join(os.tmpdir(), 'di-vsix-'));
try {
  execFileSync('unzip', ['-q', vsix, '-d', dir]);
  const sharpDir = path.join(dir, 'extension', 'node_modules', 'sharp');
  const out = execFileSync(process.execPath, ['-e', `const s=require(${JSON.stringify(sharpDir)}); s({create:{width:8,height:8,channels:3,background:'red'}}).png().toBuffer().then(b=>console.log(Object.keys(s.versions).includes('emscripten') ? 'wasm' : 'native', b.length))`], { encoding: 'utf8' }).trim();
  if (!out.startsWith('wasm ')) problems.push(`sharp from the VSIX did not run on its WASM build (${out})`);
} catch (e) {
  problems.push(`sharp from the VSIX failed: ${e.message}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const size = statSync(vsix).size;
console.log(`${vsix}: ${list.length} files, ${(size / 1048576).toFixed(2)} MB`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('check-vsix: contents and the WASM image runtime are as they should be');
