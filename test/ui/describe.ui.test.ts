/**
 * The workbench driven as a person would, with Playwright: configure the endpoint and key from the command palette,
 * right-click an image in the Explorer, choose Describe Image, and read the description in the new Markdown tab.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { AzureLikeServer } from '../support/azureServer';
import { startSession, type Harness, type Session } from './harness';

/** What a vision model says about images/ui.png (a light dialog mock-up with a blue button), for the pictures. */
const EXAMPLE_ANSWER =
  'A small application dialog on a light grey background. A dark title bar runs across the top with a red close ' +
  'button at its left end. Below it are a bold heading and two shorter lines of grey placeholder text; a rounded blue ' +
  'button sits in the bottom-right corner. No words are legible: it is a wireframe-style mock-up rather than a real screen.';

describe('Describe Image, as a person uses it', function () {
  let session: Session;
  let h: Harness;
  let azure: AzureLikeServer;
  let page: Page;

  before(async function () {
    // Not configured: this test sets the endpoint and key from the command palette itself. Installed, with the answer
    // a vision model gives for ui.png: its screens are the README's pictures (where the answer is labelled an example).
    session = await startSession('ui-describe', { configured: false, installed: true, answer: () => EXAMPLE_ANSWER });
    ({ h, azure, page } = session);
  });

  after(async function () {
    if (page) await h.screenshot(page, 'describe-final').catch(() => undefined);
    await session?.close();
  });

  it('configures the endpoint and key from the command palette', async function () {
    await h.runCommand(page, 'Describe Image: Configure Endpoint');
    await h.answerInput(page, azure.targetUri('gpt-4o', '2024-10-21'));
    // How to authenticate: a quick pick (API key, or Microsoft Entra ID).
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Microsoft Entra ID' }).waitFor();
    await h.screenshot(page, 'configure-endpoint-auth');
    await h.answerInput(page, 'API key');
    assert.match(await h.waitForNotification(page, 'Endpoint saved'), /Endpoint saved: http:\/\/127\.0\.0\.1:\d+, deployment gpt-4o/);

    await h.runCommand(page, 'Describe Image: Set API Key');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    assert.equal(await input.getAttribute('type'), 'password', 'the key is typed into a masked box');
    await h.answerInput(page, azure.key);
    await h.waitForNotification(page, 'API key saved in secret storage');
  });

  it('right-click an image in the Explorer, Describe Image, and read the Markdown tab', async function () {
    await h.explorerRow(page, 'images').click();
    await h.pickFromContextMenu(page, 'ui.png', 'Describe Image', { screenshot: 'describe-context-menu' });

    const editor = page.locator('.editor-instance .monaco-editor .view-lines');
    await editor.filter({ hasText: 'it is a wireframe-style mock-up rather than a real screen.' }).waitFor({ timeout: 60_000 });
    const text = (await editor.innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /Description of ui\.png/);
    assert.match(text, /Finish reason/);
    const tab = page.locator('.tabs-container .tab.active');
    assert.match(await tab.innerText(), /Untitled|Description/);
    await h.screenshot(page, 'describe-result');

    assert.equal(azure.requests.length, 1);
    assert.equal(azure.requests[0]?.images.length, 1);
    assert.equal(azure.requests[0]?.images[0]?.declaredMime, 'image/png');
    assert.equal(azure.requests[0]?.headers['api-key'], azure.key);
  });
});
