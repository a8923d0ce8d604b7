/**
 * Spaces in monospaced lines read from the character grid, and glyphs read twice (src/core/ocr/spacing.ts): on a
 * generated editor whose text is known — calls in DejaVu Sans Mono where the model reads
 * `expect(read).toHaveBeenCalledTimes(1);` as
 * `expect (read) .toHaveBeenCalledTimes (1);` — and on symbol boxes: one cell apart joins, two cells keep the space,
 * indentation is kept, a proportional line is never touched.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TesseractJsonLine, TesseractJsonWord } from '../../../src/core/ocr/lines';
import { joinCells, linePitch } from '../../../src/core/ocr/spacing';
import { renderScreen } from '../../support/denseScreens';
import { darkCode, sharedOcrEngine } from '../../support/ocrCode';
import { wordsFound, type Scene } from '../../support/screens';

const CALLS: readonly string[] = [
  "it('reads the file once', async () => {",
  '  const read = vi.spyOn(fs, "readFile");',
  '  await loadConfig(request());',
  '  expect(read).toHaveBeenCalledTimes(1);',
  '  expect(fs.readFile).toHaveBeenCalledWith(path, "utf8");',
  '  expect(result.items).toEqual([]);',
  '  expect(read).toHaveBeenCalledTimes(2);',
  '  expect(spy).not.toHaveBeenCalled();',
  '});',
];

const editor = (): Scene => darkCode(CALLS, (i) => (i % 2 ? '#d4d4d4' : '#dcdcaa'));

describe('spaces in monospaced code, on a generated editor', () => {
  const engine = sharedOcrEngine();

  it('reads calls without the spaces the model puts before ( and .', async () => {
    const scene = editor();
    const r = await engine().recognize(await renderScreen(scene), { name: 'calls.png' });
    const { missed } = wordsFound(scene.lines, r.text);
    const calls = CALLS.flatMap((l) => l.trim().split(/\s+/)).filter((w) => w.startsWith('expect('));
    assert.deepEqual(missed.filter((w) => calls.includes(w)), [], r.text);
  });
});

// ---- the rule on symbol boxes ------------------------------------------------------------------------------------

/** Words laid on a grid of `pitch` px from cell `at`, symbol boxes a little narrower than their cells. */
function gridWords(spec: readonly [text: string, cell: number][], pitch: number): TesseractJsonWord[] {
  return spec.map(([text, cell]) => {
    const symbols = [...text].map((ch, i) => ({ text: ch, confidence: 95, bbox: { x0: (cell + i) * pitch + 1, y0: 0, x1: (cell + i + 1) * pitch - 1, y1: 20 } }));
    return { text, confidence: 90, bbox: { x0: cell * pitch, y0: 0, x1: (cell + text.length) * pitch, y1: 20 }, symbols };
  });
}

function lineOf(words: TesseractJsonWord[], text: string): TesseractJsonLine {
  return { text, confidence: 90, bbox: { x0: 0, y0: 0, x1: 1000, y1: 20 }, words };
}

describe('the spacing rule on symbol boxes', () => {
  it('joins words one cell apart and keeps a space two cells apart, and the indentation', () => {
    // "  expect(read).toBe(1); // once": the model's words, with blanks where it saw them.
    const words = gridWords([['expect', 2], ['(read)', 8], ['.toBe', 14], ['(1);', 19], ['//', 24], ['once', 27]], 16);
    const out = joinCells(lineOf(words, '  expect (read) .toBe (1); //  once'));
    assert.equal(out.text, '  expect(read).toBe(1); //  once');
    assert.deepEqual(out.words?.map((w) => w.text), ['expect(read).toBe(1);', '//', 'once']);
  });

  it('leaves a proportional line alone, whatever its blanks', () => {
    // Symbols of uneven widths: an i beside an m.
    const widths = [4, 14, 9, 9, 6, 6, 4, 9, 14, 9, 9, 6, 4, 14];
    let x = 0;
    const symbols = widths.map((w, i) => {
      const s = { text: i % 2 ? 'm' : 'i', confidence: 95, bbox: { x0: x, y0: 0, x1: x + w, y1: 20 } };
      x += w + 1;
      return s;
    });
    const a: TesseractJsonWord = { text: symbols.slice(0, 7).map((s) => s.text).join(''), confidence: 90, bbox: { x0: 0, y0: 0, x1: 70, y1: 20 }, symbols: symbols.slice(0, 7) };
    const b: TesseractJsonWord = { text: symbols.slice(7).map((s) => s.text).join(''), confidence: 90, bbox: { x0: 72, y0: 0, x1: x, y1: 20 }, symbols: symbols.slice(7) };
    assert.equal(linePitch([a, b]), undefined);
    const line = lineOf([a, b], `${a.text} ${b.text}`);
    assert.equal(joinCells(line), line);
  });

  it('leaves a proportional line whose word boxes overlap: the model\'s last box runs into the space (`Col 4`)', () => {
    // A status bar: the `l` box runs over the `4` after a real space.
    const symbol = (text: string, x0: number, x1: number) => ({ text, confidence: 99, bbox: { x0, y0: 0, x1, y1: 20 } });
    const col: TesseractJsonWord = { text: 'Col', confidence: 92, bbox: { x0: 101, y0: 0, x1: 160, y1: 20 }, symbols: [symbol('C', 101, 116), symbol('o', 118, 130), symbol('l', 133, 160)] };
    const four: TesseractJsonWord = { text: '4', confidence: 95, bbox: { x0: 150, y0: 0, x1: 165, y1: 20 }, symbols: [symbol('4', 150, 165)] };
    assert.equal(linePitch([col, four]), undefined);
    const line = lineOf([col, four], 'Col 4');
    assert.equal(joinCells(line), line);
  });

  it('needs enough steps to trust a pitch, and leaves a line whose text is not its words', () => {
    const short = gridWords([['a', 0], ['(b)', 2]], 16);
    assert.equal(linePitch(short), undefined);
    const words = gridWords([['expect', 2], ['(read)', 8], ['.toBe', 14], ['(1);', 19]], 16);
    const line = lineOf(words, 'something else entirely here');
    assert.equal(joinCells(line), line);
  });

  it('drops the second reading of one glyph (two symbols under half a cell apart), keeping the surer one', () => {
    const words = gridWords([['const', 0], ['retryLater', 6], ['=', 17], ['load();', 19]], 16);
    const word = words[1];
    assert.ok(word?.symbols);
    // The model's `retrylLater`: an `l` of less confidence between `y` and `L`, over the `L`'s cell.
    const L = word.symbols[5];
    assert.ok(L && L.text === 'L');
    word.symbols.splice(5, 0, { text: 'l', confidence: 80, bbox: { x0: L.bbox.x0 - 5, y0: 0, x1: L.bbox.x1 - 5, y1: 20 } });
    word.text = 'retrylLater';
    const out = joinCells(lineOf(words, 'const retrylLater = load();'));
    assert.equal(out.text, 'const retryLater = load();');
    assert.deepEqual(out.words?.[1]?.symbols?.map((s) => s.text).join(''), 'retryLater');
  });
});
