/**
 * Alt text in the real workbench, in a fresh window where no command of ours has run yet (the quick fix must exist
 * without one: the extension starts after VS Code has started, or when a Markdown file opens): open a Markdown file, put the
 * cursor on an image without alt text, click the light bulb, choose "Generate alt text"; the first use asks
 * for the key (Set API Key in the warning), then the alt text appears.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { AzureLikeServer, type RecordedRequest } from '../support/azureServer';
import { startSession, type Harness, type Session } from './harness';

describe('Alt text quick fix, as a person uses it', function () {
  // The second test needs the key the first one sets: stop at the first failure so a red run reads clearly.
  this.bail(true);
  let session: Session;
  let h: Harness;
  let azure: AzureLikeServer;
  let page: Page;

  before(async function () {
    // Each image gets alt text for what it shows (these screens are the README's pictures): ui.png (160×100) is a
    // dialog mock-up, photo.jpg (120×80) a colour gradient.
    const answer = (req: RecordedRequest) =>
      req.images[0]?.width === 120 ? 'Image of a colour gradient from green through grey to red, with a yellow arc in the lower right.' : 'Image of the settings dialog with a blue Save button.';
    session = await startSession('ui-alt', { configured: true, installed: true, setKey: false, azure: new AzureLikeServer({ answer }) });
    ({ h, azure, page } = session);
  });

  after(() => session?.close());

  it('light bulb → Generate alt text fills the image in the editor', async function () {
    await h.explorerRow(page, 'docs').click();
    await h.explorerRow(page, 'quick.md').click();
    const editor = page.locator('.editor-instance .monaco-editor').first();
    const lines = editor.locator('.view-lines');
    await lines.filter({ hasText: 'The settings dialog' }).waitFor({ timeout: 30_000 });
    // Put the cursor inside the image: click on its text, as a person does.
    await lines.locator('.view-line').filter({ hasText: '![](../images/ui.png)' }).locator('span').first().click();
    // As a person does: wait for the light bulb at the cursor (it appears once the extension offers a fix there),
    // then click it. (Not Ctrl+.: in the web workbench a key whose meaning
    // depends on the keyboard layout, such as '.', is dispatched through a layout the workbench is still learning from
    // key events; twice in clean-clone runs the first Ctrl+. of a window opened nothing at all.)
    const bulb = page.locator('.monaco-editor [class*="codicon-light-bulb"], .monaco-editor [class*="codicon-lightbulb"]').first();
    await bulb.waitFor({ timeout: 30_000 });
    await bulb.click();
    const item = page.locator('.action-widget .monaco-list-row').filter({ hasText: 'Generate alt text' });
    // VS Code answers with the fixes, or with a short message (e.g. "No code actions available"): say which.
    const message = page.locator('.monaco-editor-overlaymessage');
    await item.or(message).first().waitFor({ timeout: 20_000 });
    if (!(await item.isVisible())) {
      await h.screenshot(page, 'alt-text-no-fix');
      assert.fail(`The light bulb showed no fixes but "${(await message.first().innerText().catch(() => '')).trim()}"; the action list: ${await page.locator('.action-widget').innerText().catch(() => '(none)')}`);
    }
    await h.screenshot(page, 'alt-text-lightbulb');
    await item.click();
    // First use: no key yet. The warning offers Set API Key; the masked box takes it and the quick fix goes on.
    const setKey = page.locator('.notification-toast, .notifications-center').getByRole('button', { name: 'Set API Key' });
    await h.waitForNotification(page, 'No API key is set');
    if (!(await setKey.first().isVisible())) await h.runCommand(page, 'Notifications: Show Notifications');
    await setKey.first().click();
    await h.answerInput(page, azure.key);
    await lines.filter({ hasText: 'The settings dialog with a blue Save button.' }).waitFor({ timeout: 30_000 });
    const text = (await lines.innerText()).replace(/[\s\u00a0]+/g, ' ');
    assert.match(text, /!\[The settings dialog with a blue Save button\.\]\(\.\.\/images\/ui\.png\)/);
    assert.equal(azure.requests.length, 1);
    await h.screenshot(page, 'alt-text-filled');
  });

  it('Fill Missing Alt Text in Workspace: review the change in the refactor preview, tick it, Apply', async function () {
    await fs.writeFile(path.join(session.workspace, 'docs', 'review.md'), '# Review\n\nThe photo: ![](../images/photo.jpg)\n');
    const before = azure.requests.length;
    await h.runCommand(page, 'Describe Image: Fill Missing Alt Text in Workspace');
    const generate = page.locator('.notification-toast, .notifications-center').getByRole('button', { name: 'Generate' });
    await h.waitForNotification(page, 'without alt text');
    if (!(await generate.first().isVisible())) await h.runCommand(page, 'Notifications: Show Notifications');
    await generate.first().click();
    const panel = page.locator('.bulk-edit-panel, [id="refactorPreview"]').first();
    await panel.waitFor({ timeout: 30_000 });
    // The change waits, unticked: Apply does nothing until the person ticks it.
    const tick = panel.locator('.monaco-list-row .edit-checkbox').first();
    await tick.waitFor();
    assert.equal(await tick.getAttribute('aria-checked'), 'false');
    await h.screenshot(page, 'alt-text-review');
    assert.equal(azure.requests.length, before + 1);
    await tick.click();
    assert.equal(await tick.getAttribute('aria-checked'), 'true');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await panel.waitFor({ state: 'hidden', timeout: 30_000 });
    await h.explorerRow(page, 'review.md').click();
    const lines = page.locator('.editor-instance .monaco-editor .view-lines').first();
    await lines.filter({ hasText: 'The photo:' }).waitFor({ timeout: 30_000 });
    assert.match((await lines.innerText()).replace(/[\s\u00a0]+/g, ' '), /The photo: !\[A colour gradient from green through grey to red, with a yellow arc in the lower right\.\]\(\.\.\/images\/photo\.jpg\)/);
  });
});
