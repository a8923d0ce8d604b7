/**
 * "Describe Image: Verify Alt Text in This File" inside VS Code against the Azure-like server, on the docs tree with
 * exactly one wrong alt text: the cost is confirmed before sending (declined: nothing is sent), the one mismatch
 * becomes an alt-mismatch diagnostic whose quick fix writes the suggestion, and a rerun sends nothing and asks nothing;
 * with VS Code's own language models (the test extension's "Example Vision Model") it works the same.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestApi } from '../../src/extension';
import { AzureLikeServer } from '../support/azureServer';
import { SUGGESTED_ALT, verifyModel, WRONG_ALT, writeVerifyTree } from '../support/verifyDocs';
import { StubUi } from './stubUi';
import { folder, revertAll, connectToServer } from './altTextSetup';

const server = new AzureLikeServer({ answer: (req) => verifyModel(req) });
let api: TestApi;
let ui: StubUi;

const mismatches = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'alt-mismatch');

interface Report {
  readonly findings: readonly { readonly rule: string; readonly suggestion?: string }[];
  readonly summary: { readonly sent: number; readonly cached: number };
}

describe('Verify Alt Text in This File', () => {
  before(async () => {
    api = await connectToServer(server);
    await writeVerifyTree(vscode.Uri.joinPath(folder(), 'verify').fsPath);
  });
  after(async () => {
    api.setUi(undefined);
    await server.stop();
  });
  beforeEach(async () => {
    ui = new StubUi();
    api.setUi(ui);
    server.requests.length = 0;
    await revertAll();
  });

  it('declined at the confirmation: nothing is sent, no diagnostic', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'verify', 'docs', 'guide', 'install.md');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const report = await vscode.commands.executeCommand<Report | undefined>('describeImage.verifyAltText');
    assert.equal(report, undefined);
    assert.match(ui.messages[0]?.message ?? '', /^Verify the alt text of 1 image\(s\) in verify\/docs\/guide\/install\.md\? This sends 1 request\(s\) with the images to .+ \(0 answered from the cache\)\.$/);
    assert.deepEqual(ui.messages[0]?.items, ['Send']);
    assert.equal(server.requests.length, 0);
    assert.deepEqual(mismatches(uri), []);
  });

  it('confirmed: the one wrong alt text is a diagnostic with the quick fix that writes the suggestion; a rerun sends nothing', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'verify', 'docs', 'guide', 'notify.md');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    ui.answers.push({ match: /^Verify the alt text of 1 image\(s\)/, pick: 'Send' });
    const report = await vscode.commands.executeCommand<Report | undefined>('describeImage.verifyAltText');
    assert.deepEqual(report?.findings.map((f) => [f.rule, f.suggestion]), [['alt-mismatch', SUGGESTED_ALT]], ui.messages.map((m) => m.message).join(' | '));
    assert.equal(server.requests.length, 1);
    const [d] = mismatches(uri);
    assert.ok(d);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.ok(d.message.includes(WRONG_ALT) && d.message.includes(SUGGESTED_ALT), d.message);
    assert.ok(ui.messages.some((m) => /^1 alt text\(s\) do not describe their image/.test(m.message)));

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range);
    const replace = actions.find((a) => a.title === 'Replace with suggested alt text');
    assert.ok(replace?.edit, actions.map((a) => a.title).join(', '));
    assert.equal(await vscode.workspace.applyEdit(replace.edit), true);
    assert.match(doc.getText(), new RegExp(`\\n!\\[${SUGGESTED_ALT}\\]\\(\\.\\./img/viewlet\\.png\\)\\n`));
    for (let i = 0; i < 40 && mismatches(uri).length; i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(mismatches(uri), [], 'the diagnostic goes with the alt text it was about');

    await vscode.commands.executeCommand('workbench.action.files.revert');
    ui.messages.length = 0;
    const again = await vscode.commands.executeCommand<Report | undefined>('describeImage.verifyAltText');
    assert.equal(server.requests.length, 1, 'the rerun sends nothing');
    assert.equal(again?.summary.cached, 1);
    assert.ok(!ui.messages.some((m) => /^Verify the alt text/.test(m.message)), 'nothing to confirm when nothing is sent');
    assert.equal(mismatches(uri).length, 1);
  });

  it("with a VS Code language model: the same question, the model's answer read the same way", async () => {
    const c = vscode.workspace.getConfiguration('describeImage');
    await c.update('provider', 'vscode', vscode.ConfigurationTarget.Global);
    await c.update('vscode.model', 'example-vision', vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('describeImageTest.setLmBehaviour', { answer: `**Verdict:** Mismatch\n**Suggestion:** ${SUGGESTED_ALT}` });
      const uri = vscode.Uri.joinPath(folder(), 'verify', 'docs', 'guide', 'notify.md');
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      ui.answers.push({ match: /^Verify the alt text of 1 image\(s\).*Example Vision Model/, pick: 'Send' });
      const report = await vscode.commands.executeCommand<Report | undefined>('describeImage.verifyAltText');
      assert.deepEqual(report?.findings.map((f) => f.suggestion), [SUGGESTED_ALT], ui.messages.map((m) => m.message).join(' | '));
      const asked = await vscode.commands.executeCommand<{ parts: { kind: string; text?: string }[] }[]>('describeImageTest.lmRequests');
      assert.ok(asked.at(-1)?.parts.some((p) => p.text?.includes(JSON.stringify(WRONG_ALT))), 'the alt text is in the question');
      assert.equal(server.requests.length, 0, 'nothing went to Azure');
    } finally {
      await vscode.commands.executeCommand('describeImageTest.setLmBehaviour', {});
      await c.update('provider', undefined, vscode.ConfigurationTarget.Global);
      await c.update('vscode.model', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
