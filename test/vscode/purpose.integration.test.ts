/**
 * The purpose quick fixes in a real VS Code against the Azure-like server: "Mark as decorative" writes alt="" on an
 * HTML image whose alt calls it decorative (no request), and is not offered on a Markdown image; "Add a long
 * description" asks once and writes the short alt plus a <details> block after the image's paragraph.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import type { TestApi } from '../../src/extension';
import { AzureLikeServer } from '../support/azureServer';
import { StubUi } from './stubUi';
import { connectToServer, revertAll } from './altTextSetup';

const LONG = 'Requests go from the browser to the API gateway.\n\nThe gateway calls the </details> service {id}.';
const server = new AzureLikeServer({ answer: () => '```json\n' + JSON.stringify({ purpose: 'complex', alt: 'Architecture of the sample service', longDescription: LONG }) + '\n```' });
let api: TestApi;
let ui: StubUi;

function docsUri(name: string): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f);
  return vscode.Uri.joinPath(f.uri, 'docs', name);
}

async function actionsAt(doc: vscode.TextDocument, needle: string): Promise<vscode.CodeAction[]> {
  const at = doc.positionAt(doc.getText().indexOf(needle) + 1);
  let actions: vscode.CodeAction[] = [];
  // The first request can come before the language features are ready: ask again briefly.
  for (let i = 0; i < 20 && !actions.length; i++) {
    actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(at, at))) ?? [];
    if (!actions.length) await new Promise((r) => setTimeout(r, 100));
  }
  return actions;
}

async function run(action: vscode.CodeAction | undefined, all: readonly vscode.CodeAction[]): Promise<unknown> {
  assert.ok(action?.command, all.map((a) => a.title).join(', '));
  return vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

describe('Purpose quick fixes in VS Code', () => {
  before(async () => {
    await revertAll();
    api = await connectToServer(server);
  });
  after(async () => {
    api.setUi(undefined);
    await server.stop();
  });
  beforeEach(() => {
    ui = new StubUi();
    api.setUi(ui);
    server.requests.length = 0;
  });
  afterEach(revertAll);

  it('"Mark as decorative" writes alt="" on an HTML image (preferred where its alt says decorative); Markdown is not offered it', async () => {
    const uri = docsUri('purpose-decorative.html');
    await fs.writeFile(uri.fsPath, '<!doctype html>\n<p>Welcome</p>\n<img src="../images/ui.png" alt="Decorative background image.">\n');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const actions = await actionsAt(doc, '<img');
    const mark = actions.find((a) => a.title === 'Mark as decorative (alt="")');
    assert.equal(mark?.isPreferred, true);
    assert.equal(await run(mark, actions), true, ui.messages.map((m) => m.message).join(' | '));
    assert.match(doc.getText(), /<img src="\.\.\/images\/ui\.png" alt="">/);
    assert.equal(server.requests.length, 0, 'nothing is sent');

    const mdUri = docsUri('purpose-decorative.md');
    await fs.writeFile(mdUri.fsPath, '# Welcome\n\n![](../images/ui.png)\n');
    const md = await vscode.workspace.openTextDocument(mdUri);
    await vscode.window.showTextDocument(md);
    const mdActions = await actionsAt(md, '![](../images/ui.png)');
    assert.ok(mdActions.some((a) => a.title === 'Generate alt text'), mdActions.map((a) => a.title).join(', '));
    assert.ok(!mdActions.some((a) => a.title.startsWith('Mark as decorative')), 'Markdown has no decorative image');
  });

  it('"Add a long description" asks once and writes the short alt and a <details> block after the paragraph', async () => {
    const uri = docsUri('purpose-long.md');
    await fs.writeFile(uri.fsPath, '# Architecture\n\nHow a request flows:\n\n![](../images/ui.png)\n\nThe end.\n');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const actions = await actionsAt(doc, '![](../images/ui.png)');
    assert.equal(await run(actions.find((a) => a.title === 'Add a long description'), actions), true, ui.messages.map((m) => m.message).join(' | '));
    assert.equal(server.requests.length, 1);
    assert.equal(
      doc.getText(),
      '# Architecture\n\nHow a request flows:\n\n![Architecture of the sample service](../images/ui.png)\n\n<details>\n<summary>Image description</summary>\n\nRequests go from the browser to the API gateway.\n\nThe gateway calls the \\</details> service {id}.\n\n</details>\n\nThe end.\n',
    );
  });
});
