/**
 * An agent's call of the describeImage tool in the real workbench: VS Code asks first, with our confirmation naming the
 * image and where it goes; Cancel sends nothing; continuing describes the image. (A test-only extension makes the call
 * as a chat participant would, outside a chat request, where VS Code asks in a dialog.)
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startSession, type Harness, type Session } from './harness';

describe('Agent tools, as a person approves them', function () {
  let session: Session;
  let h: Harness;
  let page: Page;

  before(async function () {
    session = await startSession('ui-tools', { configured: true });
    ({ h, page } = session);
  });
  after(() => session?.close());

  const dialog = () => page.locator('.monaco-dialog-box');

  it('asks before sending, naming the image and where it goes; Cancel sends nothing', async function () {
    await h.runCommand(page, 'Describe Image Test: Agent Describes images/ui.png');
    await dialog().waitFor({ timeout: 30_000 });
    const text = (await dialog().innerText()).replace(/\s+/g, ' ');
    assert.match(text, /Send images to describe them\?/);
    assert.match(text, /Describe Image will send images\/ui\.png\. They go to gpt-4o on 127\.0\.0\.1:\d+\./);
    await h.screenshot(page, 'tool-confirmation');
    await dialog().locator('.monaco-button').filter({ hasText: /^Cancel$/ }).click();
    await h.waitForNotification(page, 'Tool call ended');
    assert.equal(session.azure.requests.length, 0, 'nothing was sent');
  });

  it('shows a hostile file name as it is: no link, image, HTML or bold comes out of it', async function () {
    await h.runCommand(page, 'Describe Image Test: Agent Describes a File with a Hostile Name');
    await dialog().waitFor({ timeout: 30_000 });
    const message = dialog().locator('.dialog-message-detail, .dialog-message-text').last();
    const text = (await dialog().innerText()).replace(/\s+/g, ' ');
    assert.ok(text.includes('Describe Image will send images/a](https://evil.test)` **x** <img src=x>.png. They go to gpt-4o on'), text);
    assert.equal(await dialog().locator('a[href*="evil"], img, strong, h1, h2').count(), 0, await message.innerHTML());
    await dialog().locator('.monaco-button').filter({ hasText: /^Cancel$/ }).click();
    await h.waitForNotification(page, 'Tool call ended');
    assert.equal(session.azure.requests.length, 0, 'nothing was sent');
  });

  it('continuing describes the image', async function () {
    await h.runCommand(page, 'Describe Image Test: Agent Describes images/ui.png');
    await dialog().waitFor({ timeout: 30_000 });
    await dialog().locator('.monaco-button').filter({ hasNotText: /^Cancel$/ }).first().click();
    const editor = page.locator('.editor-instance .monaco-editor .view-lines');
    await editor.filter({ hasText: 'The fake model saw 1 image' }).waitFor({ timeout: 60_000 });
    assert.equal(session.azure.requests.length, 1);
  });
});
