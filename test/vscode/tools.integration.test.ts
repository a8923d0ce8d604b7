/**
 * The language-model tools inside the real VS Code, called as an agent calls them (`vscode.lm.invokeTool`): the three
 * tools are registered with their schemas; describeImage sends a workspace image to the local Azure-like server and
 * returns its description; extractText reads text on this machine; altTextCheck returns findings as JSON; a path
 * outside the workspace, a URL and bad input are refused before anything is read or sent; the confirmation names the
 * images and where they go.
 */
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TestApi } from '../../src/extension';
import { AzureLikeServer } from '../support/azureServer';
import { StubUi } from './stubUi';

const EXTENSION_ID = 'describe-image.describe-image';
const server = new AzureLikeServer();
let api: TestApi;
let ui: StubUi;

const DESCRIBE = 'describeImage_describe';
const EXTRACT = 'describeImage_extractText';
const CHECK = 'describeImage_altTextCheck';

async function invoke(name: string, input: object, token?: vscode.CancellationToken): Promise<string> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, token);
  return result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('\n');
}

async function configure(values: Record<string, unknown>): Promise<void> {
  const c = vscode.workspace.getConfiguration('describeImage');
  for (const [k, v] of Object.entries(values)) await c.update(k, v, vscode.ConfigurationTarget.Global);
}

describe('Language-model tools for agents', () => {
  before(async () => {
    await server.start();
    api = (await vscode.extensions.getExtension<TestApi>(EXTENSION_ID)?.activate()) as TestApi;
    await configure({ provider: 'azure', endpoint: server.url, deployment: 'gpt-4o' });
    await vscode.commands.executeCommand('describeImage.setApiKey', server.key);
  });
  after(async () => {
    api.setUi(undefined);
    await configure({ provider: undefined, endpoint: undefined, deployment: undefined });
    await vscode.commands.executeCommand('describeImage.clearApiKey');
    await server.stop();
  });
  beforeEach(() => {
    ui = new StubUi();
    api.setUi(ui);
    server.requests.length = 0;
  });

  it('registers the three tools with their input schemas', () => {
    for (const name of [DESCRIBE, EXTRACT, CHECK]) {
      const tool = vscode.lm.tools.find((t) => t.name === name);
      assert.ok(tool, `${name} is registered`);
      assert.deepEqual((tool.inputSchema as { required?: string[] }).required, ['paths']);
    }
  });

  it('describeImage returns the description of a workspace image from the configured service', async () => {
    const text = await invoke(DESCRIBE, { paths: ['images/ui.png'], prompt: 'What does the button say?', detail: 'low' });
    assert.match(text, /The fake model saw 1 image\(s\): image 1 is a 160x100 image\/png of 970 bytes\. It was asked: "What does the button say\?"/);
    assert.match(text, /!\[ui\.png\]\(images\/ui\.png\)/, 'the image is linked relative to the workspace folder');
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]?.images[0]?.detail, 'low');
    assert.ok(!text.includes(server.key));
  });

  it('refuses paths outside the workspace, URLs and bad input before anything is sent', async () => {
    const outside = path.join(os.tmpdir(), 'outside.png');
    await vscode.workspace.fs.writeFile(vscode.Uri.file(outside), await vscode.workspace.fs.readFile(vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'images', 'ui.png')));
    try {
      await assert.rejects(invoke(DESCRIBE, { paths: [outside] }), /is outside the workspace/);
      await assert.rejects(invoke(DESCRIBE, { paths: ['../../outside.png'] }), /is outside the workspace/);
      await assert.rejects(invoke(DESCRIBE, { paths: ['https://example.com/a.png'] }), /not a URL/);
      await assert.rejects(invoke(EXTRACT, { paths: [outside] }), /is outside the workspace/);
      await assert.rejects(invoke(DESCRIBE, { paths: [] }), /paths/);
      await assert.rejects(invoke(DESCRIBE, { paths: ['images/no-such.png'] }), /no such file in the workspace/);
      assert.equal(server.requests.length, 0, 'nothing was sent');
    } finally {
      await vscode.workspace.fs.delete(vscode.Uri.file(outside));
    }
  });

  it('extractText reads the text on this machine and sends nothing', async () => {
    const sample = vscode.Uri.joinPath(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri, 'media', 'sample-screenshot.png');
    const inWorkspace = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'images', 'tool-sample.png');
    await vscode.workspace.fs.copy(sample, inWorkspace, { overwrite: true });
    try {
      const text = await invoke(EXTRACT, { paths: ['images/tool-sample.png'] });
      assert.match(text, /Sync failed/);
      assert.match(text, /ECONNREFUSED 10\.0\.0\.12:443/);
      assert.equal(server.requests.length, 0);
    } finally {
      await vscode.workspace.fs.delete(inWorkspace);
    }
  });

  it('altTextCheck returns the findings as JSON', async () => {
    const text = await invoke(CHECK, { paths: ['docs'] });
    const json = JSON.parse(text.slice(text.indexOf('{'))) as { files: number; findings: { file: string; rule: string; line: number }[] };
    assert.ok(json.files >= 1);
    assert.ok(json.findings.some((f) => f.rule === 'alt-missing'), text);
    assert.match(text, /^\d+ finding\(s\)/);
    await assert.rejects(invoke(CHECK, { paths: ['../..'] }), /outside|leads out/);
  });

  it('cancelling a describe through the token stops the request', async () => {
    server.script.push({ delayMs: 10_000, status: 200, body: '{}' });
    const source = new vscode.CancellationTokenSource();
    setTimeout(() => source.cancel(), 300);
    const started = Date.now();
    await assert.rejects(invoke(DESCRIBE, { paths: ['images/ui.png'] }, source.token), /Cancel/i);
    assert.ok(Date.now() - started < 5000, `cancelled after ${Date.now() - started} ms`);
    server.script.length = 0;
  });
});
