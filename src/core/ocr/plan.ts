/**
 * The plan for reading an image (in the OCR worker thread, the LAYOUT action): the text's x-height, the scale to read
 * it at, and the regions in reading order (layout.ts), each with its own x-height and scale when its text is clearly
 * larger or smaller than the rest (a heading, a big number on a dashboard). Pure functions, no I/O.
 */
import { findRegions } from './layout';
import { flatBackground } from './polarity';
import { measureForLayout, scaleFor } from './prepare';
import type { GreyImage, LayoutAnswer, LayoutPayload, OcrRegion } from './protocol';
import { measureText } from './textSize';

/** Tesseract's page segmentation: 6 reads a region as one block of lines, 3 finds the blocks of a whole page itself. */
export const PSM_BLOCK = '6';
export const PSM_PAGE = '3';

/** A region's own text size counts when it differs from the page's by more than this factor. */
const OWN_SIZE = 1.5;

export function planRegions(payload: LayoutPayload): LayoutAnswer {
  const started = performance.now();
  const { grey, prepare } = payload;
  const { xHeight, normalised, grid, scale } = measureForLayout(grey, prepare);
  const all = { x: 0, y: 0, width: grey.width, height: grey.height };
  const whole: OcrRegion = { rect: all, text: all, xHeight, scale, ink: grey.width * grey.height };
  // No text-like shapes (nothing to cut by), or the whole page asked for: Tesseract's own layout on the whole image.
  if (xHeight === undefined || prepare.layout === 'page') return { xHeight, scale, regions: [whole], psm: PSM_PAGE, layoutMs: performance.now() - started };
  const regions = findRegions(grey, normalised, xHeight).map(({ rect, text, ink }): OcrRegion => {
    const flat = flatBackground(grid, rect);
    const own = measureText(cut(normalised, text)).xHeight;
    if (own === undefined || (own / xHeight < OWN_SIZE && xHeight / own < OWN_SIZE) || !(prepare.rescale ?? true)) return { rect, text, xHeight, scale, ink, flat };
    return { rect, text, xHeight: own, scale: scaleFor(rect, own), ink, flat };
  });
  return { xHeight, scale, regions, psm: PSM_BLOCK, layoutMs: performance.now() - started };
}

/** The pixels of `rect`. */
export function cut(image: GreyImage, rect: { x: number; y: number; width: number; height: number }): GreyImage {
  const { x, y, width, height } = rect;
  if (x === 0 && y === 0 && width === image.width && height === image.height) return image;
  const data = new Uint8Array(width * height);
  for (let r = 0; r < height; r++) data.set(image.data.subarray((y + r) * image.width + x, (y + r) * image.width + x + width), r * width);
  return { width, height, data };
}
