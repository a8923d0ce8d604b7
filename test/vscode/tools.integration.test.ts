/**
 * The language-model tools inside the real VS Code, called as an agent calls them (`vscode.lm.invokeTool`): the three
 * tools are registered with their schemas; describeImage sends a workspace image to the local Azure-like server and
 * returns its description; extractText reads text on this machine; altTextCheck returns findings as JSON; a path
 * outside the workspace, a URL and bad input are refused before anything is read or sent; the confirmation names the
 * images and where they go.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { micromark } from 'micromark';
import { parseFragment, type DefaultTreeAdapterTypes } from 'parse5';
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

/** What a Markdown message renders to, by CommonMark with raw HTML let through: every element, and each code span's text. */
function rendered(markdown: string): { elements: string[]; code: string[]; text: string } {
  const elements: string[] = [];
  const code: string[] = [];
  let text = '';
  const walk = (node: DefaultTreeAdapterTypes.ChildNode): void => {
    if (node.nodeName === '#text') text += (node as DefaultTreeAdapterTypes.TextNode).value;
    if (!('childNodes' in node)) return;
    elements.push(node.nodeName);
    if (node.nodeName === 'code') code.push(node.childNodes.map((c) => (c.nodeName === '#text' ? (c as DefaultTreeAdapterTypes.TextNode).value : `<${c.nodeName}>`)).join(''));
    for (const child of node.childNodes) walk(child);
  };
  for (const node of parseFragment(micromark(markdown, { allowDangerousHtml: true })).childNodes) walk(node);
  return { elements, code, text };
}

const WORKSPACE_IMAGES = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'images');

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

  it('describeImage refuses a damaged image (a JPEG cut short) before sending, naming it', async () => {
    const images = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'images');
    const whole = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(images, 'photo.jpg'));
    const cut = vscode.Uri.joinPath(images, 'cut-for-tool.jpg');
    await vscode.workspace.fs.writeFile(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    try {
      await assert.rejects(invoke(DESCRIBE, { paths: ['images/cut-for-tool.jpg'] }), /cut-for-tool\.jpg: the image is damaged or cut short .+ it was not sent/);
      await assert.rejects(invoke(EXTRACT, { paths: ['images/cut-for-tool.jpg'] }), /cut-for-tool\.jpg: the image is damaged or cut short .+ its text was not read/);
      assert.equal(server.requests.length, 0, 'nothing was sent');
    } finally {
      await vscode.workspace.fs.delete(cut);
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

  it('the confirmation shows hostile file names as code that nothing in them breaks out of: no link, image, HTML or heading', async () => {
    const names = [
      'a](https://evil)` **x** <img src=x>.png',
      '``b`` [c](command:workbench.action.quit) ![t](https://evil/t.png).png',
      '`starts and ends with a backtick`',
      'line\n\n# Heading\n<b>bold</b>\u202Egnp.exe',
      '&lt;entity&gt; $(alert) _em_.png',
    ];
    const tool = api.tool(DESCRIBE);
    assert.ok(tool?.prepareInvocation, 'describeImage prepares its invocation');
    const prepared = await tool.prepareInvocation({ input: { paths: names } }, new vscode.CancellationTokenSource().token);
    const message = prepared?.confirmationMessages?.message;
    assert.ok(message instanceof vscode.MarkdownString, 'the confirmation is Markdown');
    assert.ok(!message.isTrusted && !message.supportHtml, 'no command links, no HTML');
    const { elements, code, text } = rendered(message.value);
    assert.deepEqual([...new Set(elements)].sort(), ['code', 'p'], `only a paragraph and code spans:\n${message.value}`);
    assert.deepEqual(code, [names[0], names[1], names[2], 'line\\n\\n# Heading\\n<b>bold</b>\\u{202e}gnp.exe', names[4]], 'each name whole, in its own code span; line breaks and direction marks shown, not obeyed');
    assert.match(text, /^Describe Image will send .*\. They go to gpt-4o on 127\.0\.0\.1:\d+\.$/s, 'where they go, as plain text');
    const progress = prepared?.invocationMessage;
    assert.ok(progress instanceof vscode.MarkdownString, 'the progress message is Markdown too');
    assert.deepEqual(rendered(progress.value).code, code);
  });

  it('extractText refuses an image over the size limit of reading text (as the CLI does) before reading it', async () => {
    const huge = vscode.Uri.joinPath(WORKSPACE_IMAGES(), 'huge.png');
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(WORKSPACE_IMAGES(), 'ui.png'), huge, { overwrite: true });
    await fs.truncate(huge.fsPath, 100 * 1024 * 1024 + 1); // a real PNG followed by zeros (sparse: no disk used)
    try {
      await assert.rejects(invoke(EXTRACT, { paths: ['images/ui.png', 'images/huge.png'] }), /^Error: images\/huge\.png is 100 MB; files up to 100 MB are read\.$/);
      const doc = await vscode.commands.executeCommand<vscode.TextDocument | undefined>('describeImage.extractText', huge);
      assert.equal(doc, undefined, 'the command refuses it too');
      assert.deepEqual(ui.errors(), ['huge.png is 100 MB; files up to 100 MB are read.']);
    } finally {
      await vscode.workspace.fs.delete(huge);
    }
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
