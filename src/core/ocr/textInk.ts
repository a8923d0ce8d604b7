/**
 * What counts as text ink when cutting a screen into regions (layout.ts): the normalised image's dark pixels, less
 * rules, borders and box-drawing lines and the specks at their ends. Pure functions, no I/O.
 */
import { extremeFilter } from './filters';
import type { GreyImage } from './protocol';

/** Darker than this counts as ink in a normalised image (dark ink on white: anti-aliased edges and dim text count). */
export const INK_LEVEL = 200;
/** How far from a rule its specks reach (a rounded corner's arc, anti-aliasing), in pixels. */
export const RULE_REACH = 3;

/**
 * 1 where the normalised image is text ink: darker than {@link INK_LEVEL}, less the long straight runs (rules, borders,
 * box-drawing lines): down a column longer than 3.5 x-heights (a '|' or a bracket is about 2.4), along a row longer
 * than 8 (an underscore is about 1).
 */
export function textInk(normalised: GreyImage, x: number): Uint8Array {
  const { width: w, height: h, data } = normalised;
  const ink = new Uint8Array(w * h);
  for (let i = 0; i < ink.length; i++) ink[i] = data[i] < INK_LEVEL ? 1 : 0;
  const out = ink.slice();
  const tallest = Math.round(3.5 * x);
  const widest = Math.round(8 * x);
  // Down the columns, row by row: the length of each column's current run; a run that ends too long is cleared.
  const run = new Int32Array(w);
  for (let y = 0; y <= h; y++) {
    for (let c = 0; c < w; c++) {
      if (y < h && ink[y * w + c]) {
        run[c]++;
        continue;
      }
      if (run[c] > tallest) for (let k = y - run[c]; k < y; k++) out[k * w + c] = 0;
      run[c] = 0;
    }
  }
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let c = 0;
    while (c < w) {
      if (!ink[row + c]) {
        c++;
        continue;
      }
      const from = c;
      while (c < w && ink[row + c]) c++;
      if (c - from > widest) out.fill(0, row + from, row + c);
    }
  }
  return withoutRuleEnds(ink, out, w, h);
}

/**
 * `kept` less what lies within {@link RULE_REACH} px of a rule taken out of `ink`: a box's rounded corners and the
 * anti-aliased ends of its borders would otherwise stay as specks of "text" on the box's edge, and the region's text
 * would reach out to the border (Tesseract then read "10.0.0.12" inside a bordered box as "10.60.0.12").
 */
function withoutRuleEnds(ink: Uint8Array, kept: Uint8Array, w: number, h: number): Uint8Array {
  const rules = new Uint8Array(ink.length);
  let any = false;
  for (let i = 0; i < ink.length; i++) {
    if (ink[i] && !kept[i]) {
      rules[i] = 255;
      any = true;
    }
  }
  if (!any) return kept;
  const near = extremeFilter(rules, w, h, 2 * RULE_REACH + 1, true);
  for (let i = 0; i < kept.length; i++) if (near[i]) kept[i] = 0;
  return kept;
}
