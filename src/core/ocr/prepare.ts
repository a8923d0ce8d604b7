/**
 * Preparing screenshots for Tesseract (in the OCR worker thread, before recognition).
 *
 * Tesseract reads dark text on a light page at a comfortable size; screenshots have dark themes, white labels on
 * coloured buttons and 7-px-high letters. Two steps, each measured in bench/sections/ocr.mjs (plain tesseract.js on the
 * same images alongside):
 *
 * 1. **Polarity and background** (`normalise`, polarity.ts): each region is read as light-on-dark or dark-on-light
 *    from the ink it holds (pixels clearly lighter or darker than the median around them, over about three x-heights);
 *    light-on-dark regions are inverted; and every pixel is divided by its own background — a grey closing (or
 *    opening) that erases strokes and keeps larger areas with their exact edges. A dark editor, a blue button, a grey
 *    toolbar all become dark text on white, with no blocks or marks where regions meet. Without it Tesseract's global
 *    threshold turns a white-on-blue button into one black block: 0 % of the button labels, against 100 % with it.
 * 2. **Scale** (`rescale`, textSize.ts and resample.ts): the x-height is measured (connected components of the ink)
 *    and the image resized so it is about 16 px (UI text of 10–14 px is enlarged 2–3×, huge text is reduced), within a
 *    pixel budget: 10.5-px text goes from 87 % to 100 % of the words.
 *
 * Grey is the input format (one byte per pixel, handed to Tesseract as PGM: nothing to encode or decode). Tried and
 * left out because they did not help on the test screenshots: Tesseract's own adaptive thresholds (Leptonica Otsu,
 * Sauvola: worse on dark themes), page segmentation 11/12 (sparse text: no more words, reading order lost), turning
 * off the dictionaries, a fixed DPI, `tessedit_do_invert` off (no change once regions are normalised), dividing by the
 * median alone (marks at button edges read as "[" in front of labels). A second pass on the inverted image was not
 * needed: the per-region polarity reads dark themes and buttons in one pass.
 *
 * Pure functions, no I/O, no native code.
 */
import { clamp } from './filters';
import type { Rect } from './layout';
import { normaliseByMedian, normaliseByMorphology, normaliseFlat, polarityGrid, strokeBackgrounds, type FlatBackground, type PolarityGrid } from './polarity';
import { MAX_OCR_SIDE, MAX_PREPARED_PIXELS, type GreyImage, type OcrPrepareOptions } from './protocol';
import { resizeGrey } from './resample';
import { RULE_REACH } from './textInk';
import { measureText } from './textSize';

export interface OcrPrepared {
  /** What the engine reads. */
  readonly image: GreyImage;
  /** Prepared pixels per original pixel (divide the engine's coordinates by it). */
  readonly scale: number;
  /** The text's estimated x-height in original pixels (undefined: no text-like shapes found). */
  readonly xHeight: number | undefined;
  /** Share of the image read as light-on-dark and inverted (0–1). */
  readonly invertedShare: number;
}

/** The x-height, in pixels, the prepared image aims at (Tesseract's LSTM reads 20–40 px text best). */
export const TARGET_X_HEIGHT = 16;
/** Scale limits: enlarge at most 3×, reduce at most to half. */
export const MAX_SCALE = 3;
export const MIN_SCALE = 0.5;
/** The largest prepared image, in pixels: see protocol.ts. */
export { MAX_PREPARED_PIXELS };

/** The background window for text of 12–16 px (an x-height of 6–8 px), the most common in screenshots. */
const USUAL_WINDOW = 21;

/**
 * The square that erases strokes: wider than the thickest stroke (bold text: about a quarter of the x-height, plus
 * anti-aliasing), far narrower than a small button (about four x-heights). Odd: 5 px for 13-px text.
 */
function strokeWindow(xHeight: number | undefined): number {
  return (clamp(Math.round(0.6 * (xHeight ?? 7)), 3, 41) >> 1) * 2 + 1;
}

