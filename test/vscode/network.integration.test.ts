/**
 * Real Azure setups inside the real VS Code: the choice of Microsoft Entra ID (the test-only extension stands in for
 * the Microsoft sign-in under its id, "microsoft"; the sign-in itself is a UI test), and a corporate network — the resource's
 * host name is known only to a forward proxy set in `http.proxy`, its certificate is from a private CA that the
 * code-server process trusts like an OS store (SSL_CERT_FILE; see makeTestNetwork in test/harness/codeServer.mjs).
 * The extension's requests go through VS Code's own network stack, which honours both.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { revertAll } from './workbench';
import type { TestApi } from '../../src/extension';
import { AzureLikeServer } from '../support/azureServer';
import { OpenAiLikeServer } from '../support/openaiServer';
import { startConnectProxy, type TestProxy } from '../support/proxy';
import { StubUi } from './stubUi';

const tlsDir = process.env['DESCRIBE_IMAGE_TEST_TLS_DIR'] ?? '';
const HOST = tlsDir ? readFileSync(path.join(tlsDir, 'host'), 'utf8') : 'describe-image.corp.test';
const tls = tlsDir ? { key: readFileSync(path.join(tlsDir, 'key.pem'), 'utf8'), cert: readFileSync(path.join(tlsDir, 'cert.pem'), 'utf8') } : undefined;

/** A plain server for the Entra tests, and one behind the proxy, over TLS, for the network tests. */
const server = new AzureLikeServer();
const corp = new AzureLikeServer({ ...(tls ? { tls } : {}), hostName: HOST });
let proxy: TestProxy;
let api: TestApi;
let ui: StubUi;

const image = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file('/'), 'images', 'ui.png');
const describe_ = () => vscode.commands.executeCommand<vscode.TextDocument | undefined>('describeImage.describe', image());

async function configure(section: string, values: Record<string, unknown>): Promise<void> {
  const c = vscode.workspace.getConfiguration(section);
  for (const [k, v] of Object.entries(values)) await c.update(k, v, vscode.ConfigurationTarget.Global);
}

async function authRequests(): Promise<{ registered: boolean; requests: { method: string; scopes: string[] }[] }> {
  return vscode.commands.executeCommand('describeImageTest.authRequests');
}

