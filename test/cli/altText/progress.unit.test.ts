/**
 * `describe-image alt-text fix` progress counts only finished work: an image that failed or was cancelled is never
 * "done", and the line says how many failed or were cancelled ("3 of 4 done, 1 failed"). Each run is a CLI process
 * under the network guard against the Azure-like server, with one request at a time so the order is known.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AzureLikeServer } from '../../support/azureServer';
import { runCliProcess, type CliProcessOptions } from '../../support/cli';
import { image } from '../../support/paths';

const server = new AzureLikeServer();
let dir = '';
const IMAGES = ['ui.png', 'photo.jpg', 'small.webp', 'still.gif'];
const DOC = `# Screens\n\n${IMAGES.map((name) => `![](img/${name})`).join('\n\n')}\n`;

before(async () => {
  await server.start();
  dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'di-alt-progress-')));
  await fs.mkdir(path.join(dir, 'docs', 'img'), { recursive: true });
  for (const name of IMAGES) await fs.copyFile(image(name), path.join(dir, 'docs', 'img', name));
});
after(async () => {
  await server.stop();
  await fs.rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  server.requests.length = 0;
  server.script.length = 0;
  server.latencyMs = 0;
  await fs.writeFile(path.join(dir, 'docs', 'screens.md'), DOC);
  // Each run starts with no alt-text cache: the CLI's home (and its cache folder) is the test's own.
  await fs.rm(`${path.join(dir, 'network-guard.log')}.home`, { recursive: true, force: true });
});

function fix(env: Record<string, string> = {}, more: Partial<CliProcessOptions> = {}) {
  return runCliProcess(['alt-text', 'fix', '--concurrency', '1', 'docs'], {
    cwd: dir,
    guardLog: path.join(dir, 'network-guard.log'),
    secrets: [server.key],
    env: { AZURE_OPENAI_API_KEY: server.key, AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', ...env },
    ...more,
  });
}

interface Progress {
  done: number;
  total: number;
  failed: number;
  cancelled: number;
  notSent: number;
}

/** The progress lines of a run, read back into numbers. */
function progressOf(stderr: string): Progress[] {
  const lines = stderr.split('\n').filter((l) => /^describe-image alt-text: \d+ of \d+/.test(l));
  return lines.map((line) => {
    const m = /^describe-image alt-text: (\d+) of (\d+) done(?:, (\d+) failed)?(?:, (\d+) cancelled)?(?:, (\d+) not sent)? \(docs\/img\/[\w.]+\)$/.exec(line);
    assert.ok(m, `a progress line says what is done and what failed: ${line}`);
    return { done: Number(m[1]), total: Number(m[2]), failed: Number(m[3] ?? 0), cancelled: Number(m[4] ?? 0), notSent: Number(m[5] ?? 0) };
  });
}

describe('alt-text fix progress', () => {
  it('one image fails: it is counted as failed, never as done ("3 of 4 done, 1 failed"), and the rest is written', async () => {
    server.script.push({ status: 400, when: (req) => req.images[0]?.sniffedType === 'image/jpeg', body: { error: { code: 'content_filter', message: 'The prompt was filtered.', param: 'prompt', status: 400 } } });
    const r = await fix();
    const progress = progressOf(r.stderr);
    assert.equal(progress.length, 4, r.stderr);
    assert.deepEqual(progress.at(-1), { done: 3, total: 4, failed: 1, cancelled: 0, notSent: 0 });
    for (const [i, p] of progress.entries()) assert.equal(p.done + p.failed, i + 1, 'each line counts the images finished so far');
    assert.match(await fs.readFile(path.join(dir, 'docs', 'screens.md'), 'utf8'), /!\[\]\(img\/photo\.jpg\)/);
  });

  it('a refused key stops the run: nothing is ever "done"; the line says 1 failed and the rest not sent', async () => {
    const r = await fix({ AZURE_OPENAI_API_KEY: 'not-the-key-42' });
    assert.equal(r.code, 1, r.stderr);
    const progress = progressOf(r.stderr);
    assert.ok(progress.length > 0, r.stderr);
    assert.ok(progress.every((p) => p.done === 0), r.stderr);
    assert.deepEqual(progress.at(-1), { done: 0, total: 4, failed: 1, cancelled: 0, notSent: 3 });
    assert.match(r.stderr, /401/);
  });

  it('Ctrl+C: the images not answered are cancelled, never done; exit 130, nothing written', async () => {
    server.latencyMs = 3000;
    const r = await fix({}, { interruptWhen: new Promise((resolve) => server.events.once('received', resolve)) });
    assert.equal(r.code, 130, r.stderr);
    const progress = progressOf(r.stderr);
    assert.ok(progress.every((p) => p.done === 0), r.stderr);
    assert.deepEqual(progress.at(-1), { done: 0, total: 4, failed: 0, cancelled: 4, notSent: 0 }, r.stderr);
    assert.match(r.stderr, /cancelled; nothing was written/);
    assert.equal(await fs.readFile(path.join(dir, 'docs', 'screens.md'), 'utf8'), DOC);
  });
});
