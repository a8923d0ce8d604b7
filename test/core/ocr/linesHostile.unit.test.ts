/**
 * lines.ts joinWords against hostile input: synthetic Tesseract lines. Each test is a case that went wrong or an edge
 * that has to hold (odd joins, text that is not the words, characters outside the BMP, huge lines).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { joinWords, type TesseractJsonLine, type TesseractJsonWord } from '../../../src/core/ocr/lines';

const word = (text: string, x: number): TesseractJsonWord => ({
  text,
  confidence: 90,
  bbox: { x0: x, y0: 0, x1: x + 10, y1: 20 },
  symbols: [...text].map((ch, i) => ({ text: ch, confidence: 90, bbox: { x0: x + i, y0: 0, x1: x + i + 1, y1: 20 } })),
});
const lineOf = (words: TesseractJsonWord[], text: string): TesseractJsonLine => ({ text, confidence: 90, bbox: { x0: 0, y0: 0, x1: 1000, y1: 20 }, words });
const texts = (line: TesseractJsonLine): string[] => (line.words ?? []).map((w) => w.text);

describe('joinWords on hostile lines', () => {
  it('ignores joins[0] and joins past the last word, and keeps the newlines around the line', () => {
    const out = joinWords(lineOf([word('a', 0), word('b', 20)], '\n\n  a   b\n\n'), ['_', '_', '_', '_']);
    assert.equal(out.text, '\n\n  a_b\n\n');
    assert.deepEqual(texts(out), ['a_b']);
    const same = lineOf([word('a', 0)], 'a\n');
    assert.equal(joinWords(same, ['_', '_']), same);
  });

  it('keeps tabs and characters outside the BMP', () => {
    const out = joinWords(lineOf([word('a', 0), word('😀b', 20), word('c', 40)], '\ta \t😀b\tc\n'), [undefined, '_', '']);
    assert.equal(out.text, '\ta_😀bc\n');
    assert.deepEqual(texts(out), ['a_😀bc']);
  });

  it('falls back to the words with one space when the text is not the words, without throwing', () => {
    assert.equal(joinWords(lineOf([word('a', 0), word('b', 20)], 'x y\n'), [undefined, '_']).text, 'a_b');
    assert.equal(joinWords(lineOf([word('a', 0), word('', 20), word('c', 40)], 'a  c\n'), [undefined, undefined, '_']).text, 'a _c');
    assert.equal(joinWords({ text: 'a b', confidence: 1, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 } }, [undefined, '_']).text, 'a b');
  });

  it('stays linear on a line of 40 000 words all joined', () => {
    const words = Array.from({ length: 40_000 }, (_, i) => word(`w${i}`, i * 20));
    const line = lineOf(words, `${words.map((w) => w.text).join('  ')}\n`);
    const start = performance.now();
    const out = joinWords(line, words.map((_, i) => (i ? '_' : undefined)), false);
    const ms = performance.now() - start;
    assert.equal(out.words?.length, 1);
    assert.equal(out.text, `${words.map((w) => w.text).join('_')}\n`);
    assert.ok(ms < 1000, `${Math.round(ms)} ms`);
  });

  it('stays linear on a line of 40 000 words joined with nothing between, keeping their symbols', () => {
    const words = Array.from({ length: 40_000 }, (_, i) => word(`w${i}`, i * 20));
    const line = lineOf(words, `${words.map((w) => w.text).join(' ')}\n`);
    const start = performance.now();
    const out = joinWords(line, words.map((_, i) => (i ? '' : undefined)));
    const ms = performance.now() - start;
    assert.equal(out.words?.length, 1);
    assert.equal(out.words?.[0]?.symbols?.length, words.reduce((n, w) => n + w.text.length, 0));
    assert.equal(out.words?.[0]?.text, words.map((w) => w.text).join(''));
    assert.ok(ms < 1000, `${Math.round(ms)} ms`);
  });

  it('keeps symbols only for a run joined with nothing between, and the lowest confidence and the whole box', () => {
    const ws = [word('a', 0), { ...word('b', 20), confidence: 40 }, word('c', 40), word('d', 60)];
    const out = joinWords(lineOf(ws, 'a b c  d\n'), [undefined, '', '_', undefined]);
    assert.equal(out.text, 'ab_c  d\n');
    assert.deepEqual(texts(out), ['ab_c', 'd']);
    assert.equal(out.words?.[0]?.symbols, undefined);
    assert.equal(out.words?.[0]?.confidence, 40);
    assert.deepEqual(out.words?.[0]?.bbox, { x0: 0, y0: 0, x1: 50, y1: 20 });
    assert.equal(out.words?.[1], ws[3]);
  });

  it('stays linear on a line indented by 200 000 blanks', () => {
    const blank = ' '.repeat(200_000);
    const line = lineOf([word('a', 0), word('b', 20)], `${blank}a${blank}b\n`);
    const start = performance.now();
    const out = joinWords(line, [undefined, '_']);
    const ms = performance.now() - start;
    assert.equal(out.text, `${blank}a_b\n`);
    assert.ok(ms < 1000, `${Math.round(ms)} ms`);
  });
});
