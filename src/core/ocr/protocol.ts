/**
 * What the OCR engine (engine.ts, in the caller's thread) and the OCR worker thread (worker.ts, bundled on its own as
 * dist/assets/ocr/ocr-worker.js) say to each other: the messages, Tesseract's settings, the image handed over and the
 * lines handed back. Types and a few constants only, nothing that runs: the engine imports this file, never the
 * worker's code (an import of the worker's file for its constants once pulled ~100 KB of tesseract.js's worker code
 * into the extension's bundle).
 */

/** An 8-bit grey image, one byte per pixel, top row first. */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export interface OcrPrepareOptions {
  /** Resize so the text's x-height is about 16 px (prepare.ts, TARGET_X_HEIGHT; default true). */
  readonly rescale?: boolean | undefined;
  /** Invert light-on-dark regions and divide out the background (default true). */
  readonly normalise?: boolean | undefined;
  /**
   * `regions` (default): find the screen's regions (layout.ts) and read each as a block of lines, in parallel;
   * `page`: the whole image at once with Tesseract's own layout analysis (page segmentation 3), as before regions.
   */
  readonly layout?: 'regions' | 'page' | undefined;
}

// ---- results -----------------------------------------------------------------------------------------------

/** A rectangle in the original image's pixels (after EXIF orientation; an SVG: its own units). */
export interface OcrBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface OcrWord {
  readonly text: string;
  /** 0–100. */
  readonly confidence: number;
  readonly box: OcrBox;
}

export interface OcrLine {
  /** The line as read, spaces between words kept. */
  readonly text: string;
  /** 0–100. */
  readonly confidence: number;
  readonly box: OcrBox;
  readonly words: readonly OcrWord[];
  /** Index of the text block the line belongs to (blocks are in reading order). */
  readonly block: number;
}

// ---- the protocol between the threads -------------------------------------------------------------------------

/**
 * The largest image the worker prepares, in pixels (time and the worker's memory grow with it): prepare.ts reduces to
 * it, and decode.ts (readSize.ts) reads no larger, since more would only be shrunk in the worker after it held it all.
 */
export const MAX_PREPARED_PIXELS = 16_000_000;

/**
 * The longest side Tesseract takes: it keeps coordinates in 16-bit integers, and tesseract.js fails on a wider or
 * taller page ("Unexpected end of JSON input"). decode.ts reads no longer; prepare.ts never enlarges past it.
 */
export const MAX_OCR_SIDE = 32_767;

/** Marks the OCR worker thread (its workerData). */
export const WORKER_MARK = 'describeImageOcrWorker';
/** Our own actions, beside tesseract.js's (`load`, `loadLanguage`, `initialize`, `setParameters`…). */
export const RECOGNIZE = 'describeImage.recognize';
export const LAYOUT = 'describeImage.layout';
export const LOG = 'describeImage.log';

/** tesseract.js's worker packets: requests carry an action and a payload; answers a status and data. */
export interface Packet {
  readonly workerId: string;
  readonly jobId: string;
  readonly action: string;
  readonly payload?: unknown;
}
export interface Answer {
  readonly jobId: string;
  readonly action: string;
  readonly status: 'resolve' | 'reject' | 'progress';
  readonly data: unknown;
}

/** A rectangle in the decoded image's pixels. */
export interface OcrRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Measure the text and find the regions (LAYOUT): the decoded image and how it is to be prepared. */
export interface LayoutPayload {
  readonly grey: GreyImage;
  readonly prepare: OcrPrepareOptions;
}
/** A region to read, in reading order, with the x-height and scale to read it at (see prepare.ts). */
export interface OcrRegion {
  /** What is cut out and prepared: the text with a margin. */
  readonly rect: OcrRect;
  /** Where the text is (inside `rect`): only this is shown to Tesseract, on white with a white border. */
  readonly text: OcrRect;
  /** The text's x-height in the region, decoded pixels (undefined: no text-like shapes measured). */
  readonly xHeight: number | undefined;
  /** Prepared pixels per decoded pixel. */
  readonly scale: number;
  /** Ink pixels in the region: what reading it will cost, roughly. */
  readonly ink: number;
  /** The second half of a region cut in two to share it between workers (its lines go on the first half's block). */
  readonly continues?: boolean | undefined;
  /** The region's one background, when it has one (polarity.ts, FlatBackground): normalised by it alone. */
  readonly flat?: { readonly level: number; readonly inverted: boolean } | undefined;
}
export interface LayoutAnswer {
  /** The whole image's x-height in decoded pixels (undefined: no text-like shapes found). */
  readonly xHeight: number | undefined;
  /** The scale for that x-height (prepared pixels per decoded pixel). */
  readonly scale: number;
  readonly regions: readonly OcrRegion[];
  /** Tesseract's page segmentation mode for every region: 6 (a block) for regions, 3 for the whole page. */
  readonly psm: string;
  readonly layoutMs: number;
}

/** Prepare and read one region (RECOGNIZE): its pixels, cut from the decoded image at `region.rect`. */
export interface RecognizePayload {
  readonly grey: GreyImage;
  readonly region: OcrRegion;
  readonly psm: string;
  /** Original pixels per decoded pixel (an SVG rendered at another size). */
  readonly unitScale: number;
  readonly prepare: OcrPrepareOptions;
}
/** How an image was prepared: its scale, the text's x-height (original pixels), the share read as light-on-dark. */
export interface OcrPreparation {
  readonly scale: number;
  readonly xHeight: number | undefined;
  readonly invertedShare: number;
}

export interface RecognizeAnswer {
  /** Lines with boxes in the original image's pixels; `block` numbers Tesseract's blocks within the region. */
  readonly lines: OcrLine[];
  readonly meanConfidence: number;
  /** Words read (the weight of meanConfidence when regions are put together). */
  readonly words: number;
  readonly invertedShare: number;
  /** Time spent in the worker: preparing the pixels, Tesseract, then our passes over its words (glyphs, cells, …). */
  readonly prepareMs: number;
  readonly recognizeMs: number;
  readonly passesMs: number;
}

/**
 * Tesseract settings: page segmentation 3 (automatic layout: columns and blocks in reading order; 11 "sparse text"
 * found no more words and loses the order) unless a region is read (each RECOGNIZE sets its own, see LayoutAnswer),
 * runs of spaces between words kept, and never curly quotes — the model
 * often reads the straight quotes of code, paths and logs as ’ (half the closing quotes in the benchmark's code
 * window), so they are ruled out and it picks ' and " instead (typeset prose gets straight quotes: harmless).
 */
export const OCR_PARAMETERS: Readonly<Record<string, string>> = {
  tessedit_pageseg_mode: '3',
  preserve_interword_spaces: '1',
  tessedit_char_blacklist: '‘’“”',
};
/** tesseract's OEM 1: the LSTM engine only (the core shipped has no legacy engine). */
export const OEM_LSTM_ONLY = 1;
