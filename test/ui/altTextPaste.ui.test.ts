/**
 * Paste an image into a Markdown file, then pick "Insert image with generated alt text" from the paste options: the
 * option is an explicit choice (nothing is sent before it is picked), the image is saved beside the document and
 * linked with the alt text the service wrote.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import type { Page } from 'playwright-core';
import { image } from '../support/paths';
import { startSession, type Harness, type Session } from './harness';

describe('Paste an image into Markdown with generated alt text', function () {
  let session: Session;
  let h: Harness;
  let page: Page;

  before(async function () {
    // Behind a corporate proxy: the resource's host is known only to the proxy, its certificate is from a private CA.
    session = await startSession('ui-alt-paste', { configured: true, network: true, answer: () => 'A picture of a settings dialog with a Save button.' });
    ({ h, page } = session);
  });

  after(() => session?.close());

  it('paste an image, then pick "Insert image with generated alt text" from the paste options', async function () {
    const png = (await fs.readFile(image('ui.png'))).toString('base64');
    await h.explorerRow(page, 'README.md').click();
    const editor = page.locator('.editor-instance .monaco-editor').first();
    const lines = editor.locator('.view-lines');
    await lines.filter({ hasText: 'Fixture workspace' }).waitFor({ timeout: 30_000 });
    // VS Code's own Markdown features (and their image paste) are ready once the breadcrumbs show the heading.
    await page.locator('.breadcrumbs-control').filter({ hasText: 'Fixture workspace' }).waitFor({ timeout: 30_000 });
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    // A real paste event carrying the image, on the editor's input element, as the browser sends for Ctrl+V.
    await page.evaluate((b64) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'image.png', { type: 'image/png' }));
      (document.activeElement ?? document.body).dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, png);
    // VS Code applies the default insert (its own image paste, or our plain one when its own is not ready) and offers
    // the others in the paste widget. Ours is never the default: nothing is sent until the user picks it.
    const widget = page.locator('.post-edit-widget').first();
    await widget.waitFor({ timeout: 30_000 });
    await lines.filter({ hasText: 'image.png' }).waitFor({ timeout: 30_000 });
    await h.screenshot(page, 'alt-text-paste-1');
    assert.equal(session.azure.requests.length, 0, 'nothing was sent before the user chose the option');
    await widget.click();
    const option = page.locator('.action-widget .monaco-list-row').filter({ hasText: 'Insert image with generated alt text' });
    await option.waitFor({ timeout: 20_000 });
    await h.screenshot(page, 'alt-text-paste-options');
    await option.click();
    await lines.filter({ hasText: 'A settings dialog with a Save button.' }).waitFor({ timeout: 30_000 });
    const text = (await lines.innerText()).replace(/[\s\u00a0]+/g, ' ');
    assert.match(text, /!\[A settings dialog with a Save button\.\]\(image\.png\)/);
    assert.equal(session.azure.requests.length, 1);
    assert.equal(session.proxy?.tunnels.length, 1, 'the paste path went through VS Code\'s proxy setting');
    assert.match(session.azure.url, /^https:\/\/describe-image\.corp\.test:\d+$/);
  });
});
