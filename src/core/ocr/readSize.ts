/**
 * The size an image is read at: its own size, reduced only when it has more pixels than the worker is given
 * ({@link MAX_OCR_READ_PIXELS}) or a side longer than Tesseract takes ({@link MAX_OCR_SIDE}); and, when it is reduced,
 * what the user is told: from which size on text may be missed. Pure functions.
 */
import { MAX_OCR_SIDE, MAX_PREPARED_PIXELS } from './protocol';

/**
 * The most pixels handed to the OCR worker: as many as it prepares (protocol.ts, MAX_PREPARED_PIXELS, 16 MP). More
 * would only be shrunk there to that budget, after the worker had held the whole grey image and the arrays measuring
 * it; fewer would lose text that the worker could have read. 16 MP of grey is 16 MB a copy; a 15000×15000 screenshot
 * read at this size peaks at about 0.6 GB for the whole process instead of several GB (test/core/ocr/large.unit.test.ts).
 */
export const MAX_OCR_READ_PIXELS = MAX_PREPARED_PIXELS;

/** The longest side handed to the OCR worker: see protocol.ts. */
export { MAX_OCR_SIDE };

/**
 * The smallest x-height (the height of an "x") read reliably once an image is reduced, in pixels of the reduced image.
 * Measured on the settings page (test/support/screens.ts, 13-px text) reduced by sharp and read by the engine, light
 * and dark (the layout engine, regions read one by one): x-height 5.6 px → 99 % of the words, 5.2 → 100 %, 5.0 → 95 %,
 * 4.6 → 97 %, 4.3 → 90–96 % (resampling makes it uneven below 5 px). The whole-page engine before it read 96–97 % at 5.0.
 */
export const MIN_LEGIBLE_X_HEIGHT = 5;

/** The x-height of common UI fonts, as a share of the font size (DejaVu Sans 0.55, Segoe UI 0.50, SF Pro 0.52). */
const X_HEIGHT_PER_EM = 0.53;

export interface ReadSize {
  readonly width: number;
  readonly height: number;
  /** Read pixels per original pixel (1: read at its own size). */
  readonly scale: number;
  /** What reduced it, if anything: the pixel budget or the longest side. */
  readonly limitedBy: 'pixels' | 'side' | undefined;
}

/** An image read smaller than it is, and what that costs. */
export interface OcrReduction {
  /** The size it was read at. */
  readonly width: number;
  readonly height: number;
  /** Text with a smaller font size than this, in the image's own pixels, may be missed. */
  readonly smallestTextPx: number;
  /** What to tell the user (names the image, the sizes, what may be missed, and what to do). */
  readonly message: string;
}

/**
 * The size to read a `width`×`height` image at: its own, or the largest with the same shape within
 * {@link MAX_OCR_READ_PIXELS} and {@link MAX_OCR_SIDE} (never enlarged: enlarging is the worker's choice, by the size of
 * the text it finds).
 */
export function readSize(width: number, height: number): ReadSize {
  const byPixels = Math.sqrt(MAX_OCR_READ_PIXELS / (width * height));
  const bySide = MAX_OCR_SIDE / Math.max(width, height);
  const scale = Math.min(1, byPixels, bySide);
  if (scale >= 1) return { width, height, scale: 1, limitedBy: undefined };
  // Floor: rounding up could pass the budget; at least one pixel a side (a 100000×1 strip).
  return { width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)), scale, limitedBy: byPixels <= bySide ? 'pixels' : 'side' };
}

/** The font size, in the image's own pixels, under which text is likely lost when read at `scale`. */
export function smallestLegibleText(scale: number): number {
  return Math.ceil(MIN_LEGIBLE_X_HEIGHT / X_HEIGHT_PER_EM / scale);
}

/** What reading `name` (`width`×`height`) at `read` costs, for the result; undefined when it is read at its own size. */
export function reduction(name: string, width: number, height: number, read: ReadSize): OcrReduction | undefined {
  if (read.scale >= 1) return undefined;
  const smallestTextPx = smallestLegibleText(read.scale);
  const megapixels = count((width * height) / 1e6, 1);
  const why = read.limitedBy === 'side' ? `${MAX_OCR_SIDE} px a side` : `${MAX_OCR_READ_PIXELS / 1e6} megapixels`;
  const message = `${name} is ${count(width)}×${count(height)} (${megapixels} megapixels): its text was read at ${read.width}×${read.height}, the most read at once (${why}), so text smaller than about ${count(smallestTextPx)} px may be missed. To read small text, crop the image to the part with the text.`;
  return { width: read.width, height: read.height, smallestTextPx, message };
}

/** A number for a message: as it is, or in exponent notation when an SVG claims an absurd size (1e30 px). */
export function count(n: number, digits = 0): string {
  return n < 1e9 ? n.toFixed(digits) : n.toExponential(1);
}
