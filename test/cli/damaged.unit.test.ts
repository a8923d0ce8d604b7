/**
 * Damaged images through every command of the built CLI, each in its own process under the network guard: describe
 * (fits already, needs resizing, --no-resize) and extract-text exit 2 naming the file, and nothing reaches the
 * Azure-like server; alt-text fix reports the damaged image and still fills the others; the MCP server's
 * describeImage tool answers with the same error.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { findImages } from '../../src/core/finders';
import { AzureLikeServer } from '../support/azureServer';
import { runCliProcess, type CliRun } from '../support/cli';
import { cutAtHalf, damagedImages, damagedMessage, flipMiddle, wholeImage } from '../support/damaged';
import { cliPath, image, networkGuard } from '../support/paths';

const server = new AzureLikeServer();
let dir = '';
let guardLog = '';
const env = () => ({ AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', AZURE_OPENAI_API_KEY: server.key });
const cli = (args: string[]): Promise<CliRun> => runCliProcess(args, { cwd: dir, guardLog, secrets: [server.key], env: env() });

before(async () => {
  await server.start();
  dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'di-damaged-cli-')));
  guardLog = path.join(dir, 'guard.log');
  await fs.writeFile(path.join(dir, 'big-cut.png'), cutAtHalf(await wholeImage('png', 1200, 800)));
  await fs.writeFile(path.join(dir, 'small-cut.png'), cutAtHalf(await wholeImage('png', 300, 200)));
  await fs.writeFile(path.join(dir, 'flipped.jpg'), flipMiddle(await wholeImage('jpeg', 1200, 800)));
});
after(async () => {
  await server.stop();
  await fs.rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.requests.length = 0;
});

describe('describe-image with a damaged image', () => {
  for (const [file, args] of [
    ['big-cut.png', []],
    ['small-cut.png', []],
    ['flipped.jpg', []],
    ['small-cut.png', ['--no-resize']],
  ] as const) {
    it(`${file} ${args.join(' ')}: exit 2, the file named, nothing sent`, async () => {
      const r = await cli([file, ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, damagedMessage(file));
      assert.match(r.stderr, /it was not sent\./);
      assert.doesNotMatch(r.stderr, /unexpected error/);
      assert.equal(r.stdout, '');
      assert.equal(server.requests.length, 0, 'nothing reached the server');
    });
  }

  it('every kind of damage, with a good image beside it: exit 2, nothing sent', async () => {
    for (const d of await damagedImages()) {
      await fs.writeFile(path.join(dir, d.name), d.bytes);
      const r = await cli([image('ui.png'), d.name]);
      assert.equal(r.code, 2, `${d.what}: ${r.stderr}`);
      assert.match(r.stderr, damagedMessage(d.name), d.what);
    }
    assert.equal(server.requests.length, 0, 'nothing reached the server');
  });
});

describe('describe-image extract-text with a damaged image', () => {
  it('exit 2, the file named, its text not read', async () => {
    for (const file of ['big-cut.png', 'flipped.jpg']) {
      const r = await runCliProcess(['extract-text', file], { cwd: dir, guardLog });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, damagedMessage(file));
      assert.match(r.stderr, /its text was not read\./);
      assert.equal(r.stdout, '');
    }
  });
});

describe('describe-image alt-text fix with a damaged image', () => {
  it('reports the damaged image, fills the others, and sends nothing for it', async () => {
    const docs = path.join(dir, 'site');
    await fs.mkdir(docs, { recursive: true });
    await fs.copyFile(image('ui.png'), path.join(docs, 'ui.png'));
    await fs.copyFile(path.join(dir, 'big-cut.png'), path.join(docs, 'broken.png'));
    await fs.copyFile(image('photo.jpg'), path.join(docs, 'photo.jpg'));
    await fs.writeFile(path.join(docs, 'page.md'), '# Page\n\n![](ui.png)\n\n![](broken.png)\n\n![](photo.jpg)\n');
    const r = await runCliProcess(['alt-text', 'fix', '--cache', 'alt-cache.json', 'site'], { cwd: dir, guardLog, secrets: [server.key], env: env() });
    assert.match(r.stderr, damagedMessage('broken.png'));
    assert.notEqual(r.code, 0, 'not a success: one image could not be described');
    const filled = findImages(await fs.readFile(path.join(docs, 'page.md'), 'utf8'), 'markdown').map((i) => [i.src, Boolean(i.alt?.trim())]);
    assert.deepEqual(filled, [['ui.png', true], ['broken.png', false], ['photo.jpg', true]]);
    assert.equal(server.requests.length, 2, 'only the two whole images were sent');
  });
});

describe('describe-image mcp: describeImage with a damaged image', { timeout: 60_000 }, () => {
  it('answers with an error naming the file; nothing sent', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--require', networkGuard, cliPath, 'mcp'],
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '', NETWORK_GUARD_LOG: guardLog, ...env() },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'describe-image-tests', version: '1.0.0' });
    await client.connect(transport);
    try {
      const result = (await client.callTool({ name: 'describeImage', arguments: { paths: ['big-cut.png'] } })) as CallToolResult;
      const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
      assert.equal(result.isError, true, text);
      assert.match(text, damagedMessage('big-cut.png'));
      assert.equal(server.requests.length, 0, 'nothing reached the server');
    } finally {
      await client.close();
    }
  });
});
