/**
 * Alt text in the real workbench: open a Markdown file, put the cursor on an image without alt text, open the light
 * bulb (Ctrl+.), choose "Generate alt text", and see the alt text appear.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { AzureLikeServer } from '../support/azureServer';
import { fixture } from '../support/paths';
import { loadHarness, type CodeServer, type Harness } from './harness';

describe('Alt text quick fix, as a person uses it', function () {
  let h: Harness;
  let azure: AzureLikeServer;
  let server: CodeServer;
  let browser: Awaited<ReturnType<Harness['launchBrowser']>>;
  let page: Page;

  before(async function () {
    h = await loadHarness();
    azure = new AzureLikeServer({ answer: () => 'Image of the settings dialog with a blue Save button.' });
    await azure.start();
    const workspace = h.copyWorkspace(fixture('workspace'));
    server = await h.startCodeServer({ workspaceDir: workspace, name: 'ui-alt', machineSettings: { 'describeImage.endpoint': azure.url, 'describeImage.deployment': 'gpt-4o' } });
    browser = await h.launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(h.workbenchUrl(server, { folder: workspace }));
    await h.waitForWorkbench(page);
    await h.runCommand(page, 'Describe Image: Set API Key');
    await h.answerInput(page, azure.key);
    await h.waitForNotification(page, 'API key saved in secret storage');
  });

  after(async function () {
    await browser?.close();
    await server?.stop();
    await azure?.stop();
  });

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
