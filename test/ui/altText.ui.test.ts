/**
 * Alt text in the real workbench: open a Markdown file, put the cursor on an image without alt text, open the light
 * bulb (Ctrl+.), choose "Generate alt text", and see the alt text appear.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { AzureLikeServer } from '../support/azureServer';
import { startSession, type Harness, type Session } from './harness';

describe('Alt text quick fix, as a person uses it', function () {
  let session: Session;
  let h: Harness;
  let azure: AzureLikeServer;
  let page: Page;

  before(async function () {
    session = await startSession('ui-alt', { configured: true, azure: new AzureLikeServer({ answer: () => 'Image of the settings dialog with a blue Save button.' }) });
    ({ h, azure, page } = session);
  });

  after(() => session?.close());

  it('light bulb → Generate alt text fills the image in the editor', async function () {
    await h.explorerRow(page, 'docs').click();
    await h.explorerRow(page, 'quick.md').click();
    const editor = page.locator('.editor-instance .monaco-editor').first();
    const lines = editor.locator('.view-lines');
    await lines.filter({ hasText: 'The settings dialog' }).waitFor({ timeout: 30_000 });
    // Put the cursor inside the image on line 5 (Ctrl+G, line number).
    await editor.click();
    await page.keyboard.press('Control+G');
    await h.answerInput(page, ':5:3');
    await page.keyboard.press('Control+.');
    const item = page.locator('.action-widget .monaco-list-row').filter({ hasText: 'Generate alt text' });
    await item.waitFor({ timeout: 20_000 });
    await h.screenshot(page, 'alt-text-lightbulb');
    await item.click();
    await lines.filter({ hasText: 'The settings dialog with a blue Save button.' }).waitFor({ timeout: 30_000 });
    const text = (await lines.innerText()).replace(/[\s\u00a0]+/g, ' ');
    assert.match(text, /!\[The settings dialog with a blue Save button\.\]\(\.\.\/images\/ui\.png\)/);
    assert.equal(azure.requests.length, 1);
    await h.screenshot(page, 'alt-text-filled');
  });
});
