/**
 * The CLI on the Azure setups people really have: Microsoft Entra ID instead of keys, the v1 API with reasoning
 * deployments, and corporate networks — a forward proxy that alone can resolve the resource's host name, TLS with a
 * certificate authority made by the test (given through NODE_EXTRA_CA_CERTS, or not), proxy authentication. Every
 * CLI process runs with the network guard: nothing leaves this machine, not even a probe of the instance-metadata
 * address that credential libraries make. Entra credentials are injected (in-process) or given as a token.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { runCli } from '../../../src/cli/main';
import { AzureLikeServer } from '../../support/azureServer';
import { runCliProcess, type CliRun } from '../../support/cli';
import { image } from '../../support/paths';
import { startConnectProxy, type TestProxy } from '../../support/proxy';
import { makeCertificates } from '../../support/tls';

const HOST = 'my-resource.openai.azure.test';
const TOKEN = `eyJ0eXAiOiJKV1QiLCJ.test-entra-token-${Date.now()}`;
const certs = makeCertificates([HOST]);
const server = new AzureLikeServer({ tls: { key: certs.keyPem, cert: certs.certPem }, hostName: HOST, tokens: [TOKEN], tokensWithoutRole: ['token-without-role'] });
let proxy: TestProxy;
let dir = '';
let caFile = '';
let guardLog = '';

/** The CLI as a process, through the proxy, with only the variables given (and the network guard). */
function cli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return runCliProcess(args, {
    cwd: dir,
    guardLog,
    secrets: [server.key, TOKEN],
    env: { HTTPS_PROXY: proxy.url, AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', ...env },
  });
}

before(async () => {
  await server.start();
  proxy = await startConnectProxy({ hosts: { [HOST]: '127.0.0.1' } });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'di-entra-'));
  caFile = path.join(dir, 'company-ca.pem');
  await fs.writeFile(caFile, certs.caPem);
  guardLog = path.join(dir, 'network-guard.log');
});
after(async () => {
  await proxy.close();
  await server.stop();
  await fs.rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.requests.length = 0;
  server.script.length = 0;
  proxy.tunnels.length = 0;
});

describe('corporate network: a proxy that alone resolves the host, a private CA', () => {
  it('succeeds through HTTPS_PROXY over TLS with the CA given in NODE_EXTRA_CA_CERTS', async () => {
    const r = await cli(['--no-stream', image('ui.png')], { AZURE_OPENAI_API_KEY: server.key, NODE_EXTRA_CA_CERTS: caFile });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /The fake model saw 1 image/);
    assert.deepEqual(proxy.tunnels, [`${HOST}:${new URL(server.url).port}`]);
    assert.equal(server.requests[0]?.path, '/openai/v1/chat/completions');
  });

  it('without the CA: exit 1 and a message that names the host and says how to trust the CA', async () => {
    const r = await cli([image('ui.png')], { AZURE_OPENAI_API_KEY: server.key });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`The TLS certificate of ${HOST.replace(/\./g, '\\.')}:\\d+ is not trusted \\((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)\\)`));
    assert.match(r.stderr, /NODE_EXTRA_CA_CERTS=\/path\/to\/ca\.pem/);
    assert.match(r.stderr, /--use-system-ca/);
    assert.equal(server.requests.length, 0);
  });

  it('authenticates to the proxy with the credentials in HTTPS_PROXY', async () => {
    const authProxy = await startConnectProxy({ hosts: { [HOST]: '127.0.0.1' }, auth: 'alice:s3cret' });
    try {
      const url = new URL(authProxy.url);
      const denied = await cli([image('ui.png')], { AZURE_OPENAI_API_KEY: server.key, NODE_EXTRA_CA_CERTS: caFile, HTTPS_PROXY: authProxy.url });
      assert.equal(denied.code, 1);
      assert.ok(authProxy.refused >= 1);
      const ok = await cli([image('ui.png')], { AZURE_OPENAI_API_KEY: server.key, NODE_EXTRA_CA_CERTS: caFile, HTTPS_PROXY: `http://alice:s3cret@${url.host}` });
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(authProxy.tunnels.length, 1);
    } finally {
      await authProxy.close();
    }
  });
});

