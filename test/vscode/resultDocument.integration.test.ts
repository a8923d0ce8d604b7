/**
 * Result documents are untitled, and VS Code gives a new untitled document the lowest free name (Untitled-1 again
 * once the previous result was closed). A dirty untitled document is backed up about a second after it changes; when
 * it is closed while that backup is being written, the backup outlives it, and VS Code restores it into the next
 * document that gets the same name: `openTextDocument({ content })` then hands back the closed document's text
 * instead of the content asked for. (This made "describes a multi-selection in one request" show the previous
 * test's "# Description of ui.png" under load.) A result document must show the result it was opened with.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { revertAll } from './workbench';
import { openResultDocument } from '../../src/vscode/base';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A long previous result (its backup takes a while to write, which is the window the fault needs). */
function previousResult(i: number): string {
  const paragraph = 'The screenshot shows a settings dialog with a blue Save button, a Cancel link and three toggles.\n';
  return `# Description of ui.png (${i})\n\n${paragraph.repeat(20_000)}`;
}

describe('Result documents', () => {
  beforeEach(revertAll);
  afterEach(revertAll);

  it('each shows its own text, even when the untitled name of a just-closed result (and its backup) is reused', async function () {
    this.timeout(180_000);
    let reused = 0;
    // Close the previous result at moments around its backup (~1 s after it was written), where the race is.
    for (let i = 0; i < 12; i++) {
      const before = await openResultDocument(previousResult(i), false);
      await sleep(950 + 25 * i);
      await revertAll();
      const content = `# Description of 3 images (${i})\n\nThe fake model saw 3 image(s): a PNG, a JPEG and a PNG.\n`;
      const doc = await openResultDocument(content, false);
      if (doc.uri.toString() === before.uri.toString()) reused++;
      const text = doc.getText();
      assert.ok(text === content, `round ${i}: ${doc.uri.toString()} shows ${JSON.stringify(text.slice(0, 40))} instead of ${JSON.stringify(content.slice(0, 40))}`);
      assert.equal(vscode.window.activeTextEditor?.document, doc);
      await revertAll();
    }
    assert.ok(reused > 0, 'VS Code reused the untitled name of a closed result (the premise of this test)');
  });
});
