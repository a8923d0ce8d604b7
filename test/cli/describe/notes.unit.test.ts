/**
 * Resizing is information, not a warning: the built CLI against the Azure-like server. The document's footer says in
 * one plain sentence at what size the image went; stderr says it only under --verbose. What the user should act on
 * (a file named as PNG whose bytes are JPEG) stays a warning.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AzureLikeServer } from '../../support/azureServer';
import { runCliProcess } from '../../support/cli';
import { wholeImage } from '../../support/damaged';
import { image } from '../../support/paths';

const server = new AzureLikeServer();
let dir = '';
const cli = (args: string[]) =>
  runCliProcess(args, { cwd: dir, guardLog: path.join(dir, 'guard.log'), secrets: [server.key], env: { AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', AZURE_OPENAI_API_KEY: server.key } });

before(async () => {
  await server.start();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'di-notes-'));
  await fs.writeFile(path.join(dir, 'screen.png'), await wholeImage('png', 1200, 800));
});
after(async () => {
  await server.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('describe-image: resizing is information', () => {
  it('a resized screenshot: no warning on stderr or in the document; one sentence in the footer', async () => {
    const r = await cli(['screen.png']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.doesNotMatch(r.stdout, /Warning/);
    assert.match(r.stdout, /\n- screen\.png was sent at 1152×768 \(from 1200×800\), the size the service uses for high detail\.\n/);
  });

  it('--verbose says it on stderr as info', async () => {
    const r = await cli(['screen.png', '--verbose']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /describe-image: info: screen\.png was sent at 1152×768 \(from 1200×800\)/);
    assert.doesNotMatch(r.stderr, /warning/);
  });

  it('--json: the sentence in "notes", not in "warnings"', async () => {
    const r = await cli(['screen.png', '--json']);
    const json = JSON.parse(r.stdout) as { warnings: string[]; notes: string[] };
    assert.deepEqual(json.warnings, []);
    assert.match(json.notes.join(' '), /screen\.png was sent at 1152×768/);
  });

  it('a PNG whose bytes are JPEG is still a warning', async () => {
    const r = await cli([image('really-a-jpeg.png')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: really-a-jpeg\.png is named as image\/png but its bytes are image\/jpeg/);
    assert.match(r.stdout, /> \*\*Warning:\*\* really-a-jpeg\.png is named as image\/png/);
  });
});