describe('Microsoft Entra ID and the v1 API', () => {
  it('a token in AZURE_OPENAI_AD_TOKEN reaches the HTTPS server as Authorization: Bearer, never as api-key', async () => {
    const r = await cli(['--no-stream', image('ui.png')], { AZURE_OPENAI_AD_TOKEN: TOKEN, NODE_EXTRA_CA_CERTS: caFile });
    assert.equal(r.code, 0, r.stderr);
    const [req] = server.requests;
    assert.equal(req?.headers['authorization'], `Bearer ${TOKEN}`);
    assert.equal(req?.headers['api-key'], undefined);
    assert.match(r.stderr, /using the Microsoft Entra ID token in AZURE_OPENAI_AD_TOKEN/);
  });

  it('a reasoning deployment works with the defaults (v1 API, max_completion_tokens after its answer)', async () => {
    const r = await cli(['--no-stream', '--deployment', 'o4-mini', image('ui.png')], { AZURE_OPENAI_API_KEY: server.key, NODE_EXTRA_CA_CERTS: caFile });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      server.requests.map((q) => [q.path, q.query.get('api-version'), q.body?.['model'], 'max_tokens' in (q.body ?? {}), q.status]),
      [
        ['/openai/v1/chat/completions', null, 'o4-mini', true, 400],
        ['/openai/v1/chat/completions', null, 'o4-mini', false, 200],
      ],
    );
  });

  it('with an old api-version, a reasoning deployment fails with advice that works (v1, or the version it needs)', async () => {
    const r = await cli(['--deployment', 'o4-mini', '--api-version', '2024-10-21', image('ui.png')], { AZURE_OPENAI_API_KEY: server.key, NODE_EXTRA_CA_CERTS: caFile });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /leave the api-version empty to use the v1 API \(it needs none\), or use api-version 2024-12-01-preview or later/);
    assert.match(r.stderr, /Drop --api-version \/ OPENAI_API_VERSION/);
    assert.doesNotMatch(r.stderr, /secret storage/);
  });

  it('a resource with key authentication disabled says to use Entra ID', async () => {
    server.keyAuthDisabled = true;
    try {
      const r = await cli([image('ui.png')], { AZURE_OPENAI_API_KEY: server.key, NODE_EXTRA_CA_CERTS: caFile });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /does not accept keys \(403\): its local authentication is disabled/);
      assert.match(r.stderr, /az login/);
    } finally {
      server.keyAuthDisabled = false;
    }
  });

  it('with no key and no working credential: the two ways out in one sentence first; what was tried only with --verbose; nothing sent, no metadata probe', async () => {
    // The developer credentials only (no managed identity), and no Azure CLI on the PATH.
    const env = { NODE_EXTRA_CA_CERTS: caFile, AZURE_TOKEN_CREDENTIALS: 'dev', PATH: path.join(dir, 'empty-bin') };
    const r = await cli([image('ui.png')], env);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.deepEqual(lines, [
      'describe-image: no AZURE_OPENAI_API_KEY: signing in with Microsoft Entra ID.',
      'describe-image: No credential for Azure OpenAI: set AZURE_OPENAI_API_KEY to use a key, or run `az login` to sign in with Microsoft Entra ID (then run again). (--verbose shows what was tried.)',
    ]);
    assert.ok(r.stderr.length < 400, `short: ${r.stderr.length} characters`);
    const verbose = await cli([image('ui.png'), '--verbose'], env);
    assert.equal(verbose.code, 2, verbose.stderr);
    const at = verbose.stderr.indexOf('describe-image: No credential for Azure OpenAI: set AZURE_OPENAI_API_KEY');
    assert.ok(at >= 0, verbose.stderr);
    assert.match(verbose.stderr.slice(at), /\nTried .*environment service principal.*Azure CLI.*\n {2}\w*Credential/s);
    assert.equal(server.requests.length, 0);
  });
});

describe('Entra ID with an injected credential (in process)', () => {
  class FakeCredential implements TokenCredential {
    calls = 0;
    constructor(private readonly tokens: string[]) {}
    getToken(): Promise<AccessToken> {
      const token = this.tokens[Math.min(this.calls++, this.tokens.length - 1)] ?? '';
      return Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3600_000 });
    }
  }
  async function run(args: string[], tokenCredential: TokenCredential, env: Record<string, string> = {}) {
    let stdout = '';
    let stderr = '';
    // In process the proxy and CA variables are not read by Node at start: talk to the server by its loopback address.
    const code = await runCli([...args, '--no-stream', image('ui.png')], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env: { AZURE_OPENAI_ENDPOINT: plain.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', ...env },
      cwd: dir,
      tokenCredential,
    });
    return { code, stdout, stderr };
  }
  const plain = new AzureLikeServer({ tokens: ['fresh-token-2'], tokensWithoutRole: ['token-without-role'] });
  before(() => plain.start());
  after(() => plain.stop());
  beforeEach(() => (plain.requests.length = 0));

  it('without a key, uses Entra ID, says so, and gets a fresh token once when one is refused', async () => {
    const credential = new FakeCredential(['expired-token-1', 'fresh-token-2']);
    const r = await run([], credential);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /no AZURE_OPENAI_API_KEY: signing in with Microsoft Entra ID/);
    assert.deepEqual(
      plain.requests.map((q) => [q.headers['authorization'], q.headers['api-key'], q.status]),
      [
        ['Bearer expired-token-1', undefined, 401],
        ['Bearer fresh-token-2', undefined, 200],
      ],
    );
    assert.equal(credential.calls, 2);
    for (const t of ['expired-token-1', 'fresh-token-2']) assert.ok(!(r.stdout + r.stderr).includes(t));
  });

  it('a signed-in identity without the role: 403 that names the role', async () => {
    const r = await run(['--auth', 'entra'], new FakeCredential(['token-without-role']));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /needs the role "Cognitive Services OpenAI User" on the resource/);
    assert.match(r.stderr, /az login/);
    assert.doesNotMatch(r.stderr, /token-without-role/);
  });

  it('--auth key wins over a token; --auth entra wins over a key', async () => {
    const credential = new FakeCredential(['fresh-token-2']);
    const keyed = await run(['--auth', 'entra'], credential, { AZURE_OPENAI_API_KEY: 'some-key-1234' });
    assert.equal(keyed.code, 0, keyed.stderr);
    assert.equal(plain.requests[0]?.headers['api-key'], undefined);
    assert.equal(plain.requests[0]?.headers['authorization'], 'Bearer fresh-token-2');
  });
});
