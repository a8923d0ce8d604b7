/**
 * Glyphs read by their shapes (src/core/ocr/glyphs.ts): on a generated editor whose text is known — code in DejaVu
 * Sans Mono where the model reads the identifier `l1` as `11` and an `i` as `1`, while the same `l` in `value` is right — and on
 * drawn pixels, the rule itself: a glyph read against the shape it shares with its group is read again; a pair the
 * fonts draw alike, a font that draws two readings with one shape, and a word whose symbols are not its text are left.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agreeGlyphs, MAX_GLYPHS } from '../../../src/core/ocr/glyphs';
import type { TesseractJsonBlock, TesseractJsonWord } from '../../../src/core/ocr/lines';
import type { GreyImage } from '../../../src/core/ocr/protocol';
import { renderScreen } from '../../support/denseScreens';
import { darkCode, sharedOcrEngine } from '../../support/ocrCode';
import { wordsFound, type Scene } from '../../support/screens';

const CODE: readonly string[] = [
  "import { LRUCache } from 'lru-cache';",
  "import { logger } from './log';",
  '',
  'const l1 = new LRUCache<string, Value>({ max: 500 });',
  'const l2 = new Map<string, Value>();',
  '',
  'export function lookup(key: string, label = "all"): Value | null {',
  '  const value = l1.get(key);',
  '  if (value !== undefined) return value;',
  '  for (let i = 0; i < 3; i++) l2.delete(key);',
  "  logger.info('lookup failed', { label, level: 1 });",
  '  return l2.get(key) ?? null;',
  '}',
  '',
  'export function clearAll(): void {',
  '  l1.clear();',
  '  l2.clear();',
  '}',
];

/** A dark editor: a grey line-number gutter (digits drawn apart from letters) beside the code. */
const editor = (): Scene => darkCode(CODE, (i) => (i % 3 ? '#d4d4d4' : '#9cdcfe'), true);

describe('glyphs read by their shapes, on a generated editor', () => {
  const engine = sharedOcrEngine();

  it('reads `l1` and `i` as drawn, not as their neighbours suggest, and never turns a drawn `l` into a one', async () => {
    const scene = editor();
    const r = await engine().recognize(await renderScreen(scene), { name: 'glyphs-editor.png' });
    const { missed } = wordsFound(scene.lines, r.text);
    // Read `11.get(key);`, `12.delete(key);` and `1 < 3` by the model alone.
    for (const w of ['l1.get(key);', 'l2.delete(key);', 'i']) assert.ok(!missed.includes(w), `${w} in\n${r.text}`);
    // Words whose `l` the model read right keep it (a one here would be the pass's own mistake).
    for (const w of ['logger', 'lookup', 'value', 'label', 'Value', '"all"):', 'failed\',', 'level:']) assert.ok(!missed.includes(w), `${w} in\n${r.text}`);
    // The gutter's digits stay digits.
    for (const n of ['1', '10', '11', '12', '16', '17']) assert.ok(r.text.split(/\s+/).includes(n), `${n} in\n${r.text}`);
  });
});

// ---- the rule on drawn pixels ------------------------------------------------------------------------------------

/** Glyph shapes in a 10 × 20 cell, as rectangles [x0, y0, x1, y1): two characters a font draws apart. */
const SHAPES = {
  // a lowercase L: stem, a serif to the left at the top, a foot to the right
  ell: [[4, 0, 6, 20], [1, 0, 4, 2], [6, 18, 9, 20]],
  // a one: stem, a flag to the left below the top, a base across
  one: [[4, 0, 6, 20], [1, 3, 4, 5], [1, 18, 9, 20]],
  // a capital L: stem at the left, a foot all the way across
  capital: [[2, 0, 4, 20], [2, 18, 10, 20]],
  // an S of bars, and a dollar sign: the same S with a stroke through it
  ess: [[2, 0, 10, 2], [2, 0, 4, 10], [2, 9, 10, 11], [8, 10, 10, 20], [2, 18, 10, 20]],
  dollar: [[2, 0, 10, 2], [2, 0, 4, 10], [2, 9, 10, 11], [8, 10, 10, 20], [2, 18, 10, 20], [5, 0, 7, 20]],
} as const;
type Shape = keyof typeof SHAPES;