describe('Real Azure setups in VS Code', () => {
  before(async () => {
    await server.start();
    await corp.start();
    proxy = await startConnectProxy({ hosts: { [HOST]: '127.0.0.1' } });
    const ext = vscode.extensions.getExtension<TestApi>('describe-image.describe-image');
    const exported = await ext?.activate();
    assert.ok(exported);
    api = exported;
    await vscode.commands.executeCommand('describeImage.clearApiKey');
  });

  after(async () => {
    api.setUi(undefined);
    await configure('describeImage', { endpoint: undefined, deployment: undefined, authentication: undefined, entraTenant: undefined, apiVersion: undefined });
    await configure('http', { proxy: undefined, noProxy: undefined });
    await vscode.commands.executeCommand('describeImageTest.signOut');
    await proxy.close();
    await corp.stop();
    await server.stop();
  });

  beforeEach(async () => {
    ui = new StubUi();
    api.setUi(ui);
    for (const s of [server, corp]) {
      s.requests.length = 0;
      s.script.length = 0;
    }
    proxy.tunnels.length = 0;
    await revertAll();
  });

  // Signing in itself needs the user's consent in a dialog, which VS Code refuses to show in an extension test run:
  // the whole sign-in (with the token reaching the server as Bearer) is a UI test, test/ui/entra.ui.test.ts.
  describe('Microsoft Entra ID', () => {
    beforeEach(() => configure('describeImage', { endpoint: server.url, deployment: 'gpt-4o', apiVersion: undefined, authentication: 'apiKey', entraTenant: undefined }));

    it('the stand-in Microsoft sign-in is registered under the id "microsoft"', async () => {
      assert.equal((await authRequests()).registered, true);
    });

    it('with neither a key nor a sign-in, the first describe offers both, and sends nothing', async () => {
      const doc = await describe_();
      assert.equal(doc, undefined);
      const offered = ui.messages.find((m) => /No API key is set/.test(m.message));
      assert.match(offered?.message ?? '', /or sign in with Microsoft Entra ID/);
      assert.deepEqual(offered?.items, ['Set API Key', 'Sign In with Microsoft Entra ID']);
      assert.equal(server.requests.length, 0);
    });

    it('Configure Endpoint asks how to authenticate (current choice first) and leaves the api-version empty (v1)', async () => {
      ui.inputs.push('https://my-resource.cognitiveservices.azure.com', 'gpt-4.1');
      ui.picks.push('Microsoft Entra ID');
      assert.equal(await vscode.commands.executeCommand('describeImage.configureEndpoint'), true);
      assert.deepEqual(ui.quickPicks[0]?.items, ['API key', 'Microsoft Entra ID']);
      const c = vscode.workspace.getConfiguration('describeImage');
      assert.equal(c.get('endpoint'), 'https://my-resource.cognitiveservices.azure.com');
      assert.equal(c.get('deployment'), 'gpt-4.1');
      assert.equal(c.get('authentication'), 'entraId');
      assert.equal(c.get('apiVersion'), '', 'no api-version: the v1 API');
      assert.ok(ui.messages.some((m) => /Endpoint saved: .*deployment gpt-4\.1, Microsoft Entra ID/.test(m.message)));
    });
  });

  describe("a corporate network: VS Code's proxy settings and certificate store", () => {
    before(async () => {
      await vscode.commands.executeCommand('describeImage.setApiKey', corp.key);
    });
    beforeEach(() => configure('describeImage', { endpoint: corp.url, deployment: 'gpt-4o', apiVersion: undefined, authentication: 'apiKey' }));
    afterEach(() => configure('http', { proxy: undefined, noProxy: undefined }));

    it('reaches a host only the proxy knows, over TLS with a private CA, through http.proxy', async () => {
      assert.ok(tls, 'the harness made the test network (DESCRIBE_IMAGE_TEST_TLS_DIR)');
      await configure('http', { proxy: proxy.url });
      const doc = await describe_();
      assert.ok(doc, ui.errors().join('\n'));
      assert.deepEqual(proxy.tunnels, [`${HOST}:${new URL(corp.url).port}`], 'through the proxy');
      assert.equal(corp.requests[0]?.headers['api-key'], corp.key);
    });

    it('http.noProxy sends the request directly (which cannot resolve the name), not through the proxy', async () => {
      await configure('http', { proxy: proxy.url, noProxy: [HOST] });
      assert.equal(await describe_(), undefined);
      assert.deepEqual(proxy.tunnels, []);
      assert.equal(corp.requests.length, 0);
      assert.match(ui.errors()[0] ?? '', new RegExp(`${HOST.replace(/\./g, '\\.')}`));
    });
  });

  describe('a server on this machine, with http.proxy set', () => {
    // 127.0.0.2 is this machine as much as 127.0.0.1 (all of 127.0.0.0/8 is), and the status bar says images stay here.
    const local = new OpenAiLikeServer({ models: ['llava'], address: '127.0.0.2' });
    before(() => local.start());
    after(async () => {
      await configure('describeImage', { provider: undefined, 'openai.baseUrl': undefined, 'openai.model': undefined });
      await local.stop();
    });
    afterEach(() => configure('http', { proxy: undefined, noProxy: undefined }));

    it('goes direct: the proxy sees nothing, as the "this machine" label says', async () => {
      await configure('describeImage', { provider: 'openai', 'openai.baseUrl': local.url, 'openai.model': 'llava' });
      await configure('http', { proxy: proxy.url });
      const doc = await describe_();
      assert.ok(doc, ui.errors().join('\n'));
      assert.match(doc.getText(), /The model llava saw 1 image/);
      assert.deepEqual(proxy.tunnels, [], 'nothing went through the proxy');
      assert.ok(local.requests.some((r) => r.path === '/v1/chat/completions'));
    });
  });
});
