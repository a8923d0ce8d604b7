/**
 * `alt-text fix --batch`: the built CLI against a local server that behaves like the Batch API (test/support/
 * batchServer.ts), in the three shapes (Azure v1, Azure classic, OpenAI): submit, rerun while running, apply with one
 * failed request among the others, a further run that sends nothing; a document edited meanwhile; an interrupted
 * download resumed; input split at the limits; a server without a Batch API; a server that echoes the key.
 */
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { batchEnv, batchStatePath, makeBatchRepo, markdownAlts, runBatchCli, type BatchRepo } from '../../support/batchRepo';
import { BatchLikeServer, type BatchServerOptions } from '../../support/batchServer';
import { runCliProcess } from '../../support/cli';

let tmp = '';
let repo = '';
let server: BatchLikeServer;
let at: BatchRepo;

async function startServer(options: BatchServerOptions = {}): Promise<void> {
  server = new BatchLikeServer(options);
  await server.start();
}

const envOf = (extra: Record<string, string> = {}) => batchEnv(server, extra);
const fix = (args: string[], extra: Record<string, string> = {}) => runBatchCli(at, server, ['fix', ...args], { env: envOf(extra) });
const read = (rel: string) => fs.readFile(path.join(repo, rel), 'utf8');
const statePath = () => batchStatePath(at);
const alts = (rel: string) => markdownAlts(at, rel);

