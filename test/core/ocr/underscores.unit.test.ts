/**
 * Underscores read back from the pixels (src/core/ocr/underscores.ts): on generated screens whose text is known —
 * snake_case identifiers in a dark and a light editor (DejaVu Sans Mono, the font where the model reads `MAX_ENTRIES`
 * as `MAX ENTRIES`) must keep their underscores; prose with an underlined link, light and dark, must not gain any —
 * and on drawn pixels, the rule itself: a low run across the blank joins, a blank, a hyphen and an underline do not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mendBlocks, mendUnderscores, type BoxedWord } from '../../../src/core/ocr/underscores';
import type { GreyImage } from '../../../src/core/ocr/protocol';
import { renderScreen } from '../../support/denseScreens';
import { sharedOcrEngine } from '../../support/ocrCode';
import { SceneBuilder, wordsFound, type Scene } from '../../support/screens';

const MONO = "'DejaVu Sans Mono'";

const CODE: readonly string[] = [
  'const MAX_ENTRIES = 4_096;',
  'const CACHE_TTL_MS = 60_000 * 15;',
  'export function read_region(region_dir: string): number {',
  '  return load_config(process.env.REGION_DIR ?? "./data").max_size;',
  '}',
  'rm -rf node_modules && echo $NODE_ENV',
];

function editor(theme: 'dark' | 'light'): Scene {
  const c = theme === 'dark' ? { bg: '#1e1e1e', fg: '#d4d4d4', key: '#569cd6', num: '#858585' } : { bg: '#ffffff', fg: '#1f1f1f', key: '#0000ff', num: '#237893' };
  const s = new SceneBuilder(900, 220, c.bg, MONO);
  CODE.forEach((line, i) => s.text(20, 34 + i * 30, 13, i % 2 ? c.fg : c.key, line, { mono: true }));
  return s.build();
}

/** Prose with a link drawn as browsers do: coloured and underlined a pixel below the baseline, under its spaces too. */
function prose(theme: 'dark' | 'light'): Scene {
  const c = theme === 'dark' ? { bg: '#1f1f1f', fg: '#cccccc', link: '#4daafc' } : { bg: '#ffffff', fg: '#1f1f1f', link: '#0969da' };
  const s = new SceneBuilder(900, 160, c.bg);
  const rows: [before: string, link: string, after: string][] = [
    ['Before you upgrade, read the', 'migration guide for version four', 'and the notes.'],
    ['Questions go to the', 'community discussion board', 'rather than issues.'],
  ];
  rows.forEach(([lead, link, tail], i) => {
    const y = 50 + i * 50;
    const x = 20 + lead.length * 7.6;
    const width = link.length * 7.6;
    s.text(20, y, 14, c.fg, lead).text(x + 6, y, 14, c.link, link).rect(x + 6, y + 2, width, 1, c.link).text(x + 14 + width, y, 14, c.fg, tail);
  });
  return s.build();
}

describe('underscores in code, read from the pixels', () => {
  const engine = sharedOcrEngine();

  for (const theme of ['dark', 'light'] as const) {
    it(`keeps snake_case identifiers and digit groups in a ${theme} editor`, async () => {
      const scene = editor(theme);
      const r = await engine().recognize(await renderScreen(scene), { name: `${theme}-editor.png` });
      const underscored = CODE.flatMap((l) => l.split(/\s+/)).filter((w) => w.includes('_'));
      const { missed } = wordsFound(scene.lines, r.text);
      assert.deepEqual(missed.filter((w) => underscored.includes(w)), [], r.text);
      assert.ok(wordsFound(scene.lines, r.text).share >= 0.9, r.text);
    });

    it(`does not turn the underline of a link into underscores (${theme} prose)`, async () => {
      const scene = prose(theme);
      const r = await engine().recognize(await renderScreen(scene), { name: `${theme}-prose.png` });
      assert.ok(!r.text.includes('_'), r.text);
      const { share, missed } = wordsFound(scene.lines, r.text);
      assert.ok(share >= 0.95, `${missed.join(' | ')}\n${r.text}`);
    });
  }
});

// ---- the rule on drawn pixels ------------------------------------------------------------------------------------

