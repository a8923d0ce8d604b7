/**
 * The CLI behind a broken proxy (HTTPS_PROXY): one that closes the connection on CONNECT, one that never answers it.
 * undici's proxy agent retries a dropped CONNECT without end (nodejs/undici#3897): the CLI must still end within its
 * --timeout, say which proxy failed (never its credentials), open a bounded number of CONNECTs, and end at once on
 * Ctrl+C (exit 130).
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCliProcess } from '../../support/cli';
import { OpenAiLikeServer } from '../../support/openaiServer';
import { image } from '../../support/paths';
import { startConnectProxy, type TestProxy } from '../../support/proxy';

const KEY = `proxy-test-key-${Date.now().toString(36)}`;
const PROXY_PASSWORD = `proxy-pass-${Date.now().toString(36)}`;
/** A resource only a proxy could reach: nothing here ever resolves it. */
const ENDPOINT = 'https://my-resource.openai.azure.test';
let dropping: TestProxy;
let hanging: TestProxy;
let tmp = '';
let guardLog = '';

before(async () => {
  dropping = await startConnectProxy({ onConnect: 'drop' });
  hanging = await startConnectProxy({ onConnect: 'hang' });
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'di-proxy-'));
  guardLog = path.join(tmp, 'network-guard.log');
});
after(async () => {
  await dropping.close();
  await hanging.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

/** The proxy's URL with a user and password in it, as people set HTTPS_PROXY. */
const withCredentials = (proxy: TestProxy) => proxy.url.replace('http://', `http://someone:${PROXY_PASSWORD}@`);

/** Settles once the proxy has seen a CONNECT (the CLI is then running, with its Ctrl+C handler in place). */
async function connectSeen(proxy: TestProxy): Promise<void> {
  while (proxy.tunnels.length === 0) await new Promise((r) => setTimeout(r, 20));
}

async function cliThrough(proxy: TestProxy, args: string[], more: { interruptWhen?: Promise<unknown> } = {}) {
  proxy.tunnels.length = 0;
  let firstConnect: number | undefined;
  void connectSeen(proxy).then(() => (firstConnect = Date.now()));
  const r = await runCliProcess([image('ui.png'), '--no-stream', ...args], {
    cwd: tmp,
    guardLog,
    secrets: [KEY, PROXY_PASSWORD],
    env: { AZURE_OPENAI_ENDPOINT: ENDPOINT, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', AZURE_OPENAI_API_KEY: KEY, HTTPS_PROXY: withCredentials(proxy) },
    killAfterMs: 20_000,
    ...more,
  });
  // From the first CONNECT (the request's start: starting Node and reading the image take long on a busy machine).
  return { ...r, ms: Date.now() - (firstConnect ?? Number.NaN), connects: proxy.tunnels.length };
}

describe('the CLI behind a broken proxy', () => {
  it('a proxy that closes the connection on CONNECT: a clear error naming the proxy, a few CONNECTs, within --timeout', { timeout: 30_000 }, async () => {
    const r = await cliThrough(dropping, ['--timeout', '3', '--retries', '0']);
    assert.equal(r.signal, null, `still running after 20 s (killed); the proxy saw ${r.connects} CONNECTs`);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.ms < 3000, `ended ${r.ms} ms after the first CONNECT`);
    assert.ok(r.connects >= 1 && r.connects <= 3, `the proxy saw ${r.connects} CONNECTs`);
    assert.ok(r.stderr.includes(dropping.url), `names the proxy: ${r.stderr}`);
    assert.match(r.stderr, /closed the connection/);
    assert.match(r.stderr, /HTTPS_PROXY/);
    assert.ok(!r.stderr.includes('someone'), 'not the proxy user either');
  });

  it('a proxy that never answers CONNECT: gives up after --timeout, naming the proxy', { timeout: 30_000 }, async () => {
    const r = await cliThrough(hanging, ['--timeout', '1.5', '--retries', '0']);
    assert.equal(r.signal, null, 'still running after 20 s (killed)');
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.ms >= 1400 && r.ms < 1500 + 2000, `ended ${r.ms} ms after the first CONNECT`);
    assert.ok(r.connects <= 2, `the proxy saw ${r.connects} CONNECTs`);
    assert.match(r.stderr, /within 1\.5 s/);
    assert.ok(r.stderr.includes(hanging.url), `names the proxy: ${r.stderr}`);
  });

  it('Ctrl+C while the proxy holds the CONNECT: ends at once with exit 130', { timeout: 30_000 }, async () => {
    hanging.tunnels.length = 0;
    const r = await cliThrough(hanging, ['--timeout', '60'], { interruptWhen: connectSeen(hanging) });
    assert.equal(r.signal, null, 'still running after 20 s (killed)');
    assert.equal(r.code, 130, r.stderr);
    assert.ok(r.msAfterInterrupt !== undefined && r.msAfterInterrupt < 2000, `ended ${r.msAfterInterrupt} ms after Ctrl+C`);
    assert.match(r.stderr, /interrupted/);
  });
});

describe('a server on this machine with a proxy set', () => {
  const local = new OpenAiLikeServer({ models: ['llava'] });
  const other = new OpenAiLikeServer({ models: ['llava'], address: '127.0.0.2' });
  let proxy: TestProxy;
  before(async () => {
    await local.start();
    await other.start();
    proxy = await startConnectProxy();
  });
  after(async () => {
    await local.stop();
    await other.stop();
    await proxy.close();
  });

  for (const [name, base] of [
    ['localhost', () => local.url.replace('127.0.0.1', 'localhost')],
    ['127.0.0.2', () => other.url],
  ] as const) {
    it(`goes direct, never through the proxy: ${name}`, async () => {
      proxy.tunnels.length = 0;
      const server = name === 'localhost' ? local : other;
      server.requests.length = 0;
      const r = await runCliProcess(['--provider', 'openai', '--base-url', base(), '--model', 'llava', '--no-stream', image('ui.png')], {
        cwd: tmp,
        guardLog,
        env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, https_proxy: proxy.url, http_proxy: proxy.url },
        killAfterMs: 20_000,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /The model llava saw 1 image/);
      assert.deepEqual(proxy.tunnels, [], 'the image never went through the proxy');
      assert.equal(server.requests.filter((q) => q.path === '/v1/chat/completions').length >= 1, true);
    });
  }
});
