/**
 * Doubtful words read again cell by cell (src/core/ocr/cells.ts): on a generated editor — a test file whose indented
 * `});` lines the model alone reads `1)` and `3);` — and on drawn text whose symbols are given, the rule itself: a
 * word read with low confidence takes the region's templates' reading only when every inked cell has one; a letter
 * the model read stays where the region has no template of it in that colour; a glyph with no template, a
 * proportional word, a region without a monospaced grid and broken boxes leave everything as it was.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { rereadCells } from '../../../src/core/ocr/cells';
import type { TesseractJsonBlock, TesseractJsonLine, TesseractJsonWord } from '../../../src/core/ocr/lines';
import type { GreyImage } from '../../../src/core/ocr/protocol';
import { renderScreen } from '../../support/denseScreens';
import { darkCode, sharedOcrEngine } from '../../support/ocrCode';
import { SceneBuilder } from '../../support/screens';

// ---- a generated editor --------------------------------------------------------------------------------------------

const TEST_FILE: readonly string[] = [
  "import { describe, expect, it, vi } from 'vitest';",
  "import { retryLater } from '../src/queue';",
  '',
  "describe('retryLater', () => {",
  "  it('reads the queue once', async () => {",
  '    const read = vi.fn();',
  '    for (let i = 0; i < 2; i++) await retryLater(read);',
  '    expect(read).toHaveBeenCalledTimes(1);',
  '  });',
  '',
  "  it('keeps one entry for every region', async () => {",
  "    await retryLater(vi.fn(), 'eu-north');",
  '    expect(read).toHaveBeenCalledTimes(2);',
  '  });',
  '});',
  '',
  'const request = () => ({ log: { info: vi.fn() } });',
];

describe('doubtful words read again, on a generated editor', () => {
  const engine = sharedOcrEngine();

  it('reads the lone closing lines of a test file as drawn (`});`, not `1)` or `3);`)', async () => {
    const colours = ['#d4d4d4', '#9cdcfe', '#ce9178', '#569cd6'];
    const scene = darkCode(TEST_FILE, (i) => colours[i % colours.length] as string, true);
    const r = await engine().recognize(await renderScreen(scene), { name: 'test-file.png' });
    // Lines 9, 14 and 15 (gutter numbers) hold only the closing `});`.
    const closing = [9, 14, 15].map((n) => r.lines.find((l) => l.text.startsWith(`${n} `))?.text.slice(String(n).length).trim());
    assert.deepEqual(closing, ['});', '});', '});'], r.text);
  });
});

// ---- the rule on drawn text ------------------------------------------------------------------------------------------

const SIZE = 26;
/** DejaVu Sans Mono's advance: 1233 of 2048 units to the em. */
const ADVANCE = (SIZE * 1233) / 2048;
const LINE = 40;
const LEFT = 20;

