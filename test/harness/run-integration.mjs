// Runs a compiled Mocha suite inside the VS Code extension host of code-server, the way @vscode/test-electron does on a
// desktop: the workbench opens with extensionDevelopmentPath and extensionTestsPath in its payload, the suite's
// output comes back through codeAutomationLog, and its result through codeAutomationExit.
// Usage: node test/harness/run-integration.mjs --tests out/test/vscode/index.js [--workspace test/fixtures/workspace]
//        [--extension <dir>] [--timeout-ms 600000]
import path from 'node:path';
import { format } from 'node:util';
import { parseArgs } from 'node:util';
import { copyWorkspace, launchBrowser, makeTestNetwork, repoRoot, screenshot, startCodeServer, workbenchUrl } from './codeServer.mjs';

const { values } = parseArgs({
  options: {
    tests: { type: 'string' },
    workspace: { type: 'string', default: 'test/fixtures/workspace' },
    extension: { type: 'string', default: repoRoot },
    'timeout-ms': { type: 'string', default: '600000' },
  },
});
if (!values.tests) {
  console.error('usage: run-integration.mjs --tests <compiled Mocha index.js> [--workspace dir] [--extension dir]');
  process.exit(2);
}
const testsPath = path.resolve(values.tests);
const workspace = copyWorkspace(path.resolve(values.workspace));
const started = Date.now();
let server;
let browser;
let code = 1;
const network = makeTestNetwork();
try {
  server = await startCodeServer({ workspaceDir: workspace, name: 'integration', env: network.env });
  browser = await launchBrowser();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  let resolveExit;
  const exited = new Promise((resolve) => (resolveExit = resolve));
  await page.exposeFunction('codeAutomationExit', (exitCode) => resolveExit(Number(exitCode)));
  // The extension host's console (Mocha's report among it). Known harmless noise of an offline workbench is dropped.
  let inNoise = false;
  await page.exposeFunction('codeAutomationLog', (_type, args) => {
    const text = Array.isArray(args) ? format(...args) : String(args);
    if (/ENOTFOUND (open-vsx\.org|marketplace|update\.code\.visualstudio)/.test(text)) {
      inNoise = true;
      return;
    }
    if (inNoise && /^\s+at /.test(text)) return;
    inNoise = false;
    process.stdout.write(`${text}\n`);
  });
  await page.goto(workbenchUrl(server, { folder: workspace, extensionDevelopmentPath: path.resolve(values.extension), extensionTestsPath: testsPath }));
  const timeoutMs = Number(values['timeout-ms']);
  const timer = new Promise((resolve) => setTimeout(() => resolve('timeout'), timeoutMs));
  const result = await Promise.race([exited, timer]);
  if (result === 'timeout') {
    await screenshot(page, 'integration-timeout').catch(() => undefined);
    console.error(`run-integration: no result after ${timeoutMs} ms (see test-results/screenshots/integration-timeout.png and ${server.logFile})`);
    code = 1;
  } else {
    code = result;
  }
} catch (e) {
  console.error(`run-integration: ${e instanceof Error ? e.stack : e}`);
  code = 1;
} finally {
  await browser?.close();
  await server?.stop();
  network.dispose();
}
console.log(`run-integration: exit code ${code} after ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(code);
