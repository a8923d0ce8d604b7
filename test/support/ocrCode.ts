/**
 * For the OCR tests of code (glyphs, quotes, spacing, underscores): one engine per `describe`, and a dark editor of
 * DejaVu Sans Mono lines whose text is known.
 */
import { after, before } from 'node:test';
import { OcrEngine } from '../../src/core/ocr';
import { SceneBuilder, type Scene } from './screens';

/** An OCR engine started before the enclosing `describe`'s tests and ended after them. */
export function sharedOcrEngine(): () => OcrEngine {
  let engine: OcrEngine | undefined;
  before(() => {
    engine = new OcrEngine();
  });
  after(async () => {
    await engine?.dispose();
  });
  return () => {
    if (!engine) throw new Error('sharedOcrEngine: used outside its describe');
    return engine;
  };
}

/**
 * A dark editor (900 px wide, 22 px a line): `lines` in 13-px DejaVu Sans Mono, line i in `colour(i)`; with `gutter`,
 * grey line numbers in front (digits drawn apart from letters).
 */
export function darkCode(lines: readonly string[], colour: (i: number) => string, gutter = false): Scene {
  const s = new SceneBuilder(900, 40 + lines.length * 22, '#1e1e1e', "'DejaVu Sans Mono'");
  lines.forEach((line, i) => {
    if (gutter) s.text(16, 30 + i * 22, 13, '#858585', String(i + 1), { mono: true });
    if (line) s.text(gutter ? 64 : 20, 30 + i * 22, 13, colour(i), line, { mono: true });
  });
  return s.build();
}