const CELL = 12;

/**
 * One line of words drawn glyph by glyph at y 10–30, each word's symbols given as [reading, shape]; words a cell
 * apart. Returns the image and Tesseract-like blocks (one block, one paragraph, one line).
 */
function drawnLine(words: readonly (readonly (readonly [string, Shape])[])[]): { image: GreyImage; blocks: TesseractJsonBlock[] } {
  const width = 20 + words.reduce((n, w) => n + (w.length + 1) * CELL, 0);
  const height = 40;
  const data = new Uint8Array(width * height).fill(255);
  let x = 10;
  const out: TesseractJsonWord[] = [];
  for (const symbols of words) {
    const start = x;
    const boxed = symbols.map(([text, shape]) => {
      for (const [x0, y0, x1, y1] of SHAPES[shape]) for (let y = 10 + y0; y < 10 + y1; y++) data.fill(0, y * width + x + x0, y * width + x + x1);
      const bbox = { x0: x, y0: 10, x1: x + CELL - 1, y1: 30 };
      x += CELL;
      return { text, confidence: 99, bbox };
    });
    out.push({ text: boxed.map((s) => s.text).join(''), confidence: 95, bbox: { x0: start, y0: 10, x1: x - 1, y1: 30 }, symbols: boxed });
    x += CELL;
  }
  const line = { text: out.map((w) => w.text).join(' '), confidence: 95, bbox: { x0: 10, y0: 9, x1: x, y1: 31 }, words: out };
  return { image: { width, height, data }, blocks: [{ paragraphs: [{ lines: [line] }] }] };
}

const lineText = (blocks: readonly TesseractJsonBlock[]): string => blocks[0]?.paragraphs?.[0]?.lines?.[0]?.text ?? '';

