/**
 * The OCR engine's newest passes against hostile input (src/core/ocr/glyphs.ts, glyphShapes.ts, quotes.ts, dropped.ts,
 * spacing.ts, and layout.ts's rules at the edge of a gap): real text rendered with the bundled DejaVu fonts and
 * synthetic Tesseract blocks on drawn pixels. Each test is a case that once went wrong: a line cut apart at its word
 * spaces, and a region of big glyphs that took seconds to group.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeForOcr } from '../../../src/core/ocr';
import { agreeGlyphs, MAX_GLYPHS } from '../../../src/core/ocr/glyphs';
import { findRegions } from '../../../src/core/ocr/layout';
import type { TesseractJsonLine, TesseractJsonWord } from '../../../src/core/ocr/lines';
import { measureForLayout } from '../../../src/core/ocr/prepare';
import type { GreyImage } from '../../../src/core/ocr/protocol';
import { renderScreen } from '../../support/denseScreens';
import { SceneBuilder } from '../../support/screens';

describe('layout: rules at the very edge of a gap', () => {
  it('does not cut a single line of anti-aliased text at its word spaces (a stem’s faint edge is no rule)', async () => {
    // A menu bar, a button, a title: one line each, drawn at sub-pixel offsets as a screen draws them. A word that
    // ends or starts with a stem (l, d, B, H) leaves a faint anti-aliased column inside the word space, from the
    // line's top to its baseline.
    const cases = [
      ['File Edit Selection View Help', 13, 0.25],
      ['Install all Hell will Build', 13, 0],
      ['Tell Bill Hill', 13, 0.5],
      ['Full build will fail', 12, 0.25],
      ['Unhandled build failed', 14, 0],
    ] as const;
    const cut: string[] = [];
    for (const [text, size, dx] of cases) {
      const scene = new SceneBuilder(400, 40, '#1e1e1e').text(20 + dx, 25, size, '#d4d4d4', text).build();
      const { grey } = await decodeForOcr(await renderScreen(scene), 'line.png');
      const { xHeight, normalised } = measureForLayout(grey);
      assert.ok(xHeight !== undefined, text);
      const regions = findRegions(grey, normalised, xHeight);
      if (regions.length !== 1) cut.push(`${text} (${size}px +${dx}): ${regions.length} regions`);
    }
    assert.deepEqual(cut, []);
  });
});

/**
 * Lines of one-symbol words, each symbol a dark bar `w` × `h` with a notch of its own (alike, not identical), read in
 * turn as `l` and `1`.
 */
function bars(count: number, w: number, h: number): { image: GreyImage; blocks: [{ paragraphs: [{ lines: TesseractJsonLine[] }] }] } {
  const perLine = 10;
  const [width, height] = [perLine * (w + 20), Math.ceil(count / perLine) * (h + 10)];
  const data = new Uint8Array(width * height).fill(255);
  const lines: TesseractJsonLine[] = [];
  for (let i = 0; i < count; i++) {
    const [x, y] = [(i % perLine) * (w + 20) + 5, Math.floor(i / perLine) * (h + 10) + 5];
    const notch = Math.round(((i * 7) % 10) * 0.03 * h);
    for (let yy = 0; yy < h; yy++) for (let xx = 0; xx < w; xx++) if (xx >= w / 3 || yy >= notch) data[(y + yy) * width + x + xx] = 0;
    const bbox = { x0: x, y0: y, x1: x + w, y1: y + h };
    const text = i % 2 ? '1' : 'l';
    const word: TesseractJsonWord = { text, confidence: 90, bbox, symbols: [{ text, confidence: 90, bbox }] };
    if (i % perLine === 0) lines.push({ text: '', confidence: 90, bbox: { x0: 0, y0: y - 5, x1: width, y1: y + h + 5 }, words: [] });
    const line = lines[lines.length - 1] as TesseractJsonLine;
    line.words?.push(word);
    line.text = (line.words ?? []).map((v) => v.text).join(' ');
  }
  return { image: { width, height, data }, blocks: [{ paragraphs: [{ lines }] }] };
}

describe('glyphs: time', () => {
  it('does not spend seconds grouping fewer than MAX_GLYPHS glyphs when they are big (a slide, text on a pattern)', () => {
    // Grouping compares every pair of glyphs pixel by pixel: the count alone does not bound it. 240 glyphs 60 × 100
    // (text 100 px tall in the prepared image, or letters merged with a background pattern) took 8 s.
    const { image, blocks } = bars(MAX_GLYPHS - 10, 60, 100);
    const started = performance.now();
    agreeGlyphs(blocks, image);
    const ms = performance.now() - started;
    assert.ok(ms < 2000, `${Math.round(ms)} ms`);
  });
});