beforeEach(async () => {
  at = await makeBatchRepo('di-batch-', ['ui.png', 'photo.jpg', 'small.webp'], {
    'setup.md': '# Set up\n\nOpen the settings.\n\n![](ui.png)\n\nThe team at work:\n\n![](photo.jpg)\n',
    'use.md': '# Use it\n\nThe icon:\n\n![](small.webp)\n',
  });
  ({ tmp, repo } = at);
});
afterEach(async () => {
  await server.stop();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('alt-text fix --batch', () => {
  it('submits, reports while running (nothing else sent), applies with one failure reported, then sends nothing', async () => {
    await startServer();
    const submitted = await fix(['--batch']);
    assert.equal(submitted.code, 0, submitted.stderr);
    assert.match(submitted.stderr, /3 image\(s\), 3 request\(s\) in 1 file\(s\).*billed at the batch rate, about half the interactive price/);
    assert.match(submitted.stderr, /run the same command again/);
    assert.deepEqual(await alts('docs/setup.md'), ['', ''], 'nothing written at submit time');
    const state = JSON.parse(await fs.readFile(statePath(), 'utf8')) as { batches: { id: string }[]; requests: Record<string, { uses: { file: string; line: number }[] }>; files: Record<string, string> };
    assert.equal(state.batches.length, 1);
    assert.deepEqual(Object.keys(state.files).sort(), ['docs/setup.md', 'docs/use.md']);
    const batch = server.only();
    assert.equal(batch.lines.length, 3);
    assert.equal((batch.lines[0]?.['body'] as Record<string, unknown>)['model'], 'gpt-4o-batch');

    server.setStatus('in_progress');
    const before = server.records.length;
    const running = await fix(['--batch']);
    assert.equal(running.code, 0, running.stderr);
    assert.match(running.stderr, /in_progress, 0 of 3 request\(s\) done/);
    assert.match(running.stderr, /Come back later/);
    assert.deepEqual(server.records.slice(before).map((r) => `${r.method} ${r.path}`), [`GET /openai/v1/batches/${batch.id}`], 'only the status was asked');
    assert.equal(server.batches.size, 1);

    const photoId = Object.entries(state.requests).find(([, r]) => r.uses.some((u) => u.file === 'docs/setup.md' && u.line === 9))?.[0];
    assert.ok(photoId);
    server.failures.set(photoId, { status: 400, code: 'content_filter', message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy." });
    server.complete();
    const applied = await fix(['--batch']);
    assert.equal(applied.code, 1, 'an image got no alt text: exit 1 as fix does');
    assert.match(applied.stderr, /docs\/setup\.md:9:1: photo\.jpg: the batch request failed \(content_filter: The response was filtered/);
    assert.match(applied.stderr, /filled 2 of 3 image\(s\) in 2 file\(s\) from 1 batch\(es\); no chat request sent/);
    const [ui, photo] = await alts('docs/setup.md');
    assert.match(ui ?? '', /^Settings panel [0-9a-f]{8} with the sync option turned on$/);
    assert.equal(photo, '', 'the failed image is left untouched');
    assert.match((await alts('docs/use.md'))[0] ?? '', /^Settings panel/);
    assert.ok(!existsSync(path.join(repo, '.describe-image')), 'the job is cleared');
    assert.equal(server.chatRequests, 0);

    // A further run: only the failed image is missing; with --max-requests 0 nothing is sent at all.
    const records = server.records.length;
    const again = await fix(['--batch', '--max-requests', '0']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /--batch would submit 1 request\(s\), more than --max-requests 0/);
    assert.equal(server.records.length, records, 'nothing sent');
    assert.equal(server.batches.size, 1, 'no new batch');
  });

  it('applies answers only to documents unchanged since submission, and says which were skipped', async () => {
    await startServer();
    assert.equal((await fix(['--batch'])).code, 0);
    await fs.writeFile(path.join(repo, 'docs', 'use.md'), '# Use it\n\nThe icon, edited:\n\n![](small.webp)\n');
    server.complete();
    const applied = await fix(['--batch']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stderr, /skipped docs\/use\.md: it changed since the batch was submitted; its images are left as they are/);
    assert.equal((await alts('docs/use.md'))[0], '');
    assert.deepEqual((await alts('docs/setup.md')).map((a) => /^Settings panel/.test(a)), [true, true]);
    assert.equal(await read('docs/use.md'), '# Use it\n\nThe icon, edited:\n\n![](small.webp)\n', 'the edit is kept byte for byte');
  });

  it('resumes an interrupted download with a Range request, without a second batch', async () => {
    await startServer();
    assert.equal((await fix(['--batch'])).code, 0);
    server.complete();
    server.dropNextDownloadAfter = 300;
    const broken = await fix(['--batch']);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /broke after \d+ bytes; what arrived is kept .*run again to resume/);
    assert.ok(existsSync(statePath()), 'the job stays saved');
    assert.deepEqual(await alts('docs/setup.md'), ['', '']);
    const resumed = await fix(['--batch']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const downloads = server.records.filter((r) => r.path.endsWith('/content'));
    assert.equal(downloads.length, 2);
    assert.equal(downloads[1]?.status, 206);
    assert.match(String(downloads[1]?.headers['range']), /^bytes=\d+-$/);
    assert.equal(server.batches.size, 1);
    assert.deepEqual((await alts('docs/setup.md')).map((a) => /^Settings panel/.test(a)), [true, true]);
  });

  it('a server that ignores Range sends the whole file again: the download starts over, nothing doubled', async () => {
    await startServer();
    assert.equal((await fix(['--batch'])).code, 0);
    server.complete();
    server.dropNextDownloadAfter = 300;
    assert.equal((await fix(['--batch'])).code, 1);
    server.ignoreRange = true;
    const resumed = await fix(['--batch']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const downloads = server.records.filter((r) => r.path.endsWith('/content'));
    assert.deepEqual(downloads.map((d) => d.status), [200, 200]);
    assert.match(String(downloads[1]?.headers['range']), /^bytes=[1-9]\d*-$/, 'a Range was asked');
    assert.match(resumed.stderr, /filled 3 of 3 image\(s\)/);
    assert.equal(server.batches.size, 1);
  });

  it('splits the input into several batches at the requests-per-file limit', async () => {
    await startServer();
    const r = await fix(['--batch'], { DESCRIBE_IMAGE_TEST_BATCH_MAX_REQUESTS: '2' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /3 request\(s\) in 2 file\(s\)/);
    assert.deepEqual([...server.batches.values()].map((b) => b.lines.length).sort(), [1, 2]);
    server.complete();
    const applied = await fix(['--batch']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stderr, /filled 3 of 3 image\(s\) in 2 file\(s\) from 2 batch\(es\)/);
  });

  it('splits at the bytes-per-file limit', async () => {
    await startServer();
    const r = await fix(['--batch'], { DESCRIBE_IMAGE_TEST_BATCH_MAX_BYTES: '1' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /more than a batch file takes \(1\)/);
    assert.equal(server.batches.size, 0, 'nothing submitted');
  });

  for (const status of [404, 405] as const) {
    it(`a server without a Batch API (${status}) says so and suggests the interactive path`, async () => {
      await startServer({ noBatch: status });
      const r = await fix(['--batch']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`answered ${status}: this server has no Batch API .* Run alt-text fix without --batch`));
      assert.ok(!existsSync(statePath()));
    });
  }

  it('a deployment that is not a batch one: the failed validation is reported and the job cleared', async () => {
    await startServer({ batchDeployments: ['other'] });
    assert.equal((await fix(['--batch'])).code, 0);
    const r = await fix(['--batch']);
    assert.match(r.stderr, /batch batch_[0-9a-f]+ failed:\n.*line 1: model_not_found: The provided model deployment 'gpt-4o-batch' is not a Global Batch deployment/);
    assert.match(r.stderr, /its batch failed validation \(said above\); a later run submits it again/);
    assert.ok(!existsSync(statePath()));
  });

  it('never writes the key to the state, the documents or the output, even from a server that echoes it', async () => {
    await startServer({ echoKey: true });
    assert.equal((await fix(['--batch'])).code, 0);
    assert.ok(!(await fs.readFile(statePath(), 'utf8')).includes(server.key));
    server.failures.set('alt-1', { status: 400, code: 'invalid_image', message: 'The image could not be read.' });
    server.complete();
    const r = await fix(['--batch']);
    assert.match(r.stderr, /held the credential that was sent/);
    for (const f of ['docs/setup.md', 'docs/use.md']) assert.ok(!(await read(f)).includes(server.key));
  });

  it('flags that do not go together are refused before anything is sent (exit 2)', async () => {
    await startServer();
    for (const [args, said] of [
      [['--batch', '--dry-run'], /--dry-run sends nothing: it can't go with --batch/],
      [['--wait'], /--wait and --poll-interval go with --batch/],
      [['--batch', '--poll-interval', '0'], /--poll-interval must be a whole number of seconds from 1 to 3600 \(got 0\)/],
      [['--batch-status', '--batch-cancel'], /give one of them/],
    ] as const) {
      const r = await fix([...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, said);
    }
    const check = await runCliProcess(['alt-text', 'check', '--batch', 'docs'], { cwd: repo, guardLog: path.join(tmp, 'guard.log'), env: envOf() });
    assert.equal(check.code, 2);
    assert.match(check.stderr, /--batch, --batch-status and --batch-cancel are for fix/);
    assert.equal(server.records.length, 0, 'nothing sent');
  });

  it('works with a Microsoft Entra ID token (AZURE_OPENAI_AD_TOKEN) instead of a key', async () => {
    await startServer();
    const entra = { AZURE_OPENAI_API_KEY: '', AZURE_OPENAI_AD_TOKEN: server.key };
    assert.equal((await fix(['--batch'], entra)).code, 0);
    const upload = server.records.find((x) => x.path.endsWith('/files'));
    assert.equal(upload?.headers['authorization'], `Bearer ${server.key}`);
    assert.equal(upload?.headers['api-key'], undefined);
    server.complete();
    const applied = await fix(['--batch'], entra);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match((await alts('docs/use.md'))[0] ?? '', /^Settings panel/);
  });

  it('a server that puts the key in a batch id: nothing saved, the key said nowhere', async () => {
    await startServer({ keyInIds: true });
    const r = await fix(['--batch']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /an id that holds the credential that was sent .* it was not saved/);
    assert.ok(!existsSync(statePath()));
  });

  it('a .describe-image that is a symbolic link out of the repository is refused before anything is submitted', async () => {
    await startServer();
    const outside = path.join(tmp, 'outside');
    await fs.mkdir(outside);
    await fs.symlink(outside, path.join(repo, '.describe-image'));
    const r = await fix(['--batch']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\.describe-image is a symbolic link/);
    assert.deepEqual(await fs.readdir(outside), []);
    assert.equal(server.batches.size, 0, 'nothing submitted');
  });

  it('Ctrl+C while --wait waits stops waiting and keeps the job', async () => {
    await startServer();
    assert.equal((await fix(['--batch'])).code, 0);
    const r = await runCliProcess(['alt-text', 'fix', '--batch', '--wait', '--poll-interval', '30', 'docs'], { cwd: repo, guardLog: path.join(tmp, 'guard.log'), secrets: [server.key], env: envOf(), interruptOnStderr: 'waiting 30 s' });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /stopped waiting; the batch goes on/);
    assert.ok(existsSync(statePath()));
    server.complete();
    assert.equal((await fix(['--batch'])).code, 0);
  });

  it('--wait polls until done, then applies; --batch-status and --batch-cancel', async () => {
    await startServer();
    assert.equal((await fix(['--batch'])).code, 0);
    const status = await fix(['--batch-status']);
    assert.equal(status.code, 0);
    assert.match(status.stderr, /validating, 0 of 3/);
    const cancel = await fix(['--batch-cancel']);
    assert.match(cancel.stderr, /cancelling/);
    server.complete(undefined, 'cancelled', 1);
    const waited = await fix(['--batch', '--wait', '--poll-interval', '1']);
    assert.equal(waited.code, 1);
    assert.match(waited.stderr, /filled 1 of 3 image\(s\)/);
    assert.match(waited.stderr, /its batch was cancelled before it was answered; a later run submits it again/);
  });
});

for (const shape of ['azure-classic', 'openai'] as const) {
  describe(`alt-text fix --batch, ${shape}`, () => {
    it('submits and applies through that shape of the API', async () => {
      await startServer({ shape });
      const r = await fix(['--batch']);
      assert.equal(r.code, 0, r.stderr);
      const upload = server.records.find((x) => x.method === 'POST' && x.path.endsWith('/files'));
      if (shape === 'openai') {
        assert.equal(upload?.path, '/v1/files');
        assert.equal(upload?.headers['authorization'], `Bearer ${server.key}`);
      } else {
        assert.equal(upload?.path, '/openai/files');
        assert.equal(upload?.query.get('api-version'), '2024-10-21', 'an api-version older than batches is raised to 2024-10-21');
        assert.equal(upload?.headers['api-key'], server.key);
      }
      server.complete();
      const applied = await fix(['--batch']);
      assert.equal(applied.code, 0, applied.stderr);
      assert.match((await alts('docs/use.md'))[0] ?? '', /^Settings panel/);
    });
  });
}
