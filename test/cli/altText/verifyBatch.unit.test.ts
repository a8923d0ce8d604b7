/**
 * `alt-text check --verify --batch`: the verify requests go through the Batch API (the local Batch-like server with
 * the careful-reviewer model of test/support/verifyDocs.ts); while the job runs the report has the rules' findings
 * only and says so; once done, the one wrong alt text is an alt-mismatch finding with its suggestion, exactly as the
 * interactive --verify reports it, and no chat request is sent. A fix job and a verify job do not mix.
 */
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { imageSize } from 'image-size';
import { BatchLikeServer } from '../../support/batchServer';
import { runBatchCli } from '../../support/batchRepo';
import { SUGGESTED_ALT, verifyModel, WRONG_ALT, writeVerifyTree } from '../../support/verifyDocs';

let tmp = '';
let repo = '';
let server: BatchLikeServer;

/** The reviewer reads the image's size from the line's data URL, as it does from an interactive request. */
function review(body: Record<string, unknown>): string {
  const messages = body['messages'] as { content: { type: string; image_url?: { url: string } }[] }[];
  const url = messages[1]?.content.find((p) => p.type === 'image_url')?.image_url?.url ?? '';
  const width = imageSize(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')).width;
  return verifyModel({ body, images: [{ width }] });
}

const run = (mode: 'check' | 'fix', args: string[]) => runBatchCli({ tmp, repo }, server, [mode, ...(mode === 'check' ? ['--verify'] : []), ...args]);

beforeEach(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'di-verify-batch-')));
  repo = path.join(tmp, 'repo');
  await writeVerifyTree(repo);
  server = new BatchLikeServer({ answer: review });
  await server.start();
});
afterEach(async () => {
  await server.stop();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('alt-text check --verify --batch', () => {
  it('submits the verify requests, reports the rules while pending, then the one mismatch; no chat request', async () => {
    const submitted = await run('check', ['--batch']);
    assert.equal(submitted.code, 1, 'the rules find alt-missing in tour.html');
    assert.match(submitted.stderr, /4 image\(s\), 3 request\(s\) in 1 file\(s\).*billed at the batch rate/);
    assert.match(submitted.stderr, /alt-mismatch is not in this report yet/);
    assert.doesNotMatch(submitted.stdout, /alt-mismatch/);
    assert.match(submitted.stdout, /^docs\/guide\/tour\.html:7:1 alt-missing /m);
    assert.equal(server.only().lines.length, 3);

    const fix = await run('fix', ['--batch']);
    assert.equal(fix.code, 2, 'a fix job does not collect a verify job');
    assert.match(fix.stderr, /the saved batch job is one of alt-text check --verify --batch/);

    server.complete();
    const done = await run('check', ['--batch']);
    assert.equal(done.code, 1, done.stderr);
    const mismatches = done.stdout.split('\n').filter((l) => l.includes(' alt-mismatch '));
    assert.deepEqual(mismatches, [`docs/guide/notify.md:5:1 alt-mismatch alt text "${WRONG_ALT}" does not describe the image ../img/viewlet.png; suggested: "${SUGGESTED_ALT}"`]);
    assert.equal(server.chatRequests, 0);
    assert.ok(!existsSync(path.join(repo, '.describe-image')), 'the job is cleared');
  });
});
