// A describe without an Azure account: starts the Azure-like test server on 127.0.0.1 and runs the built CLI on a
// fixture screenshot against it, so a newcomer sees the whole path (request, answer, Markdown) work end to end; then
// reads the text of the shipped sample screenshot on this machine (extract-text: real OCR, no server, no key).
// Usage: npm run demo   (after npm run build; it compiles the test server itself)
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { AzureLikeServer } = require('../out/test/support/azureServer.js');

const server = new AzureLikeServer();
const url = await server.start();
console.error(`Azure-like test server on ${url}; running: describe-image test/fixtures/images/ui.png --endpoint ${server.targetUri()}\n`);
// Spawn asynchronously: the server answers from this process's event loop.
const child = spawn(process.execPath, ['dist/cli.js', 'test/fixtures/images/ui.png', '--endpoint', server.targetUri()], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, AZURE_OPENAI_API_KEY: server.key },
});
const run = { status: await new Promise((resolve) => child.on('close', resolve)) };
await server.stop();
if (run.status === 0) {
  console.error('\nAnd offline, with no model at all: describe-image extract-text media/sample-screenshot.png\n');
  const ocr = spawn(process.execPath, ['dist/cli.js', 'extract-text', 'media/sample-screenshot.png'], { stdio: ['ignore', 'inherit', 'inherit'] });
  run.status = await new Promise((resolve) => ocr.on('close', resolve));
}
console.error(`\nExit code ${run.status}. With your own resource:\n  export AZURE_OPENAI_API_KEY=...   # never a flag\n  node dist/cli.js --endpoint https://<resource>.openai.azure.com --deployment <name> path/to/image.png`);
process.exit(run.status ?? 1);
