/**
 * The OCR engine's newest passes against hostile input (src/core/ocr/glyphs.ts, glyphShapes.ts, quotes.ts, dropped.ts,
 * spacing.ts, and layout.ts's rules at the edge of a gap): real text rendered with the bundled DejaVu fonts and
 * synthetic Tesseract blocks on drawn pixels. Each test is a case that once went wrong: a line cut apart at its word
 * spaces, … (see each test).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeForOcr } from '../../../src/core/ocr';
import { findRegions } from '../../../src/core/ocr/layout';
import { measureForLayout } from '../../../src/core/ocr/prepare';
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
