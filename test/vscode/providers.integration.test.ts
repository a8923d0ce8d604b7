/**
 * Beyond Azure, inside the real VS Code: the language models already in VS Code (a test-only extension registers an
 * image-capable one, "Example Vision Model", and a text-only one through vscode.lm.registerLanguageModelChatProvider),
 * and an OpenAI-compatible server on this machine (Ollama-like: no key, max_tokens only).
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { revertAll } from './workbench';
import type { TestApi } from '../../src/extension';
import { OpenAiLikeServer } from '../support/openaiServer';
import { StubUi } from './stubUi';

interface LmRequest {
  model: string;
  parts: { kind: string; mime?: string; bytes?: number; text?: string }[];
  cancelled: boolean;
}

const ollama = new OpenAiLikeServer({ models: ['llava', 'qwen2.5vl'], knowsMaxCompletionTokens: false, streamUsage: false });
let api: TestApi;
let ui: StubUi;

const folder = () => vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file('/');
const image = (name = 'ui.png') => vscode.Uri.joinPath(folder(), 'images', name);
const describe_ = (uri = image()) => vscode.commands.executeCommand<vscode.TextDocument | undefined>('describeImage.describe', uri);
const lmRequests = () => vscode.commands.executeCommand<LmRequest[]>('describeImageTest.lmRequests');

async function configure(values: Record<string, unknown>): Promise<void> {
  const c = vscode.workspace.getConfiguration('describeImage');
  for (const [k, v] of Object.entries(values)) await c.update(k, v, vscode.ConfigurationTarget.Global);
}

describe('Beyond Azure: language models in VS Code and OpenAI-compatible servers', () => {
  before(async () => {
    await ollama.start();
    const exported = await vscode.extensions.getExtension<TestApi>('describe-image.describe-image')?.activate();
    assert.ok(exported);
    api = exported;
  });
  after(async () => {
    api.setUi(undefined);
    await configure({ provider: undefined, 'vscode.model': undefined, 'openai.baseUrl': undefined, 'openai.model': undefined });
    await vscode.commands.executeCommand('describeImageTest.setLmBehaviour', {});
    await ollama.stop();
  });
  beforeEach(async () => {
    ui = new StubUi();
    api.setUi(ui);
    ollama.requests.length = 0;
    await vscode.commands.executeCommand('describeImageTest.setLmBehaviour', {});
    await revertAll();
  });

  describe("VS Code's language models", () => {
    beforeEach(() => configure({ provider: 'vscode', 'vscode.model': undefined }));

    it('the first describe asks which image-capable model (text-only ones are not offered), then streams its answer', async () => {
      ui.picks.push('Example Vision Model');
      await vscode.commands.executeCommand('describeImageTest.setLmBehaviour', { chunkDelayMs: 40 });
      const before = (await lmRequests()).length;
      const changes: string[] = [];
      const sub = vscode.workspace.onDidChangeTextDocument((e) => e.document.isUntitled && changes.push(e.document.getText()));
      let doc: vscode.TextDocument | undefined;
      try {
        doc = await describe_();
      } finally {
        sub.dispose();
      }
      assert.ok(doc, ui.errors().join('\n'));
      const offered = ui.quickPicks[0]?.items ?? [];
      assert.ok(offered.includes('Example Vision Model'), offered.join(', '));
      assert.ok(!offered.includes('Test Text Model'), 'a model without image input is not offered');
      const [req] = (await lmRequests()).slice(before);
      assert.equal(req?.model, 'example-vision');
      const data = req?.parts.filter((p) => p.kind === 'data') ?? [];
      assert.deepEqual(data, [{ kind: 'data', mime: 'image/png', bytes: 970 }], 'the image bytes as a data part with its MIME type');
      assert.match(req?.parts.find((p) => p.kind === 'text')?.text ?? '', /Describe this image in detail\./);
      assert.match(doc.getText(), /The test vision model saw 1 image\(s\): image\/png of 970 bytes/);
      assert.ok(changes.some((t) => t.includes('test vision model') && !t.includes('Finish reason')), 'the answer streamed into the document');
      assert.match(doc.getText(), /\*\*Token usage:\*\* not reported/);
      assert.match(doc.getText(), /VS Code's language model API reports no token usage and no finish reason/);
      assert.equal(vscode.workspace.getConfiguration('describeImage').get('vscode.model'), 'example-vision', 'the choice is remembered');
      // A second describe asks nothing.
      const asked = ui.quickPicks.length;
      assert.ok(await describe_());
      assert.equal(ui.quickPicks.length, asked);
    });

    it('a screen recording (animated GIF) goes as its chosen frames, after a text part that says which they are', async () => {
      await configure({ 'vscode.model': 'example-vision' });
      const before = (await lmRequests()).length;
      const doc = await describe_(image('recording.gif'));
      assert.ok(doc, ui.errors().join('\n'));
      const [req] = (await lmRequests()).slice(before);
      assert.deepEqual(req?.parts.map((p) => p.kind), ['text', 'text', 'data', 'data', 'data']);
      assert.equal(req?.parts[1]?.text, 'These 3 images are frames 1, 21 and 36 of a 4.5-second animated GIF of 45 frames, in time order (at 0.0 s, 2.0 s and 3.5 s). Describe what happens.');
      assert.ok(req?.parts.filter((p) => p.kind === 'data').every((p) => p.mime === 'image/png'));
      assert.match(doc.getText(), /saw 3 image\(s\)/);
      assert.match(doc.getText(), /- \*\*Frames sent:\*\* recording\.gif: frames 1, 21 and 36 of 45 \(0\.0 s … 3\.5 s\) of a 4\.5-second animated GIF, sent as 3 images/);
    });

    it('Cancel stops the model (through the cancellation token) and keeps what came', async () => {
      await configure({ 'vscode.model': 'example-vision' });
      await vscode.commands.executeCommand('describeImageTest.setLmBehaviour', { chunkDelayMs: 150 });
      ui.cancelAfterMs = 700;
      const opened: vscode.TextDocument[] = [];
      const sub = vscode.workspace.onDidOpenTextDocument((d) => opened.push(d));
      try {
        assert.equal(await describe_(), undefined);
      } finally {
        sub.dispose();
      }
      await new Promise((r) => setTimeout(r, 400));
      const last = (await lmRequests()).at(-1);
      assert.equal(last?.cancelled, true, 'the model saw the cancellation');
      const doc = opened.find((d) => d.isUntitled && d.languageId === 'markdown');
      assert.match(doc?.getText() ?? '', /The test vision/);
      assert.match(doc?.getText() ?? '', /\*\*Cancelled:\*\*/);
      assert.deepEqual(ui.errors(), []);
    });

    it('a LanguageModelError becomes a clear message with Choose Model', async () => {
      await configure({ 'vscode.model': 'example-vision' });
      await vscode.commands.executeCommand('describeImageTest.setLmBehaviour', { fail: 'NoPermissions' });
      assert.equal(await describe_(), undefined);
      const error = ui.messages.find((m) => m.level === 'error');
      assert.match(error?.message ?? '', /VS Code did not allow Describe Image to use Example Vision Model/);
      assert.ok(error?.items.includes('Choose Model'));
    });

    it('alt text works with a VS Code model too', async () => {
      await configure({ 'vscode.model': 'example-vision' });
      await vscode.commands.executeCommand('describeImageTest.setLmBehaviour', { answer: 'Image of a settings dialog.' });
      const uri = vscode.Uri.joinPath(folder(), 'docs', 'quick.md');
      const doc = await vscode.workspace.openTextDocument(uri);
      const offset = doc.getText().indexOf('![](../images/ui.png)');
      assert.equal(await vscode.commands.executeCommand('describeImage.generateAltText', uri, offset), true, ui.messages.map((m) => m.message).join(' | '));
      assert.match(doc.getText(), /!\[A settings dialog\.\]\(\.\.\/images\/ui\.png\)/);
    });
  });

  describe('an OpenAI-compatible server on this machine (Ollama-like)', () => {
    beforeEach(() => configure({ provider: 'openai', 'openai.baseUrl': ollama.url, 'openai.model': undefined }));

    it('Choose Model lists the server\'s models and the VS Code models, each saying where images go', async () => {
      ui.picks.push('llava');
      assert.ok(await vscode.commands.executeCommand('describeImage.chooseModel'));
      const items = ui.quickPicks[0]?.items ?? [];
      for (const expected of ['llava', 'qwen2.5vl', 'Example Vision Model']) assert.ok(items.some((i) => i.endsWith(expected)), `${expected} in ${items.join(', ')}`);
      assert.equal(vscode.workspace.getConfiguration('describeImage').get('openai.model'), 'llava');
      assert.equal(vscode.workspace.getConfiguration('describeImage').get('provider'), 'openai');
    });

    it('describes with no key, max_tokens after the server refuses max_completion_tokens', async () => {
      await configure({ 'openai.model': 'llava' });
      const doc = await describe_();
      assert.ok(doc, ui.errors().join('\n'));
      assert.match(doc.getText(), /The model llava saw 1 image\(s\): a 160x100 image\/png/);
      assert.deepEqual(
        ollama.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => [r.headers['authorization'], 'max_tokens' in (r.body ?? {}), r.status]),
        [
          [undefined, false, 400],
          [undefined, true, 200],
        ],
      );
    });
  });
});
