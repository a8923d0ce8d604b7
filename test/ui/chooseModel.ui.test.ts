/**
 * Choose Model in the real workbench: the status bar shows the model and where images go; clicking it lists the Azure
 * deployment, the models an OpenAI-compatible server on this machine lists, and VS Code's image-capable language models
 * (a test-only extension offers "Example Vision Model"); choosing one is remembered and the next describe uses it.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { OpenAiLikeServer } from '../support/openaiServer';
import { startSession, type Harness, type Session } from './harness';

describe('Choose Model, as a person uses it', function () {
  const ollama = new OpenAiLikeServer({ models: ['llava', 'qwen2.5vl'], knowsMaxCompletionTokens: false });
  let session: Session;
  let h: Harness;
  let page: Page;

  before(async function () {
    await ollama.start();
    session = await startSession('ui-choose-model', { configured: true, installed: true, machineSettings: { 'describeImage.openai.baseUrl': ollama.url } });
    ({ h, page } = session);
  });

  after(async () => {
    await session?.close();
    await ollama.stop();
  });

  it('the status bar shows where images go; the pick offers every kind of model; the choice is used', async function () {
    const status = page.locator('.statusbar-item').filter({ hasText: 'gpt-4o' }).first();
    await status.waitFor({ timeout: 30_000 });
    await status.click();
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'Example Vision Model' }).waitFor({ timeout: 30_000 });
    await rows.filter({ hasText: 'llava' }).waitFor();
    const texts = (await rows.allInnerTexts()).join('\n');
    assert.match(texts, /gpt-4o/);
    assert.match(texts, /Images stay on this machine/);
    await h.screenshot(page, 'choose-model');
    await page.locator('.quick-input-widget input').fill('Example Vision');
    await rows.filter({ hasText: 'Example Vision Model' }).first().click();
    await page.locator('.statusbar-item').filter({ hasText: 'example-vision' }).first().waitFor({ timeout: 30_000 });

    await h.explorerRow(page, 'images').click();
    await h.pickFromContextMenu(page, 'ui.png', 'Describe Image');
    const editor = page.locator('.editor-instance .monaco-editor .view-lines');
    await editor.filter({ hasText: 'The test vision model saw 1 image' }).waitFor({ timeout: 60_000 });
    assert.equal(session.azure.requests.length, 0, 'nothing went to Azure');
    await h.screenshot(page, 'choose-model-result');
  });
});
