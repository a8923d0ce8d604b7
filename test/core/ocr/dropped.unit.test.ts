/**
 * Backticks (src/core/ocr/glyphs.ts's one-mark double quotes, src/core/ocr/dropped.ts): on a generated editor whose
 * text is known — template strings in DejaVu Sans Mono, where the model reads a backtick as `"` or drops it — and on
 * drawn pixels: a one-mark "double quote" unlike the region's single quotes becomes a backtick, a real double quote
 * (two marks) and one shaped like the single quotes do not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agreeGlyphs } from '../../../src/core/ocr/glyphs';
import type { TesseractJsonBlock, TesseractJsonWord } from '../../../src/core/ocr/lines';
import type { GreyImage } from '../../../src/core/ocr/protocol';
import { renderScreen } from '../../support/denseScreens';
import { darkCode, sharedOcrEngine } from '../../support/ocrCode';
import { wordsFound, type Scene } from '../../support/screens';

const CODE: readonly string[] = [
  "import { readFile } from 'node:fs/promises';",
  "const base = process.env.DATA_DIR ?? './data';",
  'const file = `${base}/${name}.json`;',
  "log.info(`reading ${file}`, { mode: 'utf8' });",
  "const text = await readFile(file, 'utf8');",
  'throw new Error(`no entry for ${name} in ${file}`);',
  "export const label = 'config';",
];

const editor = (): Scene => darkCode(CODE, (i) => (i % 2 ? '#ce9178' : '#d4d4d4'));

describe('backticks, on a generated editor', () => {
  const engine = sharedOcrEngine();

  it('reads the template strings with their backticks', async () => {
    const scene = editor();
    const r = await engine().recognize(await renderScreen(scene), { name: 'templates.png' });
    const { missed } = wordsFound(scene.lines, r.text);
    const templated = CODE.flatMap((l) => l.split(/\s+/)).filter((w) => w.includes('`'));
    assert.ok(templated.length >= 5);
    assert.deepEqual(missed.filter((w) => templated.includes(w)), [], r.text);
    // Real quotes stay what they are.
    assert.ok(r.text.includes("'node:fs/promises';") && r.text.includes("'utf8'"), r.text);
  });
});

// ---- one-mark double quotes on drawn pixels ----------------------------------------------------------------------

type Mark = readonly [number, number, number, number];
/** Quote shapes in a 10 × 20 cell, as rectangles [x0, y0, x1, y1): a straight single quote, a double one, a backtick. */
const SINGLE: readonly Mark[] = [[4, 0, 6, 6]];
const DOUBLE: readonly Mark[] = [[2, 0, 4, 6], [6, 0, 8, 6]];
const BACKTICK: readonly Mark[] = [[2, 0, 4, 2], [3, 2, 5, 4], [4, 4, 6, 5]];
/** A comma leans the other way (down to the left), low in the cell. */
const COMMA: readonly Mark[] = [[5, 14, 7, 16], [4, 16, 6, 18], [3, 18, 5, 19]];

function drawn(symbols: readonly (readonly [string, readonly Mark[]])[]): { image: GreyImage; blocks: TesseractJsonBlock[] } {
  const cell = 12;
  const width = 20 + symbols.length * cell * 2;
  const data = new Uint8Array(width * 40).fill(255);
  const words: TesseractJsonWord[] = symbols.map(([text, marks], i) => {
    const x = 10 + i * cell * 2;
    for (const [x0, y0, x1, y1] of marks) for (let y = 10 + y0; y < 10 + y1; y++) data.fill(0, y * width + x + x0, y * width + x + x1);
    const bbox = { x0: x, y0: 10, x1: x + cell - 1, y1: 30 };
    return { text, confidence: 90, bbox, symbols: [{ text, confidence: 90, bbox }] };
  });
  const line = { text: words.map((w) => w.text).join(' '), confidence: 90, bbox: { x0: 10, y0: 9, x1: width - 10, y1: 31 }, words };
  return { image: { width, height: 40, data }, blocks: [{ paragraphs: [{ lines: [line] }] }] };
}

const textOf = (blocks: readonly TesseractJsonBlock[]): string => blocks[0]?.paragraphs?.[0]?.lines?.[0]?.text ?? '';

describe('one-mark double quotes on drawn pixels', () => {
  it('a "double quote" drawn as one mark unlike the single quotes is a backtick; one like them is a single quote', () => {
    const { image, blocks } = drawn([["'", SINGLE], ["'", SINGLE], ['"', BACKTICK], ['"', SINGLE], ['"', DOUBLE]]);
    assert.equal(textOf(agreeGlyphs(blocks, image)), "' ' ` ' \"");
  });

  it('without single quotes to compare with, goes by the lean alone: a leaning mark is a backtick, an upright one stays', () => {
    const { image, blocks } = drawn([['"', BACKTICK], ['"', DOUBLE], ['"', SINGLE], ["'", BACKTICK]]);
    assert.equal(textOf(agreeGlyphs(blocks, image)), '` " " `');
    const upright = drawn([['"', SINGLE], ['"', DOUBLE], ["'", COMMA]]);
    assert.equal(agreeGlyphs(upright.blocks, upright.image), upright.blocks);
  });
});
