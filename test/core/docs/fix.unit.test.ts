/**
 * The dry run's unified diff (jsdiff): headers as `git apply` reads them, and every patch applied back to the old
 * text by jsdiff's own applyPatch gives exactly the new text — final newline or none, CRLF, changes far apart (two
 * hunks) or close together (one), the first and last line, a change of line count.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPatch, parsePatch } from 'diff';
import { unifiedDiff } from '../../../src/core/docs';

const GUIDE = [
  '# Settings',
  '',
  'Open the settings.',
  '',
  '![](img/ui.png)',
  '',
  'Then save.',
  ...Array.from({ length: 12 }, (_, i) => `Step ${i + 1}: read the dialog.`),
  '',
  '<img src="img/photo.jpg">',
  '',
  'The end.',
].join('\n');

function roundTrip(before: string, after: string): string {
  const patch = unifiedDiff('docs/guide.md', before, after);
  assert.equal(applyPatch(before, patch), after, patch);
  return patch;
}

describe('unifiedDiff', () => {
  it('applies back to the new text, with git-style headers and one hunk per distant change', () => {
    const before = `${GUIDE}\n`;
    const after = before.replace('![](img/ui.png)', '![The settings panel](img/ui.png)').replace('<img src="img/photo.jpg">', '<img src="img/photo.jpg" alt="A photo">');
    const patch = roundTrip(before, after);
    assert.match(patch, /^--- a\/docs\/guide\.md\n\+\+\+ b\/docs\/guide\.md\n@@ -2,7 \+2,7 @@\n/);
    assert.equal(parsePatch(patch)[0]?.hunks.length, 2);
    assert.ok(patch.endsWith('\n'));
  });

  it('changes close together share a hunk', () => {
    const before = 'a\n![](1.png)\nb\n![](2.png)\nc\n';
    const patch = roundTrip(before, before.replace('![](1.png)', '![One](1.png)').replace('![](2.png)', '![Two](2.png)'));
    assert.equal(parsePatch(patch)[0]?.hunks.length, 1);
  });

  it('a file without a final newline, changed on its last line', () => {
    const patch = roundTrip(GUIDE, GUIDE.replace('The end.', 'The end, with ![alt](x.png).'));
    assert.match(patch, /\\ No newline at end of file\n$/);
  });

  it('CRLF line endings are kept', () => {
    const before = `${GUIDE.replaceAll('\n', '\r\n')}\r\n`;
    roundTrip(before, before.replace('![](img/ui.png)', '![The settings panel](img/ui.png)'));
  });

  it('the first line, and a change of line count', () => {
    roundTrip('![](a.png)\nrest\n', '![A](a.png)\nrest\n');
    roundTrip('one\ntwo\n', 'one\nnew\ntwo\n');
  });

  it('is empty when nothing changed', () => {
    assert.equal(unifiedDiff('docs/guide.md', GUIDE, GUIDE), '');
  });
});
