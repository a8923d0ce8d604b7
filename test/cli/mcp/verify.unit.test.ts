/**
 * The MCP tool altTextCheck with `verify`: the built server under the network guard, driven by the SDK's client,
 * against the Azure-like server on the docs tree with exactly one wrong alt text. Off by default (nothing sent, no key
 * needed); on, exactly that one finding with its suggestion, the cost said first, a second call sends nothing;
 * maxRequests sends nothing when passed; no endpoint is a tool error before any request. The key never appears.
 */
import assert from 'node:assert/strict';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AzureLikeServer } from '../../support/azureServer';
import { cliPath, networkGuard } from '../../support/paths';
import { SUGGESTED_ALT, verifyModel, WRONG_ALT, writeVerifyTree } from '../../support/verifyDocs';

const server = new AzureLikeServer({ answer: (req) => verifyModel(req) });
let tmp = '';
let repo = '';
let guardLog = '';
const clients: { client: Client; stderr: () => string }[] = [];

async function connect(env: Record<string, string>): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: ['--require', networkGuard, cliPath, 'mcp'], cwd: repo, env: { PATH: process.env['PATH'] ?? '', NETWORK_GUARD_LOG: guardLog, HOME: tmp, ...env }, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: 'verify-tests', version: '1.0.0' });
  await client.connect(transport);
  const s = { client, stderr: () => stderr };
  clients.push(s);
  return s;
}

async function check(client: Client, args: Record<string, unknown>, progress: string[] = []): Promise<{ result: CallToolResult; text: string }> {
  const result = (await client.callTool({ name: 'altTextCheck', arguments: args }, undefined, { onprogress: (p) => progress.push(p.message ?? '') })) as CallToolResult;
  assert.ok(!JSON.stringify(result).includes(server.key), 'the key never appears in a result');
  return { result, text: result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n') };
}

const azureEnv = () => ({ AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', AZURE_OPENAI_API_KEY: server.key });

before(async () => {
  await server.start();
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'di-mcp-verify-')));
  repo = path.join(tmp, 'repo');
  guardLog = path.join(tmp, 'guard.log');
  await writeVerifyTree(repo);
});
after(async () => {
  await server.stop();
  await fs.rm(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  server.requests.length = 0;
});
afterEach(async () => {
  for (const s of clients.splice(0)) {
    await s.client.close();
    assert.ok(!s.stderr().includes(server.key), 'the key never appears on stderr');
  }
  assert.equal(existsSync(guardLog) ? readFileSync(guardLog, 'utf8') : '', '', 'nothing tried to leave this machine');
});

describe('mcp altTextCheck with verify', { timeout: 60_000 }, () => {
  it('the schema has verify and maxRequests, off by default: a check alone sends nothing and needs no key', async () => {
    const { client } = await connect({});
    const tool = (await client.listTools()).tools.find((t) => t.name === 'altTextCheck');
    assert.deepEqual(Object.keys((tool?.inputSchema as { properties: object }).properties), ['paths', 'disable', 'maxLength', 'verify', 'maxRequests']);
    const { result, text } = await check(client, { paths: ['docs'] });
    assert.equal(result.isError, undefined, text);
    assert.doesNotMatch(text, /alt-mismatch/);
    assert.equal(server.requests.length, 0);
  });

  it('verify: exactly the one wrong alt text with its suggestion; the cost first; a second call sends nothing', async () => {
    const { client } = await connect(azureEnv());
    const progress: string[] = [];
    const first = await check(client, { paths: ['docs'], verify: true }, progress);
    assert.equal(first.result.isError, undefined, first.text);
    const report = first.result.structuredContent as { findings: { file: string; rule: string; suggestion?: string; message: string }[]; verify: { sent: number; cached: number } };
    const mismatches = report.findings.filter((f) => f.rule === 'alt-mismatch');
    assert.deepEqual(mismatches.map((f) => [f.file, f.suggestion]), [['docs/guide/notify.md', SUGGESTED_ALT]]);
    assert.ok(mismatches[0]?.message.includes(WRONG_ALT));
    assert.ok(progress.includes('verifying the alt text of 4 image(s): 3 request(s) to send to gpt-4o, 0 answered from the cache, 1 duplicate(s) sharing a request.'), progress.join(' | '));
    assert.equal(server.requests.length, 3);
    const second = await check(client, { paths: ['docs'], verify: true });
    assert.equal(server.requests.length, 3, 'answered from the cache');
    assert.deepEqual((second.result.structuredContent as { verify: { sent: number; cached: number } }).verify.cached, 3);
  });

  it('maxRequests passed: a tool error, nothing sent; no endpoint: a tool error naming the variables, nothing sent', async () => {
    const { client } = await connect(azureEnv());
    const over = await check(client, { paths: ['docs'], verify: true, maxRequests: 1 });
    assert.equal(over.result.isError, true);
    assert.match(over.text, /verify would send 3 request\(s\), more than maxRequests 1: nothing was sent/);
    const bare = await connect({});
    const none = await check(bare.client, { paths: ['docs'], verify: true });
    assert.equal(none.result.isError, true);
    assert.match(none.text, /No endpoint is set: .*AZURE_OPENAI_ENDPOINT/);
    const bad = await check(client, { paths: ['docs'], verify: true, disable: ['alt-mismatch'] });
    assert.equal(bad.result.isError, true);
    assert.equal(server.requests.length, 0);
  });
});