/** Prepare a grey image for Tesseract: measure the text, then normalise and resize (normalising at the smaller size). */
export function prepareForOcr(grey: GreyImage, options: OcrPrepareOptions = {}): OcrPrepared {
  const rescale = options.rescale ?? true;
  const normalise = options.normalise ?? true;
  if (!rescale && !normalise) return { image: grey, scale: 1, xHeight: undefined, invertedShare: 0 };
  const { xHeight, usualGrid } = measureTextSize(grey);
  const scale = rescale && xHeight !== undefined ? scaleFor(grey, xHeight) : 1;
  return { ...prepareRegion(grey, xHeight, scale, options, usualGrid), xHeight };
}

/**
 * Prepare a region (or a whole image) whose text's x-height is known: normalise and resize by `scale` (normalising at
 * the smaller of the two sizes: reduce first, enlarge after). `usual`: the polarity grid of this same image with the
 * usual window, when already measured.
 */
export function prepareRegion(grey: GreyImage, xHeight: number | undefined, scale: number, options: OcrPrepareOptions = {}, usual?: PolarityGrid | FlatBackground): Omit<OcrPrepared, 'xHeight'> {
  const s = (options.rescale ?? true) ? scale : 1;
  const width = Math.max(1, Math.round(grey.width * s));
  const height = Math.max(1, Math.round(grey.height * s));
  let image = s < 1 ? resizeGrey(grey, width, height) : grey;
  let invertedShare = 0;
  if ((options.normalise ?? true) && usual && 'level' in usual) {
    image = normaliseFlat(image, usual);
    invertedShare = usual.inverted ? 1 : 0;
  } else if (options.normalise ?? true) {
    const x = xHeight === undefined ? undefined : xHeight * (s < 1 ? width / grey.width : 1);
    ({ image, invertedShare } = normaliseRegions(image, x, image === grey && usual && !('level' in usual) ? usual : undefined));
  }
  if (s > 1) image = resizeGrey(image, width, height);
  return { image, scale: width / grey.width, invertedShare };
}

/**
 * The text's box as shown to Tesseract (region pixels): its ink box — ink is what is darker than a threshold, so it
 * misses the anti-aliased edges of glyphs (a capital's top, a full stop) — grown by a quarter x-height, never by more
 * than {@link RULE_REACH} (text's ink stops that far from a box's border, which must stay out of sight), within the
 * region.
 */
