/**
 * The cell-by-cell reread (src/core/ocr/cells.ts) and the passes changed with it (glyphShapes.ts backtickShaped,
 * dropped.ts, spacing.ts joinCells) against hostile input: synthetic Tesseract blocks on drawn pixels. Each test is a
 * case that went wrong.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { rereadCells } from '../../../src/core/ocr/cells';
import { restoreBackticks } from '../../../src/core/ocr/dropped';
import { joinCells } from '../../../src/core/ocr/spacing';
import type { TesseractJsonBlock, TesseractJsonLine, TesseractJsonSymbol, TesseractJsonWord } from '../../../src/core/ocr/lines';
import type { GreyImage } from '../../../src/core/ocr/protocol';
import { renderScreen } from '../../support/denseScreens';
import { sharedOcrEngine } from '../../support/ocrCode';
import { SceneBuilder } from '../../support/screens';

/**
 * A region of big monospaced glyphs (text 100 px tall in the prepared image): `rows` lines of `cells` bars `w` × `h`
 * on a grid `pitch` wide, each with a notch of its own (alike, not identical). Even lines are one sure word whose
 * every symbol has a reading of its own (templates); odd lines are doubtful one-symbol words in every other cell.
 */
function bigGlyphs(rows: number, cells: number, pitch: number, w: number, h: number): { image: GreyImage; blocks: TesseractJsonBlock[] } {
  const lineHeight = h + 20;
  const [width, height] = [cells * pitch + 20, rows * lineHeight + 20];
  const data = new Uint8Array(width * height).fill(255);
  const lines: TesseractJsonLine[] = [];
  let reading = 0;
  for (let r = 0; r < rows; r++) {
    const [y0, y1] = [10 + r * lineHeight, 10 + (r + 1) * lineHeight];
    const symbols: TesseractJsonSymbol[] = [];
    for (let c = 0; c < cells; c++) {
      if (r % 2 && c % 2) continue;
      const x = 10 + c * pitch + Math.round((pitch - w) / 2);
      const notch = Math.round((((r * cells + c) * 7) % 10) * 0.03 * h);
      for (let yy = 0; yy < h; yy++) for (let xx = 0; xx < w; xx++) if (xx >= w / 3 || yy >= notch) data[(y0 + 10 + yy) * width + x + xx] = 0;
      const text = String.fromCharCode(0x4e00 + reading++);
      symbols.push({ text, confidence: r % 2 ? 10 : 99, bbox: { x0: 10 + c * pitch, y0: y0 + 10, x1: 10 + (c + 1) * pitch, y1: y0 + 10 + h } });
    }
    const words: TesseractJsonWord[] = r % 2
      ? symbols.map((s) => ({ text: s.text, confidence: 10, bbox: s.bbox, symbols: [s] }))
      : [{ text: symbols.map((s) => s.text).join(''), confidence: 96, bbox: { x0: 10, y0: y0 + 10, x1: 10 + cells * pitch, y1: y0 + 10 + h }, symbols }];
    lines.push({ text: words.map((w) => w.text).join(' '), confidence: 50, bbox: { x0: 0, y0, x1: width, y1 }, words });
  }
  return { image: { width, height, data }, blocks: [{ paragraphs: [{ lines }] }] };
}

describe('doubtful words read again: time', () => {
  it('stays well under the seconds it took on a 2000 × 2000 region of big glyphs (every doubtful cell against every template)', () => {
    // 8 lines of 31 sure templates, 8 of 16 doubtful one-symbol words: each doubtful cell is compared with every
    // template of its size, 9 × 60 × 100 pixels a time. It took 6.5–10 s; now 0.75 s on an idle two-core machine, the
    // rest cutting the glyphs out (as agreeGlyphs does); the bound leaves room for the suite's files run side by side.
    const { image, blocks } = bigGlyphs(16, 31, 64, 60, 100);
    const started = performance.now();
    rereadCells(blocks, image);
    const ms = performance.now() - started;
    assert.ok(ms < 2000, `${Math.round(ms)} ms`);
  });
});

// ---- drawn monospaced text -----------------------------------------------------------------------------------------

