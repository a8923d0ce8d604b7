/**
 * The two narrow corrections of what Tesseract reads (src/core/ocr/corrections.ts), both ways: what they mend (a one
 * read as a lowercase L inside a version, a quoted string closed by the other kind of quote) and the words with an L or
 * quotes of their own that must stay as they are. On a real reading: layoutReading.unit.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { correctLines, correctWord } from '../../../src/core/ocr/corrections';

describe('correcting what the model misreads in code', () => {
  it('reads a lowercase L among the digits of a version as a one', () => {
    for (const [read, meant] of [
      ['cache@l.4.2', 'cache@1.4.2'],
      ['v4.6.l', 'v4.6.1'],
      ['vl.2.0', 'v1.2.0'],
      ['l0.1.3', '10.1.3'],
      ['(l.4.2)', '(1.4.2)'],
      ['node=l8.19.l', 'node=18.19.1'],
    ]) {
      assert.equal(correctWord(read ?? ''), meant, read);
    }
  });

  it('leaves words with an L of their own, and numbers without one, as they are', () => {
    for (const word of ['l.e.', 'all.2', 'html.5', 'lib/l1.js', 'l10n', 'cell.1.2', 'Illustrator', 'l.2', 'file.l', '1.4.2', 'v4.6.1', 'level.1.2', 'I.2.3']) {
      assert.equal(correctWord(word), word, word);
    }
  });

  it('closes a quoted string with the quote that opened it', () => {
    assert.equal(correctWord(`'cache@1.4.2";`), `'cache@1.4.2';`);
    assert.equal(correctWord(`'node:fs/promises"`), `'node:fs/promises'`);
    assert.equal(correctWord(`("utf8',`), `("utf8",`);
    assert.equal(correctWord(`['/etc/app/config.json",`), `['/etc/app/config.json',`);
  });

  it('leaves quotes that match, and words with a quote inside, as they are', () => {
    for (const word of [`'utf8');`, `"it's"`, `don't`, `'a'+"b"`, `"quoted"`, `'`, `"`, `''`, `5'11"`, '`${path}`', `it's"`]) {
      assert.equal(correctWord(word), word, word);
    }
  });

  it('corrects the words of a line and its text alike, keeping runs of spaces', () => {
    const box = { x: 0, y: 0, width: 10, height: 10 };
    const [line] = correctLines([
      {
        text: '2    import { createCache } from \'cache@l.4.2";',
        confidence: 90,
        box,
        block: 0,
        words: ['2', 'import', '{', 'createCache', '}', 'from', `'cache@l.4.2";`].map((text) => ({ text, confidence: 90, box })),
      },
    ]);
    assert.equal(line?.text, "2    import { createCache } from 'cache@1.4.2';");
    assert.equal(line?.words.at(-1)?.text, "'cache@1.4.2';");
  });
});
