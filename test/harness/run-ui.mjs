// Runs the UI tests (compiled to out/test/ui/**/*.ui.test.js) with Mocha in plain Node. Each UI test starts its own
// code-server and headless chromium through codeServer.mjs and drives the workbench with Playwright as a person would.
// Usage: node test/harness/run-ui.mjs [files...]
import { readdirSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Mocha from 'mocha';
import { repoRoot, resultsDir } from './codeServer.mjs';

const uiDir = path.join(repoRoot, 'out', 'test', 'ui');
const files = process.argv.slice(2).length
  ? process.argv.slice(2).map((f) => path.resolve(f))
  : existsSync(uiDir)
    ? readdirSync(uiDir, { recursive: true }).filter((f) => String(f).endsWith('.ui.test.js')).map((f) => path.join(uiDir, String(f))).sort()
    : [];
if (files.length === 0) {
  console.error('run-ui: no UI tests found under out/test/ui (run `npm run compile-tests` first)');
  process.exit(1);
}
// Every failed test saves a screenshot of each open workbench and its logs (test/ui/harness.ts), so a red run can be read.
const { saveFailureArtifacts } = createRequire(import.meta.url)(path.join(uiDir, 'harness.js'));
// Only this run's failures are kept.
rmSync(path.join(resultsDir, 'failures'), { recursive: true, force: true });
const mocha = new Mocha({ ui: 'bdd', timeout: 180_000, reporter: 'spec' });
mocha.rootHooks({
  async afterEach() {
    if (this.currentTest?.state !== 'failed') return;
    const dir = await saveFailureArtifacts(this.currentTest.fullTitle()).catch((e) => `(could not save: ${e})`);
    console.error(`  screenshot and logs of the failed test: ${path.relative(repoRoot, dir)}`);
  },
});
if (process.env.DESCRIBE_IMAGE_TEST_GREP) mocha.grep(process.env.DESCRIBE_IMAGE_TEST_GREP);
for (const f of files) mocha.addFile(f);
await mocha.loadFilesAsync();
mocha.run((failures) => process.exit(failures > 0 ? 1 : 0));
