/**
 * `alt-text fix --batch` against a hostile or broken Batch API server and a hostile repository: a download without
 * end, result lines that are not ones, a batch object with another id, a state file that is not a job, two runs at
 * once — each ends with a clear message, memory bounded, nothing the user had lost, nothing submitted twice.
 */
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { batchEnv, batchStatePath, makeBatchRepo, markdownAlts, runBatchCli, type BatchRepo } from '../../support/batchRepo';
import { BatchLikeServer, type BatchServerOptions } from '../../support/batchServer';
import { runCliProcess, type CliProcessOptions } from '../../support/cli';
import { findImages } from '../../../src/core/finders';

let tmp = '';
let repo = '';
let server: BatchLikeServer;
let at: BatchRepo;

async function startServer(options: BatchServerOptions = {}): Promise<void> {
  server = new BatchLikeServer(options);
  await server.start();
}

const env = () => batchEnv(server);
const fix = (args: string[], more: Partial<CliProcessOptions> = {}) => runBatchCli(at, server, ['fix', ...args], more);
const read = (rel: string) => fs.readFile(path.join(repo, rel), 'utf8');
const statePath = () => batchStatePath(at);
const alts = (rel: string) => markdownAlts(at, rel);

beforeEach(async () => {
  at = await makeBatchRepo('di-batch-hostile-', ['ui.png', 'photo.jpg'], { 'setup.md': '# Set up\n\nOpen the settings.\n\n![](ui.png)\n\nThe team at work:\n\n![](photo.jpg)\n' });
  ({ tmp, repo } = at);
});
afterEach(async () => {
  await server.stop();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('alt-text fix --batch, hostile server', () => {
  it('a result file sent without end is stopped at a bound with a clear error, memory bounded, nothing written', async () => {
    await startServer();
    assert.equal((await fix(['--batch'])).code, 0);
    server.complete();
    server.endlessDownload = true;
    const run = await fix(['--batch'], { killAfterMs: 60_000, measureMemory: true });
    assert.equal(run.signal, null, 'the run ended by itself');
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /sent more for the file file-\w+ than \d+ bytes/);
    assert.ok((run.peakBytes ?? 0) < 400 * 1024 * 1024, `peak ${run.peakBytes}`);
    assert.deepEqual(await alts('docs/setup.md'), ['', '']);
    assert.ok(existsSync(statePath()), 'the job is kept');
    assert.deepEqual((await fs.readdir(path.join(repo, '.describe-image'))).filter((f) => f.endsWith('.part')), [], 'the garbage is not kept to be resumed');
  });

  it('a second run while the first is submitting is refused before it sends anything: one batch, the job not overwritten', async () => {
    await startServer();
    let release = () => {};
    server.holdCreate = new Promise<void>((resolve) => (release = resolve));
    const first = fix(['--batch']);
    while (!server.records.some((r) => r.path.endsWith('/files'))) await new Promise((r) => setTimeout(r, 50));
    const before = server.records.length;
    const second = await fix(['--batch'], { killAfterMs: 30_000 });
    const sentBySecond = server.records.slice(before);
    release();
    const done = await first;
    assert.equal(done.code, 0, done.stderr);
    assert.equal(second.code, 2, second.stderr);
    assert.match(second.stderr, /another describe-image run \(process \d+\) is working on the batch job of this folder; nothing was sent/);
    assert.deepEqual(sentBySecond, [], 'the second run sent nothing');
    assert.equal(server.batches.size, 1);
    const state = JSON.parse(await fs.readFile(statePath(), 'utf8')) as { batches: { id: string }[] };
    assert.deepEqual(state.batches.map((b) => b.id), [server.only().id]);
    assert.deepEqual(await fs.readdir(path.join(repo, '.describe-image')), ['batch.json'], 'the lock is given back');
  });

  it('a lock left by a run that ended abruptly is taken over', async () => {
    await startServer();
    await fs.mkdir(path.join(repo, '.describe-image'));
    await fs.writeFile(path.join(repo, '.describe-image', 'batch.lock'), `${os.hostname()} 999999999\n`);
    const run = await fix(['--batch']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(server.batches.size, 1);
  });

  it('a batch object with another id than the one asked is refused: nothing downloaded or written, the job kept', async () => {
    await startServer();
    assert.equal((await fix(['--batch'])).code, 0);
    server.complete();
    server.patchBatch = (json) => ({ ...json, id: '../../etc/passwd' });
    const run = await fix(['--batch']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /answered for another batch than the one asked/);
    assert.equal(server.records.filter((r) => r.path.endsWith('/content')).length, 0, 'nothing downloaded');
    assert.deepEqual(await alts('docs/setup.md'), ['', '']);
    assert.deepEqual(await fs.readdir(path.join(repo, '.describe-image')), ['batch.json']);
  });

  it('alt text holding markup, quotes, braces and newlines is written so the document keeps the same images and no link', async () => {
    await startServer({ answer: () => 'Settings](javascript:alert(1)) "quoted" {x}\n\n<img src=x onerror=alert(1)> panel' });
    await fs.writeFile(path.join(repo, 'docs', 'page.html'), '<p>Settings:</p>\n<img src="ui.png">\n');
    await fs.writeFile(path.join(repo, 'docs', 'page.mdx'), 'The team:\n\n<img src="photo.jpg" />\n');
    assert.equal((await fix(['--batch'])).code, 0);
    server.complete();
    const run = await fix(['--batch']);
    assert.equal(run.code, 0, run.stderr);
    const srcs = { 'docs/setup.md': ['ui.png', 'photo.jpg'], 'docs/page.html': ['ui.png'], 'docs/page.mdx': ['photo.jpg'] };
    for (const [rel, kind] of [['docs/setup.md', 'markdown'], ['docs/page.html', 'html'], ['docs/page.mdx', 'mdx']] as const) {
      const text = await read(rel);
      if (kind === 'markdown') assert.doesNotMatch(text, /(?<!\\)\]\(javascript|(?<!\\)<img src=x/, `no live link or element: ${text}`);
      const images = findImages(text, kind);
      assert.deepEqual(images.map((i) => i.src), srcs[rel], text);
      for (const i of images) assert.equal(i.alt, 'Settings](javascript:alert(1)) "quoted" {x} <img src=x onerror=alert(1)> panel', `${rel}: the alt text reads back as one line, as it was given`);
    }
  });

  for (const which of ['output.jsonl.part', 'output.jsonl'] as const) {
    it(`a download (${which}) that the repository holds as a symbolic link out of it is refused: the file outside untouched`, async () => {
      await startServer();
      assert.equal((await fix(['--batch'])).code, 0);
      server.complete();
      const outside = path.join(tmp, 'outside.txt');
      await fs.writeFile(outside, 'keep\n');
      const id = server.only().id.replace(/[^A-Za-z0-9_-]/g, '_');
      await fs.symlink(outside, path.join(repo, '.describe-image', `${id}.${which}`));
      const run = await fix(['--batch']);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /is a symbolic link: a download of the batch job is only ever a file of its own/);
      assert.equal(await fs.readFile(outside, 'utf8'), 'keep\n');
      assert.deepEqual(await alts('docs/setup.md'), ['', '']);
    });
  }

  it('a crash after the documents were written but before the job was cleared: the next run writes nothing again and clears it', async () => {
    await startServer();
    assert.equal((await fix(['--batch'])).code, 0);
    const job = await fs.readFile(statePath(), 'utf8');
    server.complete();
    assert.equal((await fix(['--batch'])).code, 0);
    const written = await read('docs/setup.md');
    assert.notDeepEqual(await alts('docs/setup.md'), ['', '']);
    await fs.mkdir(path.dirname(statePath()), { recursive: true });
    await fs.writeFile(statePath(), job); // as the crash left it
    const before = server.records.length;
    const again = await fix(['--batch']);
    assert.match(again.stderr, /skipped docs\/setup\.md: it changed since the batch was submitted/);
    assert.equal(await read('docs/setup.md'), written, 'nothing applied twice');
    assert.equal(existsSync(statePath()), false, 'the job is cleared');
    assert.equal(server.records.slice(before).filter((r) => r.method === 'POST').length, 0, 'nothing submitted');
  });

  it('an http:// endpoint that is not loopback is refused before anything is sent or saved', async () => {
    await startServer();
    const run = await runCliProcess(['alt-text', 'fix', '--batch', 'docs'], { cwd: repo, guardLog: path.join(tmp, 'guard.log'), secrets: [server.key], env: { ...env(), AZURE_OPENAI_ENDPOINT: 'http://batch.example.com' } });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /http/i);
    assert.equal(existsSync(path.join(tmp, 'guard.log')) ? (await fs.readFile(path.join(tmp, 'guard.log'), 'utf8')).trim() : '', '', 'no connection attempted');
    assert.equal(existsSync(statePath()), false);
  });

  it('result lines for custom_ids never submitted (constructor, __proto__, a path) and duplicates are left out; the rest applied', async () => {
    await startServer();
    assert.equal((await fix(['--batch'])).code, 0);
    server.complete();
    const batch = server.only();
    const file = server.files.get(batch.outputFileId ?? '');
    assert.ok(file);
    const first = file.bytes.toString('utf8').split('\n')[0] ?? '';
    const forged = ['constructor', '__proto__', 'toString', '../../etc/passwd'].map((id) => first.replace(/"custom_id":"[^"]*"/, `"custom_id":${JSON.stringify(id)}`));
    file.bytes = Buffer.from(`${[...forged, first.replace('"content":"', '"content":"Duplicate ')].join('\n')}\n${file.bytes.toString('utf8')}`);
    const run = await fix(['--batch']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /4 answer\(s\) for requests it was never given were left out/);
    const filled = await alts('docs/setup.md');
    assert.equal(filled.filter((a) => a.startsWith('Duplicate ')).length, 1, 'the first answer for an id is the one used');
    assert.ok(filled.every((a) => a.length > 0), JSON.stringify(filled));
    assert.equal(existsSync(path.join(tmp, 'etc')), false);
  });
});
