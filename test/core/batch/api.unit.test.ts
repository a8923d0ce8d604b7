/**
 * The Batch API client against the local Batch-like server: the upload streamed through either transport (the fetch
 * one VS Code's extension host uses, and the CLI's undici one), a refused Entra token fetched afresh once, a batch
 * read, validation errors in the official shape, and the job state file (atomic, strict, never a credential).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs, realpathSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BatchLikeServer } from '../../support/batchServer';
import { apiKeyCredential, fetchTransport, type Credential } from '../../../src/core/net';
import { nodeTransport } from '../../../src/core/nodeHttp';
import { resolveSettings, isDescribeError } from '../../../src/core/base';
import { BatchApi, batchUrl, loadBatchState, saveBatchState, type BatchState } from '../../../src/core/batch';

const server = new BatchLikeServer();
const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'di-batch-api-')));
before(() => server.start());
after(async () => {
  await server.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

const settings = () => resolveSettings({ endpoint: server.url, deployment: 'gpt-4o-batch' });
const line = (id: string) => `${JSON.stringify({ custom_id: id, method: 'POST', url: '/chat/completions', body: { model: 'gpt-4o-batch', messages: [{ role: 'system', content: 's' }, { role: 'user', content: [{ type: 'text', text: 'alt' }] }] } })}\n`;

describe('BatchApi', () => {
  for (const [name, transport] of [['fetch', () => fetchTransport((i, init) => fetch(i, init))], ['undici', () => nodeTransport()]] as const) {
    it(`uploads a JSONL file streamed through the ${name} transport, creates and reads the batch`, async () => {
      const file = path.join(dir, `${name}.jsonl`);
      await fs.writeFile(file, line('alt-1') + line('alt-2'));
      const api = new BatchApi({ settings: settings(), credential: apiKeyCredential(server.key), transport: transport() });
      const fileId = await api.upload(file, 'in.jsonl');
      assert.equal(server.files.get(fileId)?.bytes.toString('utf8'), line('alt-1') + line('alt-2'), 'the multipart parser got the file byte for byte');
      const info = await api.create(fileId);
      assert.equal(info.status, 'validating');
      assert.equal(info.total, 2);
      assert.equal((await api.get(info.id)).id, info.id);
    });
  }

  it('a malformed line is refused in the official error shape, said with the service message', async () => {
    const file = path.join(dir, 'bad.jsonl');
    await fs.writeFile(file, `${line('alt-1')}{not json\n`);
    const api = new BatchApi({ settings: settings(), credential: apiKeyCredential(server.key), transport: nodeTransport() });
    await assert.rejects(api.upload(file, 'bad.jsonl'), (e: unknown) => isDescribeError(e) && e.status === 400 && e.serviceCode === 'invalidPayload' && /Line 2 is not valid JSON/.test(e.message));
  });

  it('an Entra token refused (401) is fetched afresh once', async () => {
    const asked: boolean[] = [];
    const credential: Credential = { kind: 'entra', source: 'test', getToken: ({ refresh }) => (asked.push(!!refresh), Promise.resolve(refresh ? server.key : 'expired-token')) };
    const file = path.join(dir, 'entra.jsonl');
    await fs.writeFile(file, line('alt-1'));
    const api = new BatchApi({ settings: settings(), credential, transport: nodeTransport() });
    assert.match(await api.upload(file, 'entra.jsonl'), /^file-/);
    assert.deepEqual(asked, [false, true]);
    assert.equal(api.redact(`x ${server.key} y expired-token`), 'x [REDACTED] y [REDACTED]');
  });

  it('builds the URLs of the three shapes', () => {
    assert.equal(batchUrl({ apiStyle: 'v1', endpoint: 'https://r.openai.azure.com', apiVersion: '' }, '/files'), 'https://r.openai.azure.com/openai/v1/files');
    assert.equal(batchUrl({ apiStyle: 'deployments', endpoint: 'https://r.openai.azure.com', apiVersion: '2025-04-01-preview' }, '/batches/b1'), 'https://r.openai.azure.com/openai/batches/b1?api-version=2025-04-01-preview');
    assert.equal(batchUrl({ apiStyle: 'deployments', endpoint: 'https://r.openai.azure.com', apiVersion: '2024-02-15-preview' }, '/files'), 'https://r.openai.azure.com/openai/files?api-version=2024-10-21');
    assert.equal(batchUrl({ apiStyle: 'openai', endpoint: 'https://api.openai.com/v1', apiVersion: '' }, '/batches'), 'https://api.openai.com/v1/batches');
  });
});

describe('the batch job state', () => {
  const state: BatchState = { kind: 'describe-image-batch', version: 1, submittedAt: '2026-12-05T23:00:00.000Z', shape: 'azure-v1', endpoint: 'https://r.openai.azure.com', deployment: 'gpt-4o-batch', batches: [{ id: 'batch_1', inputFileId: 'file-1', customIds: ['alt-1'] }], requests: { 'alt-1': { key: 'k', uses: [{ file: 'docs/a.md', line: 3, column: 1, src: 'a.png' }] } }, files: { 'docs/a.md': 'h' } };

  it('is saved and read back, leaving no temporary file', async () => {
    const root = path.join(dir, 'repo-1');
    await fs.mkdir(root);
    await saveBatchState(root, state);
    assert.deepEqual(await loadBatchState(root), state);
    assert.deepEqual(await fs.readdir(path.join(root, '.describe-image')), ['batch.json']);
  });

  it('a file that is not a job is refused and left as it is', async () => {
    const root = path.join(dir, 'repo-2');
    await fs.mkdir(path.join(root, '.describe-image'), { recursive: true });
    const foreign = Buffer.from([0xff, 0xfe, 0x7b, 0x00]);
    await fs.writeFile(path.join(root, '.describe-image', 'batch.json'), foreign);
    await assert.rejects(loadBatchState(root), (e: unknown) => isDescribeError(e) && e.code === 'bad-input' && /is not a describe-image batch state; it was left as it is/.test(e.message));
    assert.deepEqual(await fs.readFile(path.join(root, '.describe-image', 'batch.json')), foreign);
  });

  it('a job from a newer version, a truncated one, one with hostile fields, or a folder in its place is refused and left as it is', async () => {
    const root = path.join(dir, 'repo-3');
    const file = path.join(root, '.describe-image', 'batch.json');
    await fs.mkdir(path.dirname(file), { recursive: true });
    const refused = async (content: string, why: RegExp) => {
      await fs.writeFile(file, content);
      await assert.rejects(loadBatchState(root), (e: unknown) => isDescribeError(e) && e.code === 'bad-input' && why.test(e.message), content.slice(0, 80));
      assert.equal(await fs.readFile(file, 'utf8'), content);
    };
    const notOne = /is not a describe-image batch state; it was left as it is/;
    await refused(JSON.stringify({ ...state, version: 2 }), /written by a newer describe-image \(job version 2\); it was left as it is/);
    await refused(JSON.stringify(state).slice(0, 120), notOne);
    await refused(JSON.stringify({ ...state, batches: [{ id: 'b'.repeat(5000), inputFileId: 'file-1', customIds: ['alt-1'] }] }), notOne);
    await refused(JSON.stringify({ ...state, batches: [{ id: 7, inputFileId: 'file-1', customIds: ['alt-1'] }] }), notOne);
    await refused(JSON.stringify({ ...state, batches: [{ id: 'batch_1', inputFileId: 'file-1' }] }), notOne);
    await refused(JSON.stringify({ ...state, requests: { 'alt-1': { key: 'k', uses: 'docs/a.md' } } }), notOne);
    await refused(JSON.stringify({ ...state, files: { 'docs/a.md': null } }), notOne);
    await refused(JSON.stringify({ ...state, task: 'rm -rf' }), notOne);
    await fs.rm(file);
    await fs.mkdir(file);
    await assert.rejects(loadBatchState(root), (e: unknown) => isDescribeError(e) && e.code === 'bad-input' && /cannot be read \(EISDIR\)/.test(e.message));
  });
});