const SIZE = 26;
/** DejaVu Sans Mono's advance: 1233 of 2048 units to the em. */
const ADVANCE = (SIZE * 1233) / 2048;
const LINE = 40;
const LEFT = 20;

/** Lines of black DejaVu Sans Mono on white, the size of a prepared image's (x-height about 14 px). */
async function drawn(lines: readonly string[]): Promise<GreyImage> {
  const s = new SceneBuilder(1200, lines.length * LINE + 20, '#ffffff', "'DejaVu Sans Mono'");
  lines.forEach((l, i) => s.text(LEFT, 10 + (i + 1) * LINE - 10, SIZE, '#000000', l, { mono: true }));
  const { data, info } = await sharp(await renderScreen(s.build())).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

/** Tesseract-like blocks for `lines` as drawn: a symbol a cell wide per character, sure (99) unless `doubtful` holds `line:word`. */
function blocksFor(lines: readonly string[], doubtful: ReadonlySet<string> = new Set()): TesseractJsonBlock[] {
  const out: TesseractJsonLine[] = lines.map((line, li) => {
    const [y0, y1] = [10 + li * LINE + 4, 10 + li * LINE + LINE - 2];
    const words: TesseractJsonWord[] = [];
    let k = 0;
    for (const part of line.split(/(\s+)/).filter((p) => p !== '')) {
      if (!/^\s+$/.test(part)) {
        const confidence = doubtful.has(`${li}:${words.length}`) ? 10 : 99;
        const symbols = [...part].map((c, i) => ({ text: c, confidence, bbox: { x0: Math.round(LEFT + (k + i) * ADVANCE), y0, x1: Math.round(LEFT + (k + i + 1) * ADVANCE), y1 } }));
        words.push({ text: part, confidence: confidence === 99 ? 96 : confidence, bbox: { x0: Math.round(LEFT + k * ADVANCE), y0, x1: Math.round(LEFT + (k + part.length) * ADVANCE), y1 }, symbols });
      }
      k += part.length;
    }
    return { text: line, confidence: 90, bbox: { x0: LEFT, y0, x1: 1180, y1 }, words };
  });
  return [{ paragraphs: [{ lines: out }] }];
}

const textsOf = (blocks: readonly TesseractJsonBlock[]): string[] => (blocks[0]?.paragraphs?.[0]?.lines ?? []).map((l) => l.text);

/** Two dark pixels touching at a corner, leaning down to the right, at column `x` and row `y` (dust, a JPEG speck). */
function speck(image: GreyImage, x: number, y: number): void {
  image.data[y * image.width + x] = 0;
  image.data[(y + 1) * image.width + x + 1] = 0;
}

describe('backticks known by their lean: specks', () => {
  const CODE = ['const value = other + thing;', 'let total = value * 2 + other;', 'return (total - other) + a + b;'];

  it('does not put a backtick for a two-pixel speck in a blank of a monospaced line', async () => {
    const image = await drawn(CODE);
    // In the blank between `value` and `=` of the first line, half way down.
    speck(image, Math.round(LEFT + 11.5 * ADVANCE), 10 + 16);
    const blocks = blocksFor(CODE);
    assert.deepEqual(textsOf(restoreBackticks(blocks, image, [])), CODE);
  });

  it('does not read a speck in a doubtful word’s blank cell as a backtick', async () => {
    // Sure lines that hold every glyph of `}); });`; the last line's two words the model ran together, read wrong.
    const lines = ['describe(queue, () => { expect(read); });', 'for (let i = 0; i < 23; i++) await retry(read);', 'const request = () => ({ log: { info: vi.fn(OK) } });', '  }); });'];
    const blocks = blocksFor(lines, new Set(['3:0', '3:1']));
    const line = blocks[0]?.paragraphs?.[0]?.lines?.[3] as TesseractJsonLine;
    const [a, b] = line.words as [TesseractJsonWord, TesseractJsonWord];
    const merged: TesseractJsonWord = { text: 'H)8H)8', confidence: 10, bbox: { ...a.bbox, x1: b.bbox.x1 }, symbols: [...(a.symbols ?? []), ...(b.symbols ?? [])].map((s, i) => ({ ...s, text: 'H)8'[i % 3] as string })) };
    const mixed: TesseractJsonBlock[] = [{ paragraphs: [{ lines: [...(blocks[0]?.paragraphs?.[0]?.lines ?? []).slice(0, 3), { ...line, text: '  H)8H)8', words: [merged] }] }] }];
    const clean = await drawn(lines);
    assert.equal(textsOf(rereadCells(mixed, clean))[3], '  }); });');
    // The blank cell between the two, half way down.
    speck(clean, Math.round(LEFT + 5.5 * ADVANCE), 10 + 3 * LINE + 14);
    const read = textsOf(rereadCells(mixed, clean))[3] as string;
    assert.ok(!read.includes('`'), read);
  });
});

describe('doubtful words read again: where a glyph sits, on a generated editor', () => {
  const engine = sharedOcrEngine();

  it("does not read a faint quote high in its cell as a comma low in its own (`it';` read `it,;`)", async () => {
    // 13-px DejaVu Sans Mono on a dark editor: the model reads the last word `it';` with confidence 0; its quote,
    // thin and faint once prepared, is nearer the region's sure commas (drawn low in their cells) than its quotes.
    const code = ['const path = `C:\\\\Users\\\\${user}\\\\file.txt`;', "const msg = 'it\\'s here, isn\\'t it';", "// Don't touch: `README.md`, the user's `config.json`, C:\\tmp\\x.log", 'let literal = Literal(lL1, Ll2, lLl, LLL, lll);', 'if (value) { return `${a}, ${b}`; } else { call(\'x\', "y"); }', '  });'];
    const s = new SceneBuilder(1000, 40 + code.length * 26, '#1e1e1e', "'DejaVu Sans Mono'");
    code.forEach((l, i) => s.text(16, 30 + i * 26, 13, '#d4d4d4', l, { mono: true }));
    const r = await engine().recognize(await renderScreen(s.build()), { name: 'quotes.png' });
    assert.ok(r.lines.some((l) => l.text === code[1]), r.text);
  });
});

describe('words whose boxes overlap, in a proportional line', () => {
  const symbol = (text: string, x0: number, x1: number): TesseractJsonSymbol => ({ text, confidence: 96, bbox: { x0, y0: 0, x1, y1: 30 } });
  const word = (symbols: TesseractJsonSymbol[]): TesseractJsonWord => ({ text: symbols.map((s) => s.text).join(''), confidence: 95, bbox: { x0: symbols[0]?.bbox.x0 ?? 0, y0: 0, x1: Math.max(...symbols.map((s) => s.bbox.x1)), y1: 30 }, symbols });
  const lineOf = (words: TesseractJsonWord[]): TesseractJsonLine => ({ text: words.map((w) => w.text).join(' '), confidence: 95, bbox: { x0: 0, y0: 0, x1: 400, y1: 30 }, words });

  it('keeps italic words apart where a `j` reaches back under the word before (`of jolly` read `ofjolly`)', () => {
    // The model's boxes for 15-px DejaVu Sans slanted 18°: the `j`'s tail runs one pixel under the `f`.
    const of = word([symbol('o', 145, 157), symbol('f', 158, 170)]);
    const jolly = word([symbol('j', 169, 181), symbol('o', 182, 194), symbol('l', 196, 201), symbol('l', 203, 208), symbol('y', 210, 224)]);
    assert.equal(joinCells(lineOf([of, jolly])).text, 'of jolly');
  });

  it('never joins proportional words by their boxes (`README. md` stays two: a status bar’s `Col 4` overlaps the same way)', () => {
    const readme = word([symbol('R', 0, 9), symbol('E', 10, 19), symbol('A', 20, 29), symbol('D', 30, 39), symbol('M', 40, 49), symbol('E', 50, 57), symbol('.', 58, 70)]);
    const md = word([symbol('m', 61, 72), symbol('d', 72, 80)]);
    assert.equal(joinCells(lineOf([readme, md])).text, 'README. md');
  });
});
