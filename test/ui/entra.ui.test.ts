/**
 * Microsoft Entra ID in the real workbench, as a person meets it: the endpoint is set to use Entra ID, the person
 * right-clicks an image and chooses Describe Image, VS Code asks whether Describe Image may sign in with Microsoft
 * (the test-only extension stands in for the Microsoft sign-in, under its id "microsoft"), the person allows it, and
 * the description opens — the token reached the server as Authorization: Bearer, with no api-key.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { AzureLikeServer } from '../support/azureServer';
import { startSession, type Harness, type Session } from './harness';

describe('Sign in with Microsoft Entra ID, as a person does', function () {
  const token = `test-entra-token-${Date.now().toString(36)}`;
  let session: Session;
  let h: Harness;
  let page: Page;
  let azure: AzureLikeServer;

  before(async function () {
    session = await startSession('ui-entra', {
      configured: true,
      setKey: false,
      azure: new AzureLikeServer({ tokens: [token] }),
      machineSettings: { 'describeImage.authentication': 'entraId', 'describeImage.entraTenant': 'contoso.onmicrosoft.com' },
      env: { DESCRIBE_IMAGE_TEST_ENTRA_TOKEN: token },
    });
    ({ h, page, azure } = session);
  });

  after(() => session?.close());

  it('Describe Image → VS Code asks to sign in with Microsoft → Allow → the description, sent with the token', async function () {
    await h.explorerRow(page, 'images').click();
    await h.pickFromContextMenu(page, 'ui.png', 'Describe Image');
    const dialog = page.locator('.monaco-dialog-box').filter({ hasText: 'wants to sign in using Microsoft (test)' });
    await dialog.waitFor({ timeout: 30_000 });
    await h.screenshot(page, 'entra-sign-in');
    assert.equal(azure.requests.length, 0, 'nothing is sent before the person allows the sign-in');
    await dialog.getByRole('button', { name: 'Allow' }).click();
    const editor = page.locator('.editor-instance .monaco-editor .view-lines');
    await editor.filter({ hasText: 'The fake model saw 1 image' }).waitFor({ timeout: 60_000 });
    await h.screenshot(page, 'entra-result');
    const [req] = azure.requests;
    assert.equal(req?.headers['authorization'], `Bearer ${token}`);
    assert.equal(req?.headers['api-key'], undefined);
    assert.equal(req?.path, '/openai/v1/chat/completions');
    assert.ok(!(await editor.innerText()).includes(token), 'the token is not in the document');
  });
});
