/**
 * Extract Text from Image inside the real VS Code: the command on the shipped sample screenshot opens the text as a
 * Markdown document (with no endpoint, key or model configured), several images go in one document, Cancel stops the
 * reading without an error, and what is not an image is refused with a clear message.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { revertAll } from './workbench';
import type { TestApi } from '../../src/extension';
import { StubUi } from './stubUi';
import { markdownEvents } from '../../src/core/markdown';

const EXTENSION_ID = 'describe-image.describe-image';
let api: TestApi;
let ui: StubUi;
let sample: vscode.Uri;
const folder = () => vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file('/');
const extract = (...args: unknown[]) => vscode.commands.executeCommand<vscode.TextDocument | undefined>('describeImage.extractText', ...args);

describe('Extract Text from Image (on this machine)', () => {
  before(async () => {
    const ext = vscode.extensions.getExtension<TestApi>(EXTENSION_ID);
    assert.ok(ext);
    api = (await ext.activate()) as TestApi;
    sample = vscode.Uri.joinPath(ext.extensionUri, 'media', 'sample-screenshot.png');
  });
  after(() => api.setUi(undefined));
  beforeEach(async () => {
    ui = new StubUi();
    api.setUi(ui);
    await revertAll();
  });

  it('opens the text of a screenshot as Markdown, with nothing configured and nothing sent', async () => {
    const c = vscode.workspace.getConfiguration('describeImage');
    assert.equal(c.inspect('endpoint')?.globalValue ?? '', '', 'no endpoint is set for this test');
    const doc = await extract(sample);
    assert.ok(doc, ui.errors().join('\n'));
    assert.equal(doc.languageId, 'markdown');
    assert.equal(doc.isUntitled, true, 'nothing is written to disk');
    const text = doc.getText();
    for (const words of ['Settings — Acme Notes 2.4', 'Sync failed', 'Error: connect ECONNREFUSED 10.0.0.12:443', 'https://sync.acme.example/v2']) assert.ok(text.includes(words), `${words}\n${text}`);
    // The text is in a code block: read back by the Markdown parser, nothing in it is a link or HTML.
    const kinds = new Set(markdownEvents(text).filter(([kind]) => kind === 'enter').map(([, token]) => token.type));
    assert.ok(kinds.has('codeFenced'));
    assert.ok(!kinds.has('htmlFlow') && !kinds.has('htmlText'));
    assert.match(ui.progressTitles.at(-1) ?? '', /Reading the text in sample-screenshot\.png on this machine/);
    assert.deepEqual(ui.errors(), []);
    assert.ok(api.recentLog().some((l) => /Text read on this machine from sample-screenshot\.png: \d+ lines/.test(l)));
  });

  it('reads several images into one document, one section each', async () => {
    const doc = await extract(sample, [sample, vscode.Uri.joinPath(folder(), 'images', 'ui.png')]);
    assert.ok(doc, ui.errors().join('\n'));
    assert.match(doc.getText(), /# Text in sample-screenshot\.png[\s\S]*# Text in ui\.png/);
  });

  it('Cancel stops it quietly', async () => {
    ui.cancelAfterMs = 1;
    const doc = await extract(sample, [sample, sample, sample]);
    assert.equal(doc, undefined);
    assert.deepEqual(ui.errors(), [], 'a cancel is not an error');
  });

  it('says a damaged image (a JPEG cut short) is damaged, naming it, instead of reading garbage', async () => {
    const whole = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder(), 'images', 'photo.jpg'));
    const cut = vscode.Uri.joinPath(folder(), 'images', 'cut-for-text.jpg');
    await vscode.workspace.fs.writeFile(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    try {
      const doc = await extract(cut);
      assert.equal(doc, undefined);
      assert.match(ui.errors().join('\n'), /cut-for-text\.jpg: the image is damaged or cut short \(.+\); its text was not read\./);
    } finally {
      await vscode.workspace.fs.delete(cut);
    }
  });

  it('refuses what is not an image with a clear message', async () => {
    const file = vscode.Uri.joinPath(folder(), 'README.md');
    const doc = await extract(file);
    assert.equal(doc, undefined);
    assert.match(ui.errors().join('\n'), /README\.md is not an image/);
  });
});
