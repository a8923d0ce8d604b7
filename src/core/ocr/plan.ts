/**
 * The plan for reading an image (in the OCR worker thread, the LAYOUT action): the text's x-height, the scale to read
 * it at, and the regions in reading order (layout.ts), each with its own x-height and scale when its text is clearly
 * larger or smaller than the rest (a heading, a big number on a dashboard). Pure functions, no I/O.
 */
import { findRegions } from './layout';
import { INK_LEVEL } from './textInk';
import { flatBackground } from './polarity';
import { measureForLayout, scaleFor } from './prepare';
import type { GreyImage, LayoutAnswer, LayoutPayload, OcrRegion } from './protocol';
import { measureText } from './textSize';

/** Tesseract's page segmentation: 6 reads a region as one block of lines, 3 finds the blocks of a whole page itself. */
export const PSM_BLOCK = '6';
export const PSM_PAGE = '3';

/** A region's own text size counts when it differs from the page's by more than this factor. */
const OWN_SIZE = 1.5;

/**
 * More regions than this (scattered labels, a mosaic of tiles) and the page is read whole with Tesseract's own layout:
 * each region costs a call of its own (preparing, thresholding, finding its lines), so hundreds would cost more than
 * they give.
 */
export const MAX_REGIONS = 64;

export function planRegions(payload: LayoutPayload): LayoutAnswer {
  const started = performance.now();
  const { grey, prepare } = payload;
  const { xHeight, normalised, grid, scale } = measureForLayout(grey, prepare);
  const all = { x: 0, y: 0, width: grey.width, height: grey.height };
  const whole: OcrRegion = { rect: all, text: all, xHeight, scale, ink: grey.width * grey.height };
  // No text-like shapes (nothing to cut by), or the whole page asked for: Tesseract's own layout on the whole image
  // (the same past MAX_REGIONS).
  if (xHeight === undefined || prepare.layout === 'page') return { xHeight, scale, regions: [whole], psm: PSM_PAGE, layoutMs: performance.now() - started };
  const found = findRegions(grey, normalised, xHeight);
  if (found.length > MAX_REGIONS) return { xHeight, scale, regions: [whole], psm: PSM_PAGE, layoutMs: performance.now() - started };
  const regions = found.map(({ rect, text, ink }): OcrRegion => {
    const flat = flatBackground(grid, rect);
    const own = measureText(cut(normalised, text)).xHeight;
    if (own === undefined || (own / xHeight < OWN_SIZE && xHeight / own < OWN_SIZE) || !(prepare.rescale ?? true)) return { rect, text, xHeight, scale, ink, flat };
    return { rect, text, xHeight: own, scale: scaleFor(rect, own), ink, flat };
  });
  return { xHeight, scale, regions: halves(regions, normalised), psm: PSM_BLOCK, layoutMs: performance.now() - started };
}

/**
 * A region holding most of the page's ink (a full-screen terminal, a long file) cut in two at the gap between lines
 * nearest its middle, so two workers share it; the second half `continues` the first (one block in the text).
 */
function halves(regions: readonly OcrRegion[], normalised: GreyImage): OcrRegion[] {
  const total = regions.reduce((n, r) => n + r.ink, 0);
  return regions.flatMap((region) => {
    if (region.ink < BIG * total) return [region];
    const at = middleGap(normalised, region.text);
    if (at === undefined) return [region];
    const { rect, text } = region;
    const top = { ...region, rect: { ...rect, height: at - rect.y }, text: { ...text, height: at - text.y }, ink: region.ink / 2 };
    const bottom = { ...region, rect: { ...rect, y: at, height: rect.y + rect.height - at }, text: { ...text, y: at, height: text.y + text.height - at }, ink: region.ink / 2, continues: true };
    return [top, bottom];
  });
}

/** A region with this share of the page's ink or more is read in two halves. */
const BIG = 0.4;

/** The row, in the middle of a gap between lines, that splits the ink of `rect` most evenly (undefined: under 8 lines). */
function middleGap(normalised: GreyImage, rect: { x: number; y: number; width: number; height: number }): number | undefined {
  const rows = new Int32Array(rect.height);
  for (let y = 0; y < rect.height; y++) {
    const row = (rect.y + y) * normalised.width + rect.x;
    for (let x = 0; x < rect.width; x++) if (normalised.data[row + x] < INK_LEVEL) rows[y]++;
  }
  const total = rows.reduce((a, b) => a + b, 0);
  let best: number | undefined;
  let bestDistance = Infinity;
  let lines = 0;
  let above = 0;
  for (let y = 0; y < rect.height; y++) {
    if (rows[y] > 0 && (y === 0 || rows[y - 1] === 0)) lines++;
    above += rows[y];
    if (rows[y] === 0 && y > 0 && rows[y - 1] > 0 && Math.abs(above - total / 2) < bestDistance) {
      bestDistance = Math.abs(above - total / 2);
      let end = y;
      while (end < rect.height && rows[end] === 0) end++;
      best = rect.y + ((y + end) >> 1);
    }
  }
  return lines >= 8 ? best : undefined;
}

/** The pixels of `rect`. */
export function cut(image: GreyImage, rect: { x: number; y: number; width: number; height: number }): GreyImage {
  const { x, y, width, height } = rect;
  if (x === 0 && y === 0 && width === image.width && height === image.height) return image;
  const data = new Uint8Array(width * height);
  for (let r = 0; r < height; r++) data.set(image.data.subarray((y + r) * image.width + x, (y + r) * image.width + x + width), r * width);
  return { width, height, data };
}