export function shownText(region: { readonly rect: Rect; readonly text: Rect; readonly xHeight?: number | undefined }): Rect {
  const halo = Math.min(Math.ceil((region.xHeight ?? 0) / 4), RULE_REACH);
  const x0 = Math.max(0, region.text.x - region.rect.x - halo);
  const y0 = Math.max(0, region.text.y - region.rect.y - halo);
  const x1 = Math.min(region.rect.width, region.text.x - region.rect.x + region.text.width + halo);
  const y1 = Math.min(region.rect.height, region.text.y - region.rect.y + region.text.height + halo);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** White around the text shown to Tesseract, prepared pixels (an x-height): a lone "4" touching the edge read "a". */
export const FRAME = TARGET_X_HEIGHT;

/**
 * The text of a prepared region on white: `inner` (the text's place in the region, region pixels) cut out of the
 * prepared image (`scale` prepared pixels per region pixel) with a white border of {@link FRAME}; the margin around the
 * text, needed to prepare it, is not shown (it may hold a box's border or a neighbour's edge). Also where the text's
 * corner landed, in prepared pixels of the region.
 */
export function framed(image: GreyImage, inner: { x: number; y: number; width: number; height: number }, scale: number): { image: GreyImage; x: number; y: number } {
  const x0 = clamp(Math.floor(inner.x * scale), 0, image.width - 1);
  const y0 = clamp(Math.floor(inner.y * scale), 0, image.height - 1);
  const x1 = clamp(Math.ceil((inner.x + inner.width) * scale), x0 + 1, image.width);
  const y1 = clamp(Math.ceil((inner.y + inner.height) * scale), y0 + 1, image.height);
  const width = x1 - x0 + 2 * FRAME;
  const height = y1 - y0 + 2 * FRAME;
  const data = new Uint8Array(width * height).fill(255);
  for (let y = y0; y < y1; y++) data.set(image.data.subarray(y * image.width + x0, y * image.width + x1), (y - y0 + FRAME) * width + FRAME);
  return { image: { width, height, data }, x: x0 - FRAME, y: y0 - FRAME };
}

/**
 * What the layout needs (layout.ts): the text's x-height and the image quickly normalised (dark ink on white, by the
 * median background of the window that showed more glyphs), and the scale to read it at.
 */
export function measureForLayout(grey: GreyImage, options: OcrPrepareOptions = {}): { xHeight: number | undefined; normalised: GreyImage; grid: PolarityGrid; scale: number } {
  const { xHeight, normalised, grid } = measureTextSize(grey);
  const scale = (options.rescale ?? true) && xHeight !== undefined ? scaleFor(grey, xHeight) : 1;
  return { xHeight, normalised, grid, scale };
}

/**
 * The text's x-height. The text's size decides the window, the window decides what is seen as text: measure on two
 * windows — a wide one (any text size on a large background) and one for common UI text (small buttons, toolbars) —
 * and believe the one that shows more glyphs. The usual window's grid is kept: normalising may use it again.
 */
function measureTextSize(grey: GreyImage): { xHeight: number | undefined; usualGrid: PolarityGrid; normalised: GreyImage; grid: PolarityGrid } {
  const usualGrid = polarityGrid(grey, USUAL_WINDOW);
  const usualImage = normaliseByMedian(grey, usualGrid);
  const usual = measureText(usualImage);
  const byUsual = { xHeight: usual.xHeight, usualGrid, normalised: usualImage, grid: usualGrid };
  // Plenty of small glyphs: the usual window fits, the wide one cannot show more.
  if (usual.glyphs >= 100 && usual.xHeight !== undefined && usual.xHeight <= 10) return byUsual;
  const wideGrid = polarityGrid(grey, 72);
  const wideImage = normaliseByMedian(grey, wideGrid);
  const wide = measureText(wideImage);
  return usual.glyphs >= wide.glyphs ? byUsual : { xHeight: wide.xHeight, usualGrid, normalised: wideImage, grid: wideGrid };
}

/**
 * The scale that brings the x-height to {@link TARGET_X_HEIGHT}, within the scale limits, the pixel budget and the
 * longest side Tesseract takes, its white frame included (a 21000-px line of small text is not enlarged to 48000).
 */
export function scaleFor(grey: { readonly width: number; readonly height: number }, xHeight: number): number {
  const scale = clamp(TARGET_X_HEIGHT / xHeight, MIN_SCALE, MAX_SCALE);
  const budget = Math.sqrt(MAX_PREPARED_PIXELS / (grey.width * grey.height));
  const side = (MAX_OCR_SIDE - 2 * FRAME) / Math.max(grey.width, grey.height);
  const within = Math.min(scale, Math.max(budget, MIN_SCALE));
  // Within 10 % of the target the resampling costs more than it gives.
  return Math.min(Math.abs(within - 1) < 0.1 ? 1 : within, side);
}

/**
 * Dark ink on white, with a window and a stroke size fitted to the text's x-height `x` (pixels of `image`; `usual`:
 * the grid measured on this same image with the usual window, used when the fitted window is close to it).
 */
function normaliseRegions(image: GreyImage, x: number | undefined, usual: PolarityGrid | undefined): { image: GreyImage; invertedShare: number } {
  const window = x === undefined ? USUAL_WINDOW : clamp(Math.round(3 * x), 12, 120);
  const coarse = usual && Math.abs(window - USUAL_WINDOW) <= 6 ? usual : polarityGrid(image, window);
  // One polarity everywhere (a plain light or dark theme): only its background is needed. Mixed: both, and the
  // polarity decided again with only the pixels near strokes voting (see polarityGrid).
  const one = coarse.invertedShare === 0 || coarse.invertedShare === 1;
  const backgrounds = strokeBackgrounds(image, strokeWindow(x), one ? (coarse.invertedShare === 0 ? 'closed' : 'opened') : 'both');
  const grid = one ? coarse : polarityGrid(image, window, backgrounds);
  return { image: normaliseByMorphology(image, grid, backgrounds), invertedShare: grid.invertedShare };
}
