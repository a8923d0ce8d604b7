/**
 * The extension inside a real VS Code extension host, against the Azure-like server on 127.0.0.1. Prompts are answered
 * through the Test-mode UI stand-in; the key really goes through SecretStorage (the server checks it on every request).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { revertAll } from './workbench';
import type { TestApi } from '../../src/extension';
import type { PastePanel } from '../../src/vscode/pastePanel';
import { ALT_LANGUAGES } from '../../src/vscode/altText';
import { AzureLikeServer, streamEvents } from '../support/azureServer';
import { StubUi } from './stubUi';
import { markdownEvents } from '../../src/core/markdown';

const EXTENSION_ID = 'describe-image.describe-image';
const COMMANDS = ['describeImage.describe', 'describeImage.pasteScreenshot', 'describeImage.setApiKey', 'describeImage.clearApiKey', 'describeImage.configureEndpoint', 'describeImage.showLog'];

const server = new AzureLikeServer();
let api: TestApi;
let ui: StubUi;

function workspaceImage(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run with the fixture workspace open');
  return vscode.Uri.joinPath(folder.uri, 'images', name);
}

async function configure(values: Record<string, unknown>): Promise<void> {
  const c = vscode.workspace.getConfiguration('describeImage');
  for (const [k, v] of Object.entries(values)) await c.update(k, v, vscode.ConfigurationTarget.Global);
}

async function describe_(...args: unknown[]): Promise<vscode.TextDocument | undefined> {
  return vscode.commands.executeCommand<vscode.TextDocument | undefined>('describeImage.describe', ...args);
}

describe('Describe Image in VS Code', () => {
  before(async () => {
    await server.start();
    const ext = vscode.extensions.getExtension<TestApi | undefined>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
    const exported = await ext.activate();
    assert.ok(exported, 'the extension returns its Test-mode API when run by the tests');
    api = exported;
  });

  after(async () => {
    api.setUi(undefined);
    await vscode.commands.executeCommand('describeImage.clearApiKey');
    await configure({ provider: undefined, endpoint: undefined, deployment: undefined, apiVersion: undefined });
    await server.stop();
  });

  beforeEach(async () => {
    ui = new StubUi();
    api.setUi(ui);
    server.requests.length = 0;
    server.script.length = 0;
    await configure({ endpoint: server.url, deployment: 'gpt-4o', apiVersion: '2024-10-21', openPreviewBeside: false });
    await vscode.commands.executeCommand('describeImage.setApiKey', server.key);
    await revertAll();
  });

  it('activates and registers every command', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.equal(ext?.isActive, true);
    const all = await vscode.commands.getCommands(true);
    for (const c of COMMANDS) assert.ok(all.includes(c), `${c} is registered`);
    const pkg = ext?.packageJSON as { activationEvents: unknown[]; contributes: { menus: Record<string, { command: string; when?: string }[]> } };
    // Commands activate the extension by themselves; after start-up it activates for the status-bar item (where images
    // go) and, after an install, the walkthrough; the paste panel's restore after a reload needs its event, and the
    // quick fixes, diagnostics and paste option must exist as soon as a document of their languages opens.
    assert.deepEqual(pkg.activationEvents, ['onStartupFinished', 'onWebviewPanel:describeImage.paste', ...ALT_LANGUAGES.map((l) => `onLanguage:${l}`)]);
    const explorer = pkg.contributes.menus['explorer/context']?.find((m) => m.command === 'describeImage.describe');
    assert.match(explorer?.when ?? '', /!explorerResourceIsFolder/);
    assert.match(explorer?.when ?? '', /\/i$/, 'image extensions match case-insensitively');
  });

  it('describes a PNG from the Explorer into an untitled Markdown document', async () => {
    const uri = workspaceImage('ui.png');
    const doc = await describe_(uri, [uri]);
    assert.ok(doc, ui.errors().join('\n'));
    assert.equal(doc.languageId, 'markdown');
    assert.equal(doc.isUntitled, true, 'the result is not written to disk behind the user');
    const text = doc.getText();
    assert.match(text, /^# Description of ui\.png/);
    assert.match(text, /The fake model saw 1 image\(s\): image 1 is a 160x100 image\/png of 970 bytes/);
    assert.match(text, /\*\*Model:\*\* gpt-4o-2024-08-06/);
    assert.match(text, /\*\*Finish reason:\*\* stop/);
    assert.match(text, /\*\*Token usage:\*\* \d+ prompt \+ \d+ completion = \d+ total/);
    assert.ok(text.includes(`](${uri.toString(true).replace(/ /g, '%20')})`), 'the image is referenced');
    assert.equal(vscode.window.activeTextEditor?.document, doc, 'the document is shown');
    assert.deepEqual(ui.progressTitles, ['Describing ui.png…']);
    assert.equal(server.requests[0]?.headers['api-key'], server.key);
  });

  it('refuses a damaged image (a JPEG cut short) before sending, naming the file; the others of a selection are not sent either', async () => {
    const whole = await vscode.workspace.fs.readFile(workspaceImage('photo.jpg'));
    const cut = workspaceImage('cut-short.jpg');
    await vscode.workspace.fs.writeFile(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    try {
      const doc = await describe_(cut, [workspaceImage('ui.png'), cut]);
      assert.equal(doc, undefined);
      assert.match(ui.errors().join('\n'), /cut-short\.jpg: the image is damaged or cut short \(.+\); it was not sent\./);
      assert.equal(server.requests.length, 0, 'nothing was sent');
    } finally {
      await vscode.workspace.fs.delete(cut);
    }
  });

  it('describes a multi-selection in one request', async () => {
    const a = workspaceImage('ui.png');
    const b = workspaceImage('photo.jpg');
    const c = workspaceImage('Screenshot.PNG');
    const doc = await describe_(a, [a, b, c]);
    assert.ok(doc, ui.errors().join('\n'));
    assert.equal(server.requests.length, 1);
    assert.deepEqual(server.requests[0]?.images.map((i) => i.declaredMime), ['image/png', 'image/jpeg', 'image/png']);
    assert.match(doc.getText(), /^# Description of 3 images/);
    assert.match(doc.getText(), /saw 3 image\(s\)/);
  });

  it('from the palette, opens a file picker filtered to images', async () => {
    ui.openDialogResult = [workspaceImage('photo.jpg')];
    const doc = await describe_();
    assert.ok(doc, ui.errors().join('\n'));
    assert.match(doc.getText(), /image\/jpeg/);
  });

  it('refuses more than 10 images before sending anything', async () => {
    const uris = Array.from({ length: 11 }, () => workspaceImage('ui.png'));
    const doc = await describe_(uris[0], uris);
    assert.equal(doc, undefined);
    assert.match(ui.errors()[0] ?? '', /11 images selected; one request takes at most 10/);
    assert.equal(server.requests.length, 0);
  });

  it('Set API Key and Clear API Key go through SecretStorage', async () => {
    await vscode.commands.executeCommand('describeImage.clearApiKey');
    let doc = await describe_(workspaceImage('ui.png'));
    assert.equal(doc, undefined);
    assert.match(ui.messages.find((m) => m.level === 'warning')?.message ?? '', /No API key is set/);
    assert.equal(server.requests.length, 0, 'nothing is sent without a key');

    ui.inputs.push(server.key);
    const saved = await vscode.commands.executeCommand<boolean>('describeImage.setApiKey');
    assert.equal(saved, true);
    assert.equal(ui.inputBoxes.at(-1)?.password, true, 'the key box is masked');
    assert.equal(ui.inputBoxes.at(-1)?.ignoreFocusOut, true);
    doc = await describe_(workspaceImage('ui.png'));
    assert.ok(doc, ui.errors().join('\n'));
    assert.equal(server.requests.at(-1)?.headers['api-key'], server.key, 'the stored key is the one sent');
    const settingsText = JSON.stringify(vscode.workspace.getConfiguration('describeImage'));
    assert.ok(!settingsText.includes(server.key), 'the key is not a setting');
  });

  it('a missing key leads to Set API Key, then the describe goes on', async () => {
    await vscode.commands.executeCommand('describeImage.clearApiKey');
    ui.answers.push({ match: /No API key is set/, pick: 'Set API Key' });
    ui.inputs.push(server.key);
    const doc = await describe_(workspaceImage('ui.png'));
    assert.ok(doc, ui.errors().join('\n'));
    assert.match(doc.getText(), /The fake model saw 1 image/);
    assert.equal(ui.inputBoxes.length, 1);
  });

  it('a missing endpoint (Azure chosen) leads to Configure Endpoint (Target URI accepted), then the describe goes on', async () => {
    await configure({ provider: 'azure', endpoint: '', deployment: '' });
    ui.answers.push({ match: /needs your Azure OpenAI endpoint/, pick: 'Configure Endpoint' });
    ui.inputs.push(server.targetUri('gpt-4o', '2024-06-01'));
    const doc = await describe_(workspaceImage('ui.png'));
    assert.ok(doc, ui.errors().join('\n'));
    assert.equal(ui.inputBoxes.length, 1, 'deployment and api-version came from the Target URI');
    assert.equal(vscode.workspace.getConfiguration('describeImage').get('deployment'), 'gpt-4o');
    assert.equal(server.requests[0]?.query.get('api-version'), '2024-06-01');
  });

  it('Configure Endpoint validates what is typed', async () => {
    ui.inputs.push(undefined);
    await vscode.commands.executeCommand('describeImage.configureEndpoint');
    const validate = ui.inputBoxes[0]?.validateInput;
    assert.ok(validate);
    assert.equal(await validate('https://res.openai.azure.com'), undefined);
    assert.match(String(await validate('http://res.openai.azure.com')), /Use https:\/\//);
    assert.match(String(await validate('ftp://x')), /must start with https/);
    assert.match(String(await validate('')), /Enter the endpoint/);
  });

  it('Cancel aborts the HTTP request', async () => {
    server.script.push({ delayMs: 10_000, status: 200, body: '{}' });
    ui.cancelAfterMs = 300;
    const started = Date.now();
    const doc = await describe_(workspaceImage('ui.png'));
    assert.equal(doc, undefined);
    assert.ok(Date.now() - started < 5_000, `cancel returned after ${Date.now() - started} ms`);
    assert.deepEqual(ui.errors(), [], 'a cancel is not an error');
    assert.ok(api.recentLog().some((l) => /Cancelled by the user/.test(l)));
  });

  it('a server error shows its message with actions that fix it', async () => {
    await configure({ deployment: 'no-such-deployment' });
    const doc = await describe_(workspaceImage('ui.png'));
    assert.equal(doc, undefined);
    const error = ui.messages.find((m) => m.level === 'error');
    assert.match(error?.message ?? '', /The deployment "no-such-deployment" was not found at http:\/\/127\.0\.0\.1:\d+ \(404\)/);
    assert.deepEqual(error?.items, ['Configure Endpoint', 'Show Log']);
  });

  it('a wrong key offers Set API Key; a server failure offers Retry, which works', async () => {
    await vscode.commands.executeCommand('describeImage.setApiKey', 'wrong-key-123456');
    await describe_(workspaceImage('ui.png'));
    assert.deepEqual(ui.messages.find((m) => m.level === 'error')?.items, ['Set API Key', 'Configure Endpoint', 'Show Log']);

    await vscode.commands.executeCommand('describeImage.setApiKey', server.key);
    ui.messages.length = 0;
    const failure = { status: 500, headers: { 'content-type': 'application/json' }, body: { error: { code: 'InternalServerError', message: 'Boom' } } };
    for (let i = 0; i < 10; i++) server.script.push(failure);
    // The user presses Retry once the service has recovered.
    ui.answers.push({ match: /failed with 500/, pick: 'Retry', before: () => (server.script.length = 0) });
    const opened: vscode.TextDocument[] = [];
    const sub = vscode.workspace.onDidOpenTextDocument((d) => opened.push(d));
    try {
      const first = await describe_(workspaceImage('ui.png'));
      assert.equal(first, undefined);
    } finally {
      sub.dispose();
    }
    assert.deepEqual(ui.messages.find((m) => m.level === 'error')?.items, ['Retry', 'Show Log']);
    const results = opened.filter((d) => d.isUntitled && /The fake model saw/.test(d.getText()));
    assert.equal(results.length, 1, `Retry produced the description; errors: ${ui.errors().join(' | ')}`);
  });

  describe('streaming', () => {
    const slow = (text: string, delay: number) => ({ sse: streamEvents('gpt-4o-2024-08-06', text, 'stop', { prompt_tokens: 100, completion_tokens: 12, total_tokens: 112 }), chunkDelayMs: delay });

    it('fills the document in as the text arrives, then writes the footer', async () => {
      server.script.push(slow('The screenshot shows a settings page with a sidebar, a search box and three toggles.', 120));
      const changes: string[] = [];
      const sub = vscode.workspace.onDidChangeTextDocument((e) => e.document.isUntitled && changes.push(e.document.getText()));
      let doc: vscode.TextDocument | undefined;
      try {
        doc = await describe_(workspaceImage('ui.png'));
      } finally {
        sub.dispose();
      }
      assert.ok(doc, ui.errors().join('\n'));
      const partials = changes.filter((t) => !t.includes('Finish reason'));
      assert.ok(partials.length >= 3, `the document grew in ${partials.length} steps before the footer`);
      assert.ok(partials.some((t) => t.includes('settings page') && !t.includes('three toggles')), 'text was visible before the answer was complete');
      assert.match(doc.getText(), /^# Description of ui\.png\n\n!\[ui\.png\]\([^)]+\)\n\nThe screenshot shows a settings page with a sidebar, a search box and three toggles\.\n\n---\n/);
      assert.match(doc.getText(), /\*\*Token usage:\*\* 100 prompt \+ 12 completion = 112 total/);
    });

    /** The server streams the answer in these pieces, one SSE chunk each, `delayMs` apart. */
    function streamInPieces(pieces: readonly string[], delayMs: number): void {
      const events = streamEvents('gpt-4o-2024-08-06', '', 'stop', undefined);
      const chunks = pieces.map((piece) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })}\n\n`);
      server.script.push({ sse: [events[0] ?? '', ...chunks, ...events.slice(2)], chunkDelayMs: delayMs });
    }

    /** Describe ui.png, keeping every state the result document showed while the answer streamed in. */
    async function describeWatchingTheDocument(): Promise<{ doc: vscode.TextDocument; seen: string[] }> {
      const seen: string[] = [];
      const sub = vscode.workspace.onDidChangeTextDocument((e) => e.document.isUntitled && seen.push(e.document.getText()));
      let doc: vscode.TextDocument | undefined;
      try {
        doc = await describe_(workspaceImage('ui.png'));
      } finally {
        sub.dispose();
      }
      assert.ok(doc, ui.errors().join('\n'));
      return { doc, seen };
    }

    it('never shows the model\'s raw HTML in the document, not even while a tag arrives in pieces', async () => {
      const html = 'The page has a <b>bold</b> title. <img src=x onerror="alert(1)"> Then:\n\n<script>\nalert(2)\n</script>\n\nCode stays: `<div>`.';
      // Split the stream inside the tags, one character at a time around them.
      streamInPieces([...html], 10);
      const { doc, seen } = await describeWatchingTheDocument();
      // At no moment does a Markdown parser find HTML in the document (a `<b` still waiting for its `>` is text).
      const htmlIn = (text: string) => markdownEvents(text).filter(([kind, t]) => kind === 'enter' && (t.type === 'htmlFlow' || t.type === 'htmlText')).length;
      // It streamed: the document showed the answer before it was whole (how many states depends on the machine's load).
      assert.ok(seen.some((t) => t.includes('The page') && !t.includes('Code stays')), `the document showed part of the answer (${seen.length} states seen)`);
      for (const text of [...seen, doc.getText()]) assert.equal(htmlIn(text), 0, `raw HTML in the document at some moment:\n${text}`);
      assert.match(doc.getText(), /The page has a &lt;b>bold&lt;\/b> title\. &lt;img src=x onerror="alert\(1\)"> Then:\n\n&lt;script>\nalert\(2\)\n&lt;\/script>\n\nCode stays: `<div>`\./);
    });

    it('never shows a key the server echoes in pieces of 1-3 characters, not even part of it for a moment; keeps the text around it', async () => {
      const text = `Before the key: ${server.key} (that was it). And the last words`;
      const pieces: string[] = [];
      for (let at = 0, n = 0; at < text.length; at += (n++ % 3) + 1) pieces.push(text.slice(at, at + (n % 3) + 1));
      streamInPieces(pieces, 25);
      const { doc, seen } = await describeWatchingTheDocument();
      assert.ok(seen.length >= 3, `${seen.length} states seen:\n${seen.join('\n----\n')}`);
      const part = server.key.slice(0, Math.ceil(server.key.length * 0.6));
      for (const state of [...seen, doc.getText()]) assert.ok(!state.includes(part), `the document showed the key (or most of it):\n${state}`);
      assert.match(doc.getText(), /\n\nBefore the key: \[REDACTED\] \(that was it\)\. And the last words\n\n---\n/);
    });

    it('Cancel stops the stream and keeps what came, marked as cancelled', async () => {
      server.script.push(slow('one two three four five six seven eight nine ten eleven twelve thirteen fourteen', 150));
      ui.cancelAfterMs = 900;
      const opened: vscode.TextDocument[] = [];
      const sub = vscode.workspace.onDidOpenTextDocument((d) => opened.push(d));
      try {
        assert.equal(await describe_(workspaceImage('ui.png')), undefined);
      } finally {
        sub.dispose();
      }
      const doc = opened.find((d) => d.isUntitled && d.languageId === 'markdown');
      assert.ok(doc, 'the partial document stays open');
      assert.match(doc.getText(), /one two three/);
      assert.ok(!doc.getText().includes('fourteen'));
      assert.match(doc.getText(), /\n\n> \*\*Cancelled:\*\* Cancelled; the text received so far is kept\.\n$/);
      assert.deepEqual(ui.errors(), []);
    });

    it('a broken stream keeps the text, marked incomplete, and offers Retry', async () => {
      server.script.push({ sse: streamEvents('gpt-4o', 'A partial answer that breaks off here', 'stop', undefined).slice(0, 6), afterSse: 'reset' });
      const opened: vscode.TextDocument[] = [];
      const sub = vscode.workspace.onDidOpenTextDocument((d) => opened.push(d));
      try {
        await describe_(workspaceImage('ui.png'));
      } finally {
        sub.dispose();
      }
      const doc = opened.find((d) => d.isUntitled && d.languageId === 'markdown');
      assert.ok(doc);
      assert.match(doc.getText(), /A partial answer that \n\n> \*\*Incomplete:\*\* The connection to 127\.0\.0\.1:\d+ broke in the middle of the answer/);
      const error = ui.messages.find((m) => m.level === 'error');
      assert.match(error?.message ?? '', /broke in the middle of the answer/);
      assert.deepEqual(error?.items, ['Retry', 'Show Log']);
    });

    it('tells the user about a long retry wait, counting down', async () => {
      server.script.push({ status: 429, headers: { 'content-type': 'application/json', 'retry-after-ms': '3200' }, body: { error: { code: '429', message: 'Rate limit is exceeded.' } } });
      const doc = await describe_(workspaceImage('ui.png'));
      assert.ok(doc, ui.errors().join('\n'));
      assert.ok(ui.progressMessages.some((m) => /The service is busy: retrying in [34] s \(attempt 2 of 7\)/.test(m)), ui.progressMessages.join(' | '));
      assert.ok(ui.progressMessages.some((m) => /retrying in [12] s/.test(m)), 'the countdown moves');
    });

  });

  it('Paste Screenshot opens one panel, and reveals it when asked again', async () => {
    await vscode.commands.executeCommand('describeImage.pasteScreenshot');
    await vscode.commands.executeCommand('describeImage.pasteScreenshot');
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    const panels = () => tabs().filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('describeImage.paste'));
    for (let i = 0; i < 50 && panels().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(panels().length, 1, `tabs: ${tabs().map((t) => `${t.label} (${t.input instanceof vscode.TabInputWebview ? t.input.viewType : typeof t.input})`).join(', ')}`);
    assert.equal(panels()[0]?.label, 'Paste Screenshot');
  });

  describe('pasted images in storage', () => {
    const pasted = () => vscode.Uri.joinPath(api.globalStorage, 'pasted');
    /** Every file kept under pasted/, as paths relative to it. */
    async function kept(dir = pasted(), prefix = ''): Promise<string[]> {
      const entries = await Promise.resolve(vscode.workspace.fs.readDirectory(dir)).catch(() => [] as [string, vscode.FileType][]);
      const out: string[] = [];
      for (const [name, type] of entries) {
        if (type === vscode.FileType.Directory) out.push(...(await kept(vscode.Uri.joinPath(dir, name), `${prefix}${name}/`)));
        else out.push(`${prefix}${name}`);
      }
      return out.sort();
    }
    const pasteTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('describeImage.paste'));
    async function until(what: string, ok: () => Promise<boolean>): Promise<void> {
      for (let i = 0; i < 100 && !(await ok()); i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(await ok(), what);
    }

    it('a damaged image pasted into the panel is refused when sent, naming it; nothing is sent and the panel keeps it', async () => {
      const panel = await vscode.commands.executeCommand<PastePanel>('describeImage.pasteScreenshot');
      const photo = await vscode.workspace.fs.readFile(workspaceImage('photo.jpg'));
      await panel.add([{ name: 'half.jpg', bytes: photo.subarray(0, Math.floor(photo.length / 2)) }]);
      assert.equal(panel.files().length, 1);
      const doc = await panel.send();
      assert.equal(doc, undefined);
      assert.equal(server.requests.length, 0, 'nothing was sent');
      assert.ok(api.recentLog().some((l) => /Paste panel: .*half\.jpg: the image is damaged or cut short .*it was not sent/.test(l)), api.recentLog().slice(-5).join('\n'));
      assert.equal(panel.files().length, 1, 'the image is still in the panel');
      await vscode.window.tabGroups.close(pasteTabs());
    });

    it('an image removed from the panel is deleted, and closing the panel deletes the rest', async () => {
      const panel = await vscode.commands.executeCommand<PastePanel>('describeImage.pasteScreenshot');
      const before = await kept();
      const ui = await vscode.workspace.fs.readFile(workspaceImage('ui.png'));
      const photo = await vscode.workspace.fs.readFile(workspaceImage('photo.jpg'));
      await panel.add([{ name: 'first.png', bytes: ui }, { name: 'second.jpg', bytes: photo }]);
      const added = (await kept()).filter((f) => !before.includes(f));
      assert.equal(added.length, 2, `both pasted images are kept: ${added.join(', ')}`);
      const first = added.find((f) => f.endsWith('/first.png'));
      assert.ok(first);
      // The panel's Remove button sends this message (the panel checks it as any message from the webview).
      const id = first.split('/').at(-2);
      await (panel as unknown as { onMessage(m: unknown): Promise<void> }).onMessage({ type: 'remove', id });
      await until(`first.png is deleted: ${(await kept()).join(', ')}`, async () => !(await kept()).includes(first));
      assert.ok((await kept()).some((f) => f.endsWith('/second.jpg')), 'the other image is still kept');

      const tab = pasteTabs()[0];
      assert.ok(tab, 'the panel is open');
      await vscode.window.tabGroups.close(tab);
      await until(`closing the panel deleted its images: ${(await kept()).join(', ')}`, async () => (await kept()).every((f) => before.includes(f)));
    });

    it('at start, keeps what a panel to be restored shows (even days old), deletes what no panel holds; the restored panel shows its images', async () => {
      const store = api.pasteStore;
      const DAY = 24 * 60 * 60_000;
      const png = await vscode.workspace.fs.readFile(workspaceImage('ui.png'));
      const hash = createHash('sha256').update(png).digest('hex').slice(0, 20);
      const write = async (...parts: string[]) => {
        const uri = vscode.Uri.joinPath(store.root, ...parts);
        await vscode.workspace.fs.writeFile(uri, png);
        return uri;
      };
      // The panel open when the window was reloaded (or closed): its folder, and the record it made when it opened.
      const restored = 'panel-0123456789abcdef';
      const shown = await write(restored, hash, 'shot.png');
      await store.opened(restored);
      // A panel's folder no record knows (a crash), pasted/<hash>/ of versions that kept everything, and a panel last
      // open 31 days ago in a workspace not opened since.
      const crashed = await write('panel-fedcba9876543210', hash, 'left.png');
      const legacy = await write(hash, 'legacy.png');
      const forgotten = await write('panel-aaaaaaaaaaaaaaaa', hash, 'old.png');
      const monthAgo = new Date(Date.now() - 31 * DAY);
      for (const uri of [forgotten, vscode.Uri.joinPath(forgotten, '..'), vscode.Uri.joinPath(forgotten, '..', '..')]) await fs.utimes(uri.fsPath, monthAgo, monthAgo);
      await store.opened('panel-aaaaaaaaaaaaaaaa', monthAgo.getTime());
      const exists = (uri: vscode.Uri) => Promise.resolve(vscode.workspace.fs.stat(uri)).then(() => true, () => false);

      assert.deepEqual(await store.prune(Date.now() + 60 * 60_000), ['panel-aaaaaaaaaaaaaaaa'], 'an hour on: what no panel holds is younger than a day, kept');
      assert.equal(await exists(forgotten), false);
      assert.deepEqual((await store.prune(Date.now() + 2 * DAY)).sort(), [hash, 'panel-fedcba9876543210'].sort(), 'two days on');
      assert.equal(await exists(crashed), false);
      assert.equal(await exists(legacy), false);
      assert.equal(await exists(shown), true, 'the image of the panel that will be restored is kept, two days old');

      // VS Code restores the panel through the serializer, with the state its webview saved.
      const state = { prompt: 'Describe', detail: 'auto', presetId: undefined, panelId: restored, images: [{ id: hash, name: 'shot.png', mime: 'image/png', bytes: png.length, width: 160, height: 100, thumbnail: undefined, url: undefined }] };
      const webview = vscode.window.createWebviewPanel('describeImage.paste', 'Paste Screenshot', vscode.ViewColumn.Active, {});
      const panel = await api.revivePastePanel(webview, state);
      assert.equal(panel.panelId, restored);
      assert.deepEqual(panel.files().map((u) => u.toString()), [shown.toString()], 'it shows its image');
      webview.dispose();
      await until('closing it deleted its folder', async () => !(await exists(store.folder(restored))));
    });

    it('ids that are paths — in a remove message or a restored state — delete nothing and read nothing outside the panel', async () => {
      const store = api.pasteStore;
      const png = await vscode.workspace.fs.readFile(workspaceImage('ui.png'));
      const exists = (uri: vscode.Uri) => Promise.resolve(vscode.workspace.fs.stat(uri)).then(() => true, () => false);
      // Another panel's image, and an image beside the store (where a path-like id would lead).
      const others = vscode.Uri.joinPath(store.root, 'panel-1111111111111111', 'a'.repeat(20), 'other.png');
      const beside = vscode.Uri.joinPath(store.root, '..', 'beside', 'secret.png');
      for (const uri of [others, beside]) await vscode.workspace.fs.writeFile(uri, png);
      await store.opened('panel-1111111111111111');
      try {
        const panel = await vscode.commands.executeCommand<PastePanel>('describeImage.pasteScreenshot');
        await panel.add([{ name: 'mine.png', bytes: png }]);
        for (const id of ['..', '../..', '../panel-1111111111111111', '../../beside']) {
          await (panel as unknown as { onMessage(m: unknown): Promise<void> }).onMessage({ type: 'remove', id });
        }
        assert.ok(await exists(others), "another panel's image is still there");
        assert.ok(await exists(beside), 'the file beside the store is still there');
        assert.equal(panel.files().length, 1, 'the panel still holds its image');
        assert.ok(await exists(panel.files()[0]!), 'and its file');
        await vscode.window.tabGroups.close(pasteTabs());

        const webview = vscode.window.createWebviewPanel('describeImage.paste', 'Paste Screenshot', vscode.ViewColumn.Active, {});
        const restored = await api.revivePastePanel(webview, {
          prompt: '',
          detail: 'auto',
          panelId: '../beside',
          images: [{ id: '../../beside', name: 'secret.png' }, { id: '../beside', name: 'secret.png' }, { id: '../panel-1111111111111111/aaaaaaaaaaaaaaaaaaaa', name: 'other.png' }],
        });
        assert.match(restored.panelId, /^panel-[0-9a-f]{16}$/, 'a panel id that is a path is not used');
        assert.deepEqual(restored.files(), [], 'nothing outside its folder was read into the panel');
        webview.dispose();
        await until('the restored panel is closed', async () => pasteTabs().length === 0);
        assert.ok(await exists(beside) && (await exists(others)), 'and closing it deleted nothing else');
      } finally {
        await store.closed('panel-1111111111111111');
        await vscode.workspace.fs.delete(vscode.Uri.joinPath(store.root, '..', 'beside'), { recursive: true });
      }
    });

    it('a panel saved by a version without panel folders is restored from pasted/<hash>/', async () => {
      const store = api.pasteStore;
      const png = await vscode.workspace.fs.readFile(workspaceImage('ui.png'));
      const hash = createHash('sha256').update(png).digest('hex').slice(0, 20);
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(store.root, hash, 'old layout.png'), png);
      const webview = vscode.window.createWebviewPanel('describeImage.paste', 'Paste Screenshot', vscode.ViewColumn.Active, {});
      const panel = await api.revivePastePanel(webview, { prompt: '', detail: 'low', images: [{ id: hash, name: 'old layout.png' }] });
      assert.match(panel.panelId, /^panel-[0-9a-f]{16}$/);
      assert.deepEqual(panel.files().map((u) => u.toString()), [vscode.Uri.joinPath(store.folder(panel.panelId), hash, 'old layout.png').toString()]);
      webview.dispose();
    });

    it("a restored panel shows every image in its folder, also those its webview's saved state is too old to list", async () => {
      // A browser window (code-server, vscode.dev) persists a webview's state only now and then: after a reload the
      // state can list fewer images than the panel held. The folder has them all.
      const store = api.pasteStore;
      const first = await vscode.workspace.fs.readFile(workspaceImage('ui.png'));
      const second = Buffer.concat([Buffer.from(first), Buffer.from('trailing bytes make another file')]);
      const id = (b: Uint8Array) => createHash('sha256').update(b).digest('hex').slice(0, 20);
      const panelId = 'panel-2222222222222222';
      const older = vscode.Uri.joinPath(store.folder(panelId), id(first), 'image.png');
      const newer = vscode.Uri.joinPath(store.folder(panelId), id(second), 'dialog.png');
      await vscode.workspace.fs.writeFile(older, first);
      await vscode.workspace.fs.writeFile(newer, second);
      const hourAgo = new Date(Date.now() - 60 * 60_000);
      await fs.utimes(older.fsPath, hourAgo, hourAgo);
      const webview = vscode.window.createWebviewPanel('describeImage.paste', 'Paste Screenshot', vscode.ViewColumn.Active, {});
      const panel = await api.revivePastePanel(webview, { prompt: 'Describe', detail: 'auto', panelId, images: [{ id: id(first), name: 'image.png' }] });
      assert.deepEqual(
        panel.files().map((u) => u.path.split('/').pop()),
        ['image.png', 'dialog.png'],
        'both images, in the order they were pasted',
      );
      webview.dispose();
      await until('closing it deleted its folder', async () => !(await Promise.resolve(vscode.workspace.fs.stat(store.folder(panelId))).then(() => false, () => true)));
    });
  });

  it('never writes the key to the log, a document or a message', async () => {
    server.script.push({ status: 400, headers: { 'content-type': 'application/json' }, body: { error: { code: 'BadRequest', message: `echo api-key=${server.key}` } } });
    await describe_(workspaceImage('ui.png'));
    const everything = [
      ...api.recentLog(),
      ...ui.messages.map((m) => m.message),
      ...vscode.workspace.textDocuments.map((d) => d.getText()),
    ].join('\n');
    assert.ok(everything.includes('[REDACTED]'), 'the echoed key was redacted');
    assert.ok(!everything.includes(server.key), 'the key appears nowhere');
  });

  it('with both keys set (Azure and an OpenAI-compatible server), neither reaches the log or a message', async () => {
    const openAiKey = `sk-other-provider-${Date.now().toString(36)}`;
    await configure({ provider: 'openai' });
    try {
      await vscode.commands.executeCommand('describeImage.setApiKey', openAiKey);
    } finally {
      await configure({ provider: undefined });
    }
    try {
      // The Azure key is the one in use (the key store refreshes the log's list; using the key must not shrink it).
      await vscode.commands.executeCommand('describeImage.setApiKey', server.key);
      // One describe first, so that whatever the key store does after a change has happened.
      assert.ok(await describe_(workspaceImage('ui.png')), ui.errors().join('\n'));
      server.script.push({ status: 400, headers: { 'content-type': 'application/json' }, body: { error: { code: 'BadRequest', message: `echo api-key=${server.key} other=${openAiKey}` } } });
      await describe_(workspaceImage('ui.png'));
      const everything = [...api.recentLog(), ...ui.messages.map((m) => m.message)].join('\n');
      assert.match(everything, /echo api-key=\[REDACTED\] other=\[REDACTED\]/);
      assert.ok(!everything.includes(server.key), 'no Azure key');
      assert.ok(!everything.includes(openAiKey), 'no OpenAI-compatible key');
    } finally {
      await configure({ provider: 'openai' });
      await vscode.commands.executeCommand('describeImage.clearApiKey');
      await configure({ provider: undefined });
    }
  });

  it('works with the image preview as the active editor', async () => {
    await vscode.commands.executeCommand('vscode.open', workspaceImage('ui.png'));
    await new Promise((r) => setTimeout(r, 500));
    const doc = await describe_();
    assert.ok(doc, ui.errors().join('\n'));
    assert.match(doc.getText(), /^# Description of ui\.png/);
    assert.equal(path.basename(workspaceImage('ui.png').path), 'ui.png');
  });
});