/** Lines of black monospaced text on white, the size of a prepared image's (x-height about 14 px). */
async function drawn(lines: readonly string[], options: { proportional?: number } = {}): Promise<GreyImage> {
  const s = new SceneBuilder(1200, lines.length * LINE + 20, '#ffffff', "'DejaVu Sans Mono'");
  lines.forEach((l, i) => s.text(LEFT, 10 + (i + 1) * LINE - 10, SIZE, i === options.proportional ? '#000000' : '#000000', l, { mono: i !== options.proportional }));
  const { data, info } = await sharp(await renderScreen(s.build())).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

/** How the model read a word: its text, confidence and, for each symbol, the cells [from, to) its box covers. */
interface Reading {
  readonly text: string;
  readonly confidence: number;
  readonly cells?: readonly (readonly [number, number])[];
}

/**
 * Tesseract-like blocks for `lines` as drawn: a symbol a cell wide per character, sure (99), unless `read` gives the
 * word `line:word` (indices) another reading.
 */
function blocksFor(lines: readonly string[], read: ReadonlyMap<string, Reading> = new Map()): TesseractJsonBlock[] {
  const out: TesseractJsonLine[] = lines.map((line, li) => {
    const y0 = 10 + li * LINE + 4;
    const y1 = y0 + LINE - 6;
    const words = wordsOf(line, li, y0, y1, read);
    const texts = words.map((w) => w.text);
    return { text: line.replace(/\S+/g, () => texts.shift() as string), confidence: 90, bbox: { x0: LEFT, y0, x1: 1180, y1 }, words };
  });
  return [{ paragraphs: [{ lines: out }] }];
}

function wordsOf(line: string, li: number, y0: number, y1: number, read: ReadonlyMap<string, Reading>): TesseractJsonWord[] {
  const words: TesseractJsonWord[] = [];
  let k = 0;
  for (const part of line.split(/(\s+)/).filter((p) => p !== '')) {
    if (/^\s+$/.test(part)) {
      k += part.length;
      continue;
    }
    const given = read.get(`${li}:${words.length}`);
    const text = given?.text ?? part;
    const symbols = [...text].map((c, i) => {
      const [a, b] = given?.cells?.[i] ?? [k + i, k + i + 1];
      return { text: c, confidence: given ? given.confidence : 99, bbox: { x0: Math.round(LEFT + a * ADVANCE), y0, x1: Math.round(LEFT + b * ADVANCE), y1 } };
    });
    const bbox = { x0: Math.round(LEFT + k * ADVANCE), y0, x1: Math.round(LEFT + (k + part.length) * ADVANCE), y1 };
    words.push({ text, confidence: given?.confidence ?? 96, bbox, symbols });
    k += part.length;
  }
  return words;
}

const textsOf = (blocks: readonly TesseractJsonBlock[]): string[] => (blocks[0]?.paragraphs?.[0]?.lines ?? []).map((l) => l.text);

/** Code whose sure lines hold every glyph the doubtful ones need: `}`, `)`, `;`, digits, a few letters. */
const SURE: readonly string[] = [
  "describe('queue', () => { expect(read); });",
  'for (let i = 0; i < 23; i++) await retryLater(read);',
  'const request = () => ({ log: { info: vi.fn(OK) } });',
];

describe('doubtful words read again, on drawn text', () => {
  let sure: GreyImage;
  before(async () => {
    sure = await drawn([...SURE, '  });', '23    });', '  #});', '  (0);', "  ('r');", '  retryLater();']);
  });
  const lines = [...SURE, '  });', '23    });', '  #});', '  (0);', "  ('r');", '  retryLater();'];

  it('reads a doubtful word by the templates when every inked cell has one (`H)8`, `Hi` over two cells)', () => {
    const three = blocksFor(lines, new Map([['3:0', { text: 'H)8', confidence: 0 }]]));
    assert.equal(textsOf(rereadCells(three, sure))[3], '  });');
    const two = blocksFor(lines, new Map([['3:0', { text: 'Hi', confidence: 42, cells: [[2, 4], [4, 5]] }]]));
    assert.equal(textsOf(rereadCells(two, sure))[3], '  });');
  });

  it('cuts a word the model ran over a wide blank (a gutter and the code), each part read in its own cells', () => {
    const joined = blocksFor(lines, new Map([['4:0', { text: '23)', confidence: 26, cells: [[0, 1], [1, 2], [6, 9]] }]]));
    // The model's one word "23)" held both; its box is the first word's, stretched over the second.
    const line = joined[0]?.paragraphs?.[0]?.lines?.[4] as TesseractJsonLine;
    const [first, second] = line.words as TesseractJsonWord[];
    const merged = { ...(first as TesseractJsonWord), bbox: { ...(first as TesseractJsonWord).bbox, x1: (second as TesseractJsonWord).bbox.x1 } };
    const one: TesseractJsonLine = { ...line, text: '23)', words: [merged] };
    const blocks: TesseractJsonBlock[] = [{ paragraphs: [{ lines: [...(joined[0]?.paragraphs?.[0]?.lines ?? []).slice(0, 4), one] }] }];
    assert.equal(textsOf(rereadCells(blocks, sure))[4], '23    });');
  });

  it('reads again a word the model was sure of but read one glyph of twice (`retrylLater`, `l` and `L` both at 97)', () => {
    const cells: [number, number][] = [[2, 3], [3, 4], [4, 5], [5, 6], [6, 7], [7, 7.6], [7.3, 8], [8, 9], [9, 10], [10, 11], [11, 12], [12, 13], [13, 14], [14, 15]];
    const blocks = blocksFor(lines, new Map([['8:0', { text: 'retrylLater();', confidence: 90, cells }]]));
    assert.equal(textsOf(rereadCells(blocks, sure))[8], '  retryLater();');
  });

  it('leaves a word with a glyph no sure symbol shows (`#`), and a sure word, as they were', () => {
    const blocks = blocksFor(lines, new Map([['5:0', { text: 'H});', confidence: 10 }]]));
    assert.equal(textsOf(rereadCells(blocks, sure))[5], '  H});');
    const untouched = blocksFor(lines);
    assert.equal(rereadCells(untouched, sure), untouched);
  });

  it("keeps a letter or digit the model read where the region has no template of it (`0` with only `O`-like glyphs)", () => {
    // The sure lines hold a `0`: take it away and the doubtful `(0);` keeps the model's `0` rather than the nearest.
    const noZero = blocksFor(lines.map((l, i) => (i === 1 ? l.replace('0', ' ') : l)), new Map([['6:0', { text: '(0);', confidence: 20 }]]));
    const read = textsOf(rereadCells(noZero, sure))[6];
    assert.equal(read, '  (0);');
  });

  it('leaves a region without a monospaced grid, and a proportional word in a monospaced region', async () => {
    const few = blocksFor(lines.slice(3), new Map([['0:0', { text: 'H)8', confidence: 0 }]]));
    assert.equal(rereadCells(few, sure), few);
    const withProse = [...SURE, 'Ill will fill this mill'];
    const image = await drawn(withProse, { proportional: 3 });
    const blocks = blocksFor(withProse, new Map([['3:1', { text: 'wiII', confidence: 5 }]]));
    assert.equal(textsOf(rereadCells(blocks, image))[3], 'Ill wiII fill this mill');
  });

  it('survives broken boxes: NaN, infinite, outside the image, zero-sized', () => {
    const blocks = blocksFor(lines, new Map([['3:0', { text: 'H)8', confidence: 0 }]]));
    const line = blocks[0]?.paragraphs?.[0]?.lines?.[3] as TesseractJsonLine;
    for (const bbox of [{ x0: NaN, y0: 0, x1: 10, y1: 10 }, { x0: -Infinity, y0: 0, x1: Infinity, y1: 1e9 }, { x0: 5000, y0: 5000, x1: 6000, y1: 6000 }, { x0: 10, y0: 10, x1: 10, y1: 10 }]) {
      const word = { ...(line.words?.[0] as TesseractJsonWord), bbox };
      const broken: TesseractJsonBlock[] = [{ paragraphs: [{ lines: [...(blocks[0]?.paragraphs?.[0]?.lines ?? []).slice(0, 3), { ...line, words: [word] }] }] }];
      assert.doesNotThrow(() => rereadCells(broken, sure));
    }
  });
});

// ---- the rule on glyphs drawn as rectangles --------------------------------------------------------------------------

/** Glyphs as rectangles [x0, y0, x1, y1) in a 12 × 20 cell: a comma and a quote have one shape, at two heights. */
const BLOCKS: Readonly<Record<string, readonly (readonly [number, number, number, number])[]>> = {
  a: [[2, 8, 10, 18]],
  b: [[2, 0, 10, 18]],
  ',': [[5, 15, 7, 20]],
  "'": [[5, 0, 7, 5]],
};
const PITCH = 12;

/** Lines of rectangle glyphs on a 12-px grid, 30 px apart, and their blocks (`doubt`: the confidence of line:word). */
function rectangles(lines: readonly string[], doubt: ReadonlyMap<string, number>): { image: GreyImage; blocks: TesseractJsonBlock[] } {
  const width = 40 + Math.max(...lines.map((l) => l.length)) * PITCH;
  const data = new Uint8Array(width * (lines.length * 30 + 20)).fill(255);
  const out = lines.map((line, li): TesseractJsonLine => {
    const top = 10 + li * 30;
    const words: TesseractJsonWord[] = [];
    let start = -1;
    [...`${line} `].forEach((c, k) => {
      for (const [x0, y0, x1, y1] of BLOCKS[c] ?? []) for (let y = top + y0; y < top + y1; y++) data.fill(0, y * width + 20 + k * PITCH + x0, y * width + 20 + k * PITCH + x1);
      if (c !== ' ' && start < 0) start = k;
      if (c === ' ' && start >= 0) {
        const text = line.slice(start, k);
        const confidence = doubt.get(`${li}:${words.length}`) ?? 96;
        const symbols = [...text].map((t, i) => ({ text: t, confidence: confidence < 70 ? confidence : 99, bbox: { x0: 20 + (start + i) * PITCH, y0: top, x1: 20 + (start + i + 1) * PITCH, y1: top + 20 } }));
        words.push({ text, confidence, bbox: { x0: 20 + start * PITCH, y0: top, x1: 20 + k * PITCH, y1: top + 20 }, symbols });
        start = -1;
      }
    });
    return { text: line, confidence: 90, bbox: { x0: 20, y0: top - 1, x1: width - 20, y1: top + 21 }, words };
  });
  return { image: { width, height: data.length / width, data }, blocks: [{ paragraphs: [{ lines: out }] }] };
}

describe('doubtful words read again, on rectangles', () => {
  it('never reads a quote as a comma of the same shape: where a glyph sits in its line counts, not only its shape', () => {
    const lines = ['aaaa,bbbb,aaaa,bbbb', 'bbbb,aaaa,bbbb,aaaa', 'abab,baba,abab,baba', "'ab'"];
    const { image, blocks } = rectangles(lines, new Map([['3:0', 10]]));
    assert.deepEqual(textsOf(rereadCells(blocks, image)), lines);
    // The same glyphs read doubtfully where they are drawn as the templates are: read again to what they are.
    const misread = rectangles(['aaaa,bbbb,aaaa,bbbb', 'bbbb,aaaa,bbbb,aaaa', 'abab,baba,abab,baba', 'ab,b'], new Map([['3:0', 10]]));
    const word = misread.blocks[0]?.paragraphs?.[0]?.lines?.[3]?.words?.[0];
    assert.ok(word?.symbols);
    word.symbols = word.symbols.map((sym, i) => ({ ...sym, text: 'ba.a'[i] as string }));
    word.text = 'ba.a';
    const line = misread.blocks[0]?.paragraphs?.[0]?.lines?.[3];
    assert.ok(line);
    line.text = 'ba.a';
    assert.equal(textsOf(rereadCells(misread.blocks, misread.image))[3], 'ab,b');
  });
});
