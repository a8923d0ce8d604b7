/**
 * The OCR engine runs in the extension's (and the CLI's) thread, the worker's code in a worker thread bundled on its
 * own (esbuild.mjs: dist/assets/ocr/ocr-worker.js). They share the messages (protocol.ts) and nothing else: a value
 * imported from the worker's files once copied them, with tesseract.js's worker code (~120 KB), into the engine's
 * bundle, read by the extension on its first OCR call. Both are bundled here as esbuild.mjs does, and compared.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { repoRoot } from '../../support/paths';

/** What bundling `entry` reads: the OCR folder's files (relative to it) and the packages it imports. */
async function bundleReads(entry: string): Promise<{ files: string[]; packages: string[] }> {
  const ocrDir = path.join(repoRoot, 'src', 'core', 'ocr');
  const result = await esbuild.build({
    entryPoints: [path.join(ocrDir, entry)],
    absWorkingDir: repoRoot,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
    packages: 'external',
    plugins: [
      {
        // Other subsystems are other bundles (esbuild.mjs requires their doors): only this folder is followed.
        name: 'this-folder-only',
        setup(build) {
          build.onResolve({ filter: /^\.\.\// }, (args) => (path.resolve(args.resolveDir, args.path).startsWith(ocrDir + path.sep) ? undefined : { path: args.path, external: true }));
        },
      },
    ],
  });
  const inputs = Object.keys(result.metafile.inputs).map((f) => path.relative(ocrDir, path.resolve(repoRoot, f)));
  const packages = Object.values(result.metafile.inputs).flatMap((i) => i.imports.filter((im) => im.external && !im.path.startsWith('.')).map((im) => im.path));
  return { files: inputs.filter((f) => !f.startsWith('..')).sort(), packages: [...new Set(packages)].sort() };
}

describe('the OCR bundles', () => {
  it('the engine shares only the protocol with the worker thread, and holds none of tesseract.js', async () => {
    const engine = await bundleReads('index.ts');
    const worker = await bundleReads('worker.ts');
    assert.ok(worker.packages.includes('tesseract.js/src/worker-script'), `the worker imports ${worker.packages.join(', ')}`);
    assert.deepEqual(
      engine.files.filter((f) => worker.files.includes(f)),
      ['protocol.ts'],
    );
    assert.deepEqual(
      engine.packages.filter((p) => p.startsWith('tesseract.js')),
      [],
    );
  });
});