/** A white image with black rectangles [x0, y0, x1, y1) (x1, y1 exclusive). */
function drawn(width: number, height: number, rects: readonly (readonly [number, number, number, number])[]): GreyImage {
  const data = new Uint8Array(width * height).fill(255);
  for (const [x0, y0, x1, y1] of rects) for (let y = y0; y < y1; y++) data.fill(0, y * width + x0, y * width + x1);
  return { width, height, data };
}

const word = (text: string, x0: number, x1: number): BoxedWord => ({ text, confidence: 90, bbox: { x0, y0: 20, x1, y1: 42 } });
/** Two words' letters: stems at the ends of their boxes and a bar at the top (a box's ink, not what is between). */
const letters: (readonly [number, number, number, number])[] = [[10, 20, 12, 42], [48, 20, 50, 42], [70, 20, 72, 42], [108, 20, 110, 42], [10, 20, 50, 22], [70, 20, 110, 22]];

describe('the underscore rule on drawn pixels', () => {
  const pair = [word('MAX', 10, 50), word('ENTRIES', 70, 110)];

  it('joins two words across a low run of ink in the blank between them', () => {
    const image = drawn(130, 70, [...letters, [52, 45, 68, 47]]);
    assert.deepEqual(mendUnderscores(pair, image).map((w) => w.text), ['MAX_ENTRIES']);
  });

  it('keeps the line\'s indentation and its other runs of spaces when it joins two of its words', () => {
    const image = drawn(130, 70, [...letters, [52, 45, 68, 47]]);
    const line = { text: '    MAX ENTRIES', confidence: 90, bbox: { x0: 0, y0: 20, x1: 130, y1: 42 }, words: pair };
    const out = mendBlocks([{ paragraphs: [{ lines: [line] }] }], image)[0]?.paragraphs?.[0]?.lines?.[0];
    assert.equal(out?.text, '    MAX_ENTRIES');
    assert.deepEqual(out?.words?.map((w) => w.text), ['MAX_ENTRIES']);
  });

  it('keeps the newlines around a line (Tesseract ends its text with one) when it joins two of its words', () => {
    const image = drawn(130, 70, [...letters, [52, 45, 68, 47]]);
    const line = { text: '\n\t  MAX \t ENTRIES\n\n', confidence: 90, bbox: { x0: 0, y0: 20, x1: 130, y1: 42 }, words: pair };
    const out = mendBlocks([{ paragraphs: [{ lines: [line] }] }], image)[0]?.paragraphs?.[0]?.lines?.[0];
    assert.equal(out?.text, '\n\t  MAX_ENTRIES\n\n');
  });

  it('joins a word that starts with the underscore it read to the word its box touches, with one underscore', () => {
    const image = drawn(130, 70, letters);
    const words = [word('node', 10, 50), word('_modules', 51, 110)];
    assert.deepEqual(mendUnderscores(words, image).map((w) => w.text), ['node_modules']);
  });

  it('keeps a blank, a hyphen-high run and an underline as spaces', () => {
    for (const extra of [[], [[52, 30, 68, 32]], [[10, 45, 110, 47]]] as (readonly [number, number, number, number])[][]) {
      const image = drawn(130, 70, [...letters, ...extra]);
      assert.deepEqual(mendUnderscores(pair, image).map((w) => w.text), ['MAX', 'ENTRIES'], JSON.stringify(extra));
    }
  });

  it('keeps the space under a link whose underline is broken around descenders', () => {
    // Under each word the underline covers less than half its width (gaps around descenders), but runs on past the blank.
    const broken: (readonly [number, number, number, number])[] = [[12, 45, 16, 47], [24, 45, 28, 47], [40, 45, 68, 47], [70, 45, 82, 47], [95, 45, 100, 47]];
    const image = drawn(130, 70, [...letters, ...broken]);
    assert.deepEqual(mendUnderscores(pair, image).map((w) => w.text), ['MAX', 'ENTRIES']);
  });

  it('does not take the top of the next line for an underscore', () => {
    const image = drawn(130, 70, [...letters, [52, 56, 68, 58]]);
    assert.deepEqual(mendUnderscores(pair, image).map((w) => w.text), ['MAX', 'ENTRIES']);
  });
});