describe('the glyph rule on drawn pixels', () => {
  const ell = (reading: string): [string, Shape] => [reading, 'ell'];
  const one = (reading: string): [string, Shape] => [reading, 'one'];

  it('reads again the glyphs read against the shape their group shares, where the other reading is drawn apart', () => {
    // Four Ls read `l`, two Ls read `1` (the model's `11` for `l1`), four ones read `1`.
    const { image, blocks } = drawnLine([[ell('l'), ell('l')], [ell('l'), ell('l')], [ell('1'), one('1')], [ell('1'), one('1')], [one('1'), one('1')]]);
    const out = agreeGlyphs(blocks, image);
    assert.equal(lineText(out), 'll ll l1 l1 11');
    const symbols = out[0]?.paragraphs?.[0]?.lines?.[0]?.words?.[2]?.symbols?.map((s) => s.text);
    assert.deepEqual(symbols, ['l', '1']);
  });

  it('reads a capital L the model gave as a lowercase one (`retrylater`), where the two are drawn apart', () => {
    const L = (reading: string): [string, Shape] => [reading, 'capital'];
    const { image, blocks } = drawnLine([[ell('l'), ell('l')], [L('L'), L('L')], [ell('l'), L('l')], [L('L'), ell('l')]]);
    assert.equal(lineText(agreeGlyphs(blocks, image)), 'll LL lL Ll');
  });

  it('reads a shell variable\'s `$` the model gave as `S` (`SPORT`), in a monospaced line of a region holding a `$`', () => {
    const S = (reading: string): [string, Shape] => [reading, 'ess'];
    const $ = (reading: string): [string, Shape] => [reading, 'dollar'];
    // Words a cell apart on one grid: a monospaced line (twelve steps and more).
    const { image, blocks } = drawnLine([[$('$'), ell('l'), ell('l'), ell('l')], [S('S'), ell('l'), S('S'), ell('l')], [$('$'), ell('l'), ell('l'), ell('l')], [S('S'), ell('l'), ell('l'), ell('l')], [$('S'), ell('l'), ell('l'), ell('l')]]);
    assert.equal(lineText(agreeGlyphs(blocks, image)), '$lll SlSl $lll Slll $lll');
    // No `$` read anywhere: the S's are not looked at.
    const none = drawnLine([[S('S'), ell('l'), ell('l'), ell('l')], [S('S'), ell('l'), S('S'), ell('l')], [$('S'), ell('l'), ell('l'), ell('l')], [ell('l'), ell('l'), ell('l'), ell('l')], [ell('l'), ell('l'), ell('l'), ell('l')]]);
    assert.equal(lineText(agreeGlyphs(none.blocks, none.image)), 'Slll SlSl Slll llll llll');
  });

  it('reads a lone rare reading (`¢` for `c`) as its group\'s, only where it occurs', () => {
    const { image, blocks } = drawnLine([[ell('c'), ell('c')], [ell('c'), ell('¢')], [one('f'), one('f')]]);
    assert.equal(lineText(agreeGlyphs(blocks, image)), 'cc cc ff');
    // Without the rare reading the letters are not looked at: nothing to change, the same blocks back.
    const plain = drawnLine([[ell('c'), ell('c')], [ell('c'), ell('c')], [one('c'), one('c')]]);
    assert.equal(agreeGlyphs(plain.blocks, plain.image), plain.blocks);
  });

  it('changes nothing where the font draws both readings with one shape (no other home for the reading)', () => {
    const { image, blocks } = drawnLine([[ell('l'), ell('l')], [ell('l'), ell('l')], [ell('1'), ell('1')]]);
    assert.equal(lineText(agreeGlyphs(blocks, image)), 'll ll 11');
  });

  it('never changes a pair the fonts draw alike (`l` and `I`)', () => {
    const { image, blocks } = drawnLine([[ell('l'), ell('l')], [ell('l'), ell('l')], [ell('I'), ell('I')], [one('I'), one('I')], [one('I'), one('I')]]);
    assert.equal(lineText(agreeGlyphs(blocks, image)), 'll ll II II II');
  });

  it('leaves a word whose symbols are not its text, and answers the same blocks when nothing changes', () => {
    const { image, blocks } = drawnLine([[ell('l'), ell('l')], [ell('l'), ell('l')], [ell('1'), one('1')], [one('1'), one('1')]]);
    const word = blocks[0]?.paragraphs?.[0]?.lines?.[0]?.words?.[2];
    assert.ok(word);
    word.text = 'l1x';
    assert.equal(agreeGlyphs(blocks, image), blocks);
    const plain = drawnLine([[one('1'), one('1')], [ell('l'), ell('l')]]);
    assert.equal(agreeGlyphs(plain.blocks, plain.image), plain.blocks);
  });

  it('skips a region with more contested glyphs than it can group in time, unchanged', () => {
    const many = Array.from({ length: MAX_GLYPHS + 1 }, (_, i): (readonly [string, Shape])[] => (i % 3 ? [ell('l')] : [ell('1')]));
    const { image, blocks } = drawnLine(many);
    const started = performance.now();
    assert.equal(agreeGlyphs(blocks, image), blocks);
    assert.ok(performance.now() - started < 5000);
  });

  it('takes boxes out of the image, fractional or not numbers at all without failing, hanging or guessing', () => {
    const { image, blocks } = drawnLine([[ell('l'), ell('l')], [ell('l'), ell('l')], [ell('1'), one('1')], [one('1'), one('1')]]);
    const line = blocks[0]?.paragraphs?.[0]?.lines?.[0];
    assert.ok(line?.words);
    const [a, b, c] = line.words;
    assert.ok(a && b && c);
    a.bbox = { x0: -50.5, y0: -3.2, x1: 1e9, y1: 7.7 };
    b.bbox = { x0: Number.NaN, y0: 0, x1: Number.NaN, y1: 40 };
    if (c.symbols?.[0]) c.symbols[0].bbox = { x0: 34.25, y0: 10.5, x1: 45.75, y1: 29.5 };
    line.bbox = { x0: 0.5, y0: 8.5, x1: 9e9, y1: 31.5 };
    const out = agreeGlyphs(blocks, image);
    // Two of the four Ls lost to nonsense boxes: too few left to say the ones are Ls; the text stays as read.
    assert.equal(lineText(out), 'll ll 11 11');
  });
});
