/**
 * The paste panel in the real workbench: a real paste event carrying a PNG inside the webview, the "review this UI
 * screenshot" preset, Ctrl+Enter, and the Markdown result; a paste of something that is not an image is refused.
 * Saves screenshots of the panel in the dark and the light theme.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import type { FrameLocator, Page } from 'playwright-core';
import type { AzureLikeServer } from '../support/azureServer';
import * as path from 'node:path';
import { image, repoRoot } from '../support/paths';
import { startSession, type Harness, type Session } from './harness';

/** Dispatch a paste event with these files inside the webview, as the browser does for Ctrl+V. */
async function pasteFiles(frame: FrameLocator, files: { name: string; type: string; base64: string }[]): Promise<void> {
  await frame.locator('#drop').evaluate((el, list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, files);
}

describe('Paste Screenshot panel, as a person uses it', function () {
  let session: Session;
  let h: Harness;
  let azure: AzureLikeServer;
  let page: Page;
  let panel: FrameLocator;

  before(async function () {
    session = await startSession('ui-paste', { configured: true, installed: true });
    ({ h, azure, page } = session);
  });

  after(() => session?.close());

  it('opens the panel, native-looking, with the presets and the deployment', async function () {
    await h.runCommand(page, 'Describe Image: Paste Screenshot…');
    panel = page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
    await panel.locator('#drop').waitFor({ timeout: 30_000 });
    assert.match(await panel.locator('#deployment').innerText(), /Model: gpt-4o — images stay on 127\.0\.0\.1:\d+/);
    const options = await panel.locator('#preset option').allInnerTexts();
    assert.deepEqual(options, ['Custom prompt', 'Describe', 'Alt text', 'Review this UI screenshot', 'Extract the visible text']);
  });

  it('refuses a paste that is not an image', async function () {
    await pasteFiles(panel, [{ name: 'notes.png', type: 'image/png', base64: Buffer.from('just some text, not a PNG').toString('base64') }]);
    await panel.locator('#notice').filter({ hasText: 'notes.png is not an image that can be described' }).waitFor({ timeout: 15_000 });
    assert.equal(await panel.locator('.image').count(), 0);
  });

  it('pastes a PNG, picks "review this UI screenshot", Ctrl+Enter, and opens the Markdown result', async function () {
    const png = await fs.readFile(image('ui.png'));
    await pasteFiles(panel, [{ name: 'image.png', type: 'image/png', base64: png.toString('base64') }]);
    const tile = panel.locator('.image').first();
    await tile.waitFor({ timeout: 15_000 });
    assert.match(await tile.innerText(), /image\.png[\s\S]*970 B · 160×100/);
    await panel.locator('#preset').selectOption('review-ui');
    assert.match(await panel.locator('#prompt').inputValue(), /^Review this UI screenshot/);
    await h.screenshot(page, 'paste-panel-dark');

    await panel.locator('#prompt').focus();
    await page.keyboard.press('Control+Enter');
    const editor = page.locator('.editor-instance .monaco-editor .view-lines');
    await editor.filter({ hasText: 'The fake model saw 1 image' }).waitFor({ timeout: 60_000 });
    const text = (await editor.innerText()).replace(/[\s\u00a0]+/g, ' ');
    assert.match(text, /It was asked: "Review this UI screenshot as a senior product designer/);
    assert.match(text, /Description of image\.png/);
    assert.equal(azure.requests.length, 1);
    assert.equal(azure.requests[0]?.images[0]?.bytes, png.length, 'the pasted bytes reached the service');
    await h.screenshot(page, 'paste-result');
  });

  it('pastes a screenshot with text and reads it on this machine: nothing is sent', async function () {
    const png = await fs.readFile(path.join(repoRoot, 'media', 'sample-screenshot.png'));
    await page.locator('.tabs-container .tab').filter({ hasText: 'Paste Screenshot' }).click();
    await panel.locator('#extract').waitFor();
    await pasteFiles(panel, [{ name: 'dialog.png', type: 'image/png', base64: png.toString('base64') }]);
    await panel.locator('.image').filter({ hasText: 'dialog.png' }).waitFor({ timeout: 15_000 });
    const sent = azure.requests.length;
    await panel.locator('#extract').click();
    const editor = page.locator('.editor-instance .monaco-editor .view-lines');
    await editor.filter({ hasText: 'Text in dialog.png' }).waitFor({ timeout: 60_000 });
    const text = (await editor.innerText()).replace(/[\s\u00a0]+/g, ' ');
    assert.match(text, /Sync failed Error: connect ECONNREFUSED 10\.0\.0\.12:443/);
    assert.match(text, /Read on this machine in \d+ ms/);
    assert.equal(azure.requests.length, sent, 'nothing went to the service');
    await h.screenshot(page, 'paste-extract-result');
    await page.locator('.tabs-container .tab').filter({ hasText: 'Paste Screenshot' }).click();
  });

  it('looks right in the light theme too', async function () {
    // As a person does it: Preferences: Color Theme, then pick the light theme.
    await h.runCommand(page, 'Preferences: Color Theme');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('Light Modern');
    await page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: 'Light Modern' }).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab').filter({ hasText: 'Paste Screenshot' }).click();
    await page.waitForFunction(() => document.querySelector('.monaco-workbench')?.classList.contains('vs'), undefined, { timeout: 20_000 });
    await panel.locator('.image').first().waitFor();
    await page.waitForTimeout(500);
    await h.screenshot(page, 'paste-panel-light');
  });

  it('a reload restores the panel with its images, kept in storage; closing the panel deletes them', async function () {
    const pasted = path.join(session.server.userDataDir, 'User', 'globalStorage', 'describe-image.describe-image', 'pasted');
    const kept = async () => (await fs.readdir(pasted, { recursive: true }).catch(() => [] as string[])).filter((f) => /\.(png|jpe?g)$/.test(f)).sort();
    const before = await kept();
    assert.deepEqual(before.map((f) => path.basename(f)).sort(), ['dialog.png', 'image.png'], `the two pasted images are kept: ${before.join(', ')}`);
    assert.equal(new Set(before.map((f) => f.split(path.sep)[0])).size, 1, 'in the panel\'s own folder');

    await page.reload();
    await h.waitForWorkbench(page);
    const tab = page.locator('.tabs-container .tab').filter({ hasText: 'Paste Screenshot' });
    await tab.click({ timeout: 30_000 });
    panel = page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
    await panel.locator('.image').filter({ hasText: 'dialog.png' }).waitFor({ timeout: 30_000 });
    assert.equal(await panel.locator('.image').count(), 2, 'both images are back');
    assert.match(await panel.locator('#prompt').inputValue(), /^Review this UI screenshot/, 'and the prompt');
    assert.deepEqual(await kept(), before, 'the reload deleted nothing');

    // The tab's close button, as a person closes the panel.
    await tab.hover();
    await tab.locator('.tab-actions .action-label').click();
    await tab.waitFor({ state: 'detached', timeout: 15_000 });
    for (let i = 0; i < 50 && (await kept()).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await kept(), [], 'closing the panel deleted its images');
  });
});
