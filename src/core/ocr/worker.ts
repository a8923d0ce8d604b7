/**
 * The OCR worker thread: preparing screenshots for Tesseract, then reading them with tesseract.js's worker code
 * (started and driven by ocr.ts; bundled alone as dist/assets/ocr/ocr-worker.js).
 *
 * Tesseract reads dark text on a light page at a comfortable size; screenshots have dark themes, white labels on
 * coloured buttons and 7-px-high letters. Two steps, each measured in bench/sections/ocr.mjs (plain tesseract.js on the
 * same images alongside):
 *
 * 1. **Polarity and background** (`normalise`): each region is read as light-on-dark or dark-on-light from the ink
 *    it holds (pixels clearly lighter or darker than the median around them, over about three x-heights); light-on-dark
 *    regions are inverted; and every pixel is divided by its own background — a grey closing (or opening) that erases
 *    strokes and keeps larger areas with their exact edges. A dark editor, a blue button, a grey toolbar all become
 *    dark text on white, with no blocks or marks where regions meet. Without it Tesseract's global threshold turns a
 *    white-on-blue button into one black block: 0 % of the button labels, against 100 % with it.
 * 2. **Scale** (`rescale`): the x-height is measured (connected components of the ink) and the image resized so it is
 *    about 16 px (UI text of 10–14 px is enlarged 2–3×, huge text is reduced), within a pixel budget: 10.5-px text
 *    goes from 87 % to 100 % of the words.
 *
 * Grey is the input format (one byte per pixel, handed to Tesseract as PGM: nothing to encode or decode). Tried and
 * left out because they did not help on the test screenshots: Tesseract's own adaptive thresholds (Leptonica Otsu,
 * Sauvola: worse on dark themes), page segmentation 11/12 (sparse text: no more words, reading order lost), turning
 * off the dictionaries, a fixed DPI, `tessedit_do_invert` off (no change once regions are normalised), dividing by the
 * median alone (marks at button edges read as "[" in front of labels). A second pass on the inverted image was not
 * needed: the per-region polarity reads dark themes and buttons in one pass.
 *
 * The pixel functions are pure (no I/O, no native code); {@link runOcrWorker} is the thread's entry.
 */
import { promises as fsp, readFileSync } from 'node:fs';
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';

/** An 8-bit grey image, one byte per pixel, top row first. */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export interface OcrPrepareOptions {
  /** Resize so the text's x-height is about {@link TARGET_X_HEIGHT} px (default true). */
  readonly rescale?: boolean | undefined;
  /** Invert light-on-dark regions and divide out the background (default true). */
  readonly normalise?: boolean | undefined;
}

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
/** The largest prepared image, in pixels (time and the worker's memory grow with it). */
export const MAX_PREPARED_PIXELS = 16_000_000;

/** The background window for text of 12–16 px (an x-height of 6–8 px), the most common in screenshots. */
const USUAL_WINDOW = 21;

/**
 * The square that erases strokes: wider than the thickest stroke (bold text: about a quarter of the x-height, plus
 * anti-aliasing), far narrower than a small button (about four x-heights). Odd: 5 px for 13-px text.
 */
function strokeWindow(xHeight: number | undefined): number {
  return (clamp(Math.round(0.6 * (xHeight ?? 7)), 3, 41) >> 1) * 2 + 1;
}

/** Prepare a grey image for Tesseract. */
export function prepareForOcr(grey: GreyImage, options: OcrPrepareOptions = {}): OcrPrepared {
  const rescale = options.rescale ?? true;
  const normalise = options.normalise ?? true;
  if (!rescale && !normalise) return { image: grey, scale: 1, xHeight: undefined, invertedShare: 0 };
  // The text's size decides the window, the window decides what is seen as text: measure on two windows — a wide one
  // (any text size on a large background) and one for common UI text (small buttons, toolbars) — and believe the one
  // that shows more glyphs. Then normalise with a window and a stroke size fitted to that size.
  const usualGrid = polarityGrid(grey, USUAL_WINDOW);
  const usual = measureText(normaliseByMedian(grey, usualGrid));
  // Plenty of small glyphs: the usual window fits, the wide one cannot show more.
  const enough = usual.glyphs >= 100 && usual.xHeight !== undefined && usual.xHeight <= 10;
  const wide = enough ? usual : measureText(normaliseByMedian(grey, polarityGrid(grey, 72)));
  const xHeight = (usual.glyphs >= wide.glyphs ? usual : wide).xHeight;
  let scale = 1;
  if (rescale && xHeight !== undefined) {
    scale = clamp(TARGET_X_HEIGHT / xHeight, MIN_SCALE, MAX_SCALE);
    const budget = Math.sqrt(MAX_PREPARED_PIXELS / (grey.width * grey.height));
    scale = Math.min(scale, Math.max(budget, MIN_SCALE));
    // Within 10 % of the target the resampling costs more than it gives.
    if (Math.abs(scale - 1) < 0.1) scale = 1;
  }
  const width = Math.max(1, Math.round(grey.width * scale));
  const height = Math.max(1, Math.round(grey.height * scale));
  // Normalise at the smaller of the two sizes: reduce first, enlarge after.
  let image = scale < 1 ? resizeGrey(grey, width, height) : grey;
  let invertedShare = 0;
  if (normalise) {
    const x = xHeight === undefined ? undefined : xHeight * (scale < 1 ? width / grey.width : 1);
    const window = x === undefined ? USUAL_WINDOW : clamp(Math.round(3 * x), 12, 120);
    const coarse = image === grey && Math.abs(window - USUAL_WINDOW) <= 6 ? usualGrid : polarityGrid(image, window);
    // One polarity everywhere (a plain light or dark theme): only its background is needed. Mixed: both, and the
    // polarity decided again with only the pixels near strokes voting (see polarityGrid).
    const one = coarse.invertedShare === 0 || coarse.invertedShare === 1;
    const backgrounds = strokeBackgrounds(image, strokeWindow(x), one ? (coarse.invertedShare === 0 ? 'closed' : 'opened') : 'both');
    const grid = one ? coarse : polarityGrid(image, window, backgrounds);
    image = normaliseByMorphology(image, grid, backgrounds);
    invertedShare = grid.invertedShare;
  }
  if (scale > 1) image = resizeGrey(image, width, height);
  scale = width / grey.width;
  return { image, scale, xHeight, invertedShare };
}

/**
 * A binary PGM (P5) of the image: Tesseract's Leptonica reads it directly. The header carries a comment that pushes
 * the pixels past byte 500: tesseract.js scans the first 500 bytes for an EXIF orientation pattern, which pixel data
 * could match by chance.
 */
export function toPgm(image: GreyImage): Uint8Array {
  const header = Buffer.from(`P5\n#${' '.repeat(500)}\n${image.width} ${image.height}\n255\n`, 'latin1');
  const out = new Uint8Array(header.length + image.data.length);
  out.set(header, 0);
  out.set(image.data, header.length);
  return out;
}

// ---- background and polarity ----------------------------------------------------------------------------------

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** Cells on each side of the median window (a 7×7 grid of cells). */
const WINDOW_RADIUS = 3;
/** How far from its background a pixel must be to count as ink when deciding polarity. */
const INK_CONTRAST = 40;

/**
 * The background and polarity of every region, on a grid of cells: the background is the median over about `window`
 * px (the majority, which is the background wherever text is less dense than half the window); a region is
 * light-on-dark when more of its ink is lighter than that background than darker (so a grey button with white text is
 * inverted and a grey panel with black text is not, whatever the grey).
 */
export interface PolarityGrid {
  /** Cell size in pixels. */
  readonly cell: number;
  readonly columns: number;
  readonly rows: number;
  /** Median background per cell. */
  readonly background: Uint8Array;
  /** 1 where the region is light-on-dark. */
  readonly inverted: Uint8Array;
  /** Share of cells inverted. */
  readonly invertedShare: number;
}

export function polarityGrid(grey: GreyImage, window: number, backgrounds?: Backgrounds): PolarityGrid {
  const { width: w, height: h, data } = grey;
  const cell = Math.max(1, Math.round(window / (2 * WINDOW_RADIUS + 1)));
  const cw = Math.ceil(w / cell);
  const ch = Math.ceil(h / cell);
  // One sample per cell (its centre); the median of the samples around a cell is that cell's background.
  const samples = new Uint8Array(cw * ch);
  for (let cy = 0; cy < ch; cy++) {
    const y = Math.min(h - 1, cy * cell + (cell >> 1));
    for (let cx = 0; cx < cw; cx++) samples[cy * cw + cx] = data[y * w + Math.min(w - 1, cx * cell + (cell >> 1))];
  }
  const background = medianFilter(samples, cw, ch, WINDOW_RADIUS);
  // Ink lighter or darker than the background, per cell, then summed over the window (integral images).
  const light = new Int32Array((cw + 1) * (ch + 1));
  const dark = new Int32Array((cw + 1) * (ch + 1));
  const columnCell = cellColumns(w, cell);
  for (let y = 0; y < h; y++) {
    const cy = (y / cell) | 0;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const cx = columnCell[x];
      // With the stroke backgrounds: only pixels near a stroke vote (a flat area, like the body of a button whose
      // window reaches past its edge, has no say).
      if (backgrounds && backgrounds.closed[row + x] - backgrounds.opened[row + x] <= INK_CONTRAST) continue;
      const v = data[row + x];
      const b = background[cy * cw + cx];
      if (v > b + INK_CONTRAST) light[(cy + 1) * (cw + 1) + cx + 1]++;
      else if (v < b - INK_CONTRAST) dark[(cy + 1) * (cw + 1) + cx + 1]++;
    }
  }
  integrate(light, cw + 1, ch + 1);
  integrate(dark, cw + 1, ch + 1);
  const inverted = new Uint8Array(cw * ch);
  let invertedCells = 0;
  for (let cy = 0; cy < ch; cy++) {
    const y0 = Math.max(0, cy - WINDOW_RADIUS);
    const y1 = Math.min(ch, cy + WINDOW_RADIUS + 1);
    for (let cx = 0; cx < cw; cx++) {
      const x0 = Math.max(0, cx - WINDOW_RADIUS);
      const x1 = Math.min(cw, cx + WINDOW_RADIUS + 1);
      const l = boxSum(light, cw + 1, x0, y0, x1, y1);
      const d = boxSum(dark, cw + 1, x0, y0, x1, y1);
      // No ink either way (a flat panel): dark backgrounds count as light-on-dark, so a panel and its text agree.
      if (l > d || (l === d && background[cy * cw + cx] < 128)) {
        inverted[cy * cw + cx] = 1;
        invertedCells++;
      }
    }
  }
  return { cell, columns: cw, rows: ch, background, inverted, invertedShare: invertedCells / (cw * ch) };
}

/**
 * Quick normalisation for measuring the text: light-on-dark regions inverted, each pixel divided by its cell's
 * median background. Region edges leave marks (a cell's median is not the pixel's background), harmless for measuring.
 */
export function normaliseByMedian(grey: GreyImage, grid: PolarityGrid): GreyImage {
  const { width: w, height: h, data } = grey;
  const { cell, columns, background, inverted } = grid;
  const out = new Uint8Array(w * h);
  const columnCell = cellColumns(w, cell);
  for (let y = 0; y < h; y++) {
    const crow = ((y / cell) | 0) * columns;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const c = crow + columnCell[x];
      const inv = inverted[c] === 1;
      const v = inv ? 255 - data[row + x] : data[row + x];
      const b = inv ? 255 - background[c] : background[c];
      out[row + x] = v >= b ? 255 : ((255 * v) / (b || 1) + 0.5) | 0;
    }
  }
  return { width: w, height: h, data: out };
}

/**
 * What each pixel's background would be under either polarity: a grey closing (dark strokes erased) and opening
 * (light strokes erased) with a `k`×`k` square. Both keep every area larger than `k` with its exact edges.
 */
export interface Backgrounds {
  readonly closed: Uint8Array;
  readonly opened: Uint8Array;
}

export function strokeBackgrounds(grey: GreyImage, k: number, which: 'closed' | 'opened' | 'both' = 'both'): Backgrounds {
  const { width: w, height: h, data } = grey;
  // The one not asked for is the image itself (every pixel its own background: nothing comes out as ink there).
  return {
    closed: which === 'opened' ? data : extremeFilter(extremeFilter(data, w, h, k, true), w, h, k, false),
    opened: which === 'closed' ? data : extremeFilter(extremeFilter(data, w, h, k, false), w, h, k, true),
  };
}

/**
 * The image as dark ink on white: light-on-dark regions (see {@link polarityGrid}) inverted, and each pixel divided by
 * its own stroke background ({@link strokeBackgrounds}). So a button, a panel or a text box turns white up to its
 * border and only the text (and thin rules) stays dark: no blocks, no marks at region edges.
 */
export function normaliseByMorphology(grey: GreyImage, grid: PolarityGrid, backgrounds: Backgrounds): GreyImage {
  const { width: w, height: h, data } = grey;
  const { cell, columns, inverted } = grid;
  const { closed, opened } = backgrounds;
  const out = new Uint8Array(w * h);
  const columnCell = cellColumns(w, cell);
  for (let y = 0; y < h; y++) {
    const crow = ((y / cell) | 0) * columns;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const i = row + x;
      let v: number;
      let b: number;
      if (inverted[crow + columnCell[x]] === 1) {
        v = 255 - data[i];
        b = 255 - opened[i];
      } else {
        v = data[i];
        b = closed[i];
      }
      out[i] = v >= b ? 255 : ((255 * v) / (b || 1) + 0.5) | 0;
    }
  }
  return { width: w, height: h, data: out };
}

/**
 * Maximum (`max`) or minimum over a `k`×`k` square (k odd; the window is cut at the image's edges), separably, with
 * the van Herk / Gil–Werman running maximum: per direction about three comparisons per pixel whatever `k` (prefix and
 * suffix maxima within blocks of `k`), the vertical pass on whole rows at a time. The minimum is the maximum of the
 * inverted image, inverted.
 */
export function extremeFilter(src: Uint8Array, w: number, h: number, k: number, max: boolean): Uint8Array {
  if (max) return maxFilter(src, w, h, k);
  const inverted = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) inverted[i] = 255 - src[i];
  const out = maxFilter(inverted, w, h, k);
  for (let i = 0; i < out.length; i++) out[i] = 255 - out[i];
  return out;
}

function maxFilter(src: Uint8Array, w: number, h: number, k: number): Uint8Array {
  const r = k >> 1;
  if (r === 0) return src.slice();
  // Rows: each padded with r zeros on both sides; window [x, x + 2r] of the padded row = max(suffix[x], prefix[x + 2r]).
  const across = new Uint8Array(w * h);
  const len = w + 2 * r;
  const line = new Uint8Array(len);
  const prefix = new Uint8Array(len);
  const suffix = new Uint8Array(len);
  for (let y = 0; y < h; y++) {
    line.set(src.subarray(y * w, y * w + w), r);
    for (let start = 0; start < len; start += k) {
      const end = start + k < len ? start + k : len;
      let m = 0;
      for (let i = start; i < end; i++) {
        if (line[i] > m) m = line[i];
        prefix[i] = m;
      }
      m = 0;
      for (let i = end - 1; i >= start; i--) {
        if (line[i] > m) m = line[i];
        suffix[i] = m;
      }
    }
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const a = suffix[x];
      const b = prefix[x + 2 * r];
      across[row + x] = a > b ? a : b;
    }
  }
  // Columns, whole rows at a time: padded row p is image row p − r (zeros outside).
  const rows = h + 2 * r;
  const prefixRows = new Uint8Array(rows * w);
  const suffixRows = new Uint8Array(rows * w);
  for (let start = 0; start < rows; start += k) {
    const end = start + k < rows ? start + k : rows;
    for (let p = start; p < end; p++) {
      const y = p - r;
      const at = p * w;
      if (y >= 0 && y < h) {
        const from = y * w;
        if (p === start) prefixRows.set(across.subarray(from, from + w), at);
        else for (let x = 0; x < w; x++) prefixRows[at + x] = across[from + x] > prefixRows[at - w + x] ? across[from + x] : prefixRows[at - w + x];
      } else if (p !== start) prefixRows.copyWithin(at, at - w, at);
    }
    for (let p = end - 1; p >= start; p--) {
      const y = p - r;
      const at = p * w;
      if (y >= 0 && y < h) {
        const from = y * w;
        if (p === end - 1) suffixRows.set(across.subarray(from, from + w), at);
        else for (let x = 0; x < w; x++) suffixRows[at + x] = across[from + x] > suffixRows[at + w + x] ? across[from + x] : suffixRows[at + w + x];
      } else if (p !== end - 1) suffixRows.copyWithin(at, at + w, at + 2 * w);
    }
  }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const top = y * w;
    const bottom = (y + 2 * r) * w;
    for (let x = 0; x < w; x++) {
      const a = suffixRows[top + x];
      const b = prefixRows[bottom + x];
      out[top + x] = a > b ? a : b;
    }
  }
  return out;
}

/** For each column, the index of its cell. */
function cellColumns(w: number, cell: number): Int32Array {
  const out = new Int32Array(w);
  for (let x = 0; x < w; x++) out[x] = (x / cell) | 0;
  return out;
}

/** Median over a (2r+1)² window (clamped at the edges) of an 8-bit grid: Huang's sliding histogram. */
export function medianFilter(src: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const out = new Uint8Array(w * h);
  const hist = new Int32Array(256);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h - 1, y + r);
    hist.fill(0);
    let n = 0;
    for (let yy = y0; yy <= y1; yy++) {
      for (let xx = 0; xx <= Math.min(w - 1, r); xx++) {
        hist[src[yy * w + xx]]++;
        n++;
      }
    }
    // `below`: how many values are smaller than `med`.
    let med = 0;
    let below = 0;
    const settle = (): void => {
      const target = (n - 1) >> 1;
      while (below > target) {
        med--;
        below -= hist[med];
      }
      while (below + hist[med] <= target) {
        below += hist[med];
        med++;
      }
    };
    settle();
    out[y * w] = med;
    for (let x = 1; x < w; x++) {
      const leave = x - r - 1;
      const enter = x + r;
      for (let yy = y0; yy <= y1; yy++) {
        if (leave >= 0) {
          const v = src[yy * w + leave];
          hist[v]--;
          n--;
          if (v < med) below--;
        }
        if (enter < w) {
          const v = src[yy * w + enter];
          hist[v]++;
          n++;
          if (v < med) below++;
        }
      }
      settle();
      out[y * w + x] = med;
    }
  }
  return out;
}

/** In place: each entry becomes the sum of the entries above and left of it (row 0 and column 0 stay 0). */
function integrate(a: Int32Array, w: number, h: number): void {
  for (let y = 1; y < h; y++) {
    let run = 0;
    for (let x = 1; x < w; x++) {
      run += a[y * w + x];
      a[y * w + x] = run + a[(y - 1) * w + x];
    }
  }
}

/** Sum over cells [x0, x1) × [y0, y1) of an integral image of row width `w`. */
function boxSum(a: Int32Array, w: number, x0: number, y0: number, x1: number, y1: number): number {
  return a[y1 * w + x1] - a[y0 * w + x1] - a[y1 * w + x0] + a[y0 * w + x0];
}

// ---- text size -----------------------------------------------------------------------------------------------

/**
 * The x-height of the text in a normalised image (dark ink on white), in pixels: connected components of the ink
 * (8-connected, found run by run), kept when shaped like a glyph, and the 30th percentile of their heights — in
 * English most letters are x-height letters (a, e, n, o, s…), the rest are taller. Undefined with fewer than 8 glyphs.
 */
/** Darker than this counts as ink in a normalised image (the background is 255; anti-aliased edges count). */
const INK_LEVEL = 200;

export function estimateXHeight(image: GreyImage): number | undefined {
  return measureText(image).xHeight;
}

/** The x-height (see {@link estimateXHeight}) and how many glyph-shaped components it was measured on. */
export function measureText(image: GreyImage): { xHeight: number | undefined; glyphs: number } {
  const { width: w, height: h, data } = image;
  // Runs of ink per row, labelled; labels of touching runs are joined (union–find).
  const parent: number[] = [];
  const top: number[] = [];
  const bottom: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const find = (a: number): number => {
    let r = a;
    while (parent[r] !== r) r = parent[r];
    let c = a;
    while (parent[c] !== r) {
      const next = parent[c];
      parent[c] = r;
      c = next;
    }
    return r;
  };
  let previous: number[] = []; // [start, end, label] triples of the row above
  for (let y = 0; y < h; y++) {
    const current: number[] = [];
    const row = y * w;
    let x = 0;
    let p = 0;
    while (x < w) {
      if (data[row + x] >= INK_LEVEL) {
        x++;
        continue;
      }
      const start = x;
      while (x < w && data[row + x] < INK_LEVEL) x++;
      const end = x - 1;
      let label = -1;
      // Runs above that overlap [start - 1, end + 1] (8-connectivity).
      while (p < previous.length && previous[p + 1] < start - 1) p += 3;
      for (let q = p; q < previous.length && previous[q] <= end + 1; q += 3) {
        const other = find(previous[q + 2]);
        if (label < 0) label = other;
        else if (other !== label) {
          parent[other] = label;
          top[label] = Math.min(top[label], top[other]);
          left[label] = Math.min(left[label], left[other]);
          right[label] = Math.max(right[label], right[other]);
          bottom[label] = Math.max(bottom[label], bottom[other]);
        }
      }
      if (label < 0) {
        label = parent.length;
        parent.push(label);
        top.push(y);
        bottom.push(y);
        left.push(start);
        right.push(end);
      } else {
        bottom[label] = y;
        left[label] = Math.min(left[label], start);
        right[label] = Math.max(right[label], end);
      }
      current.push(start, end, label);
    }
    previous = current;
  }
  const heights: number[] = [];
  for (let i = 0; i < parent.length; i++) {
    if (parent[i] !== i) continue;
    const ch = bottom[i] - top[i] + 1;
    const cw = right[i] - left[i] + 1;
    // Glyph-shaped: not a speck, not a rule or a box border, not a whole panel.
    if (ch >= 3 && ch <= 300 && cw <= 3 * ch && ch <= 8 * cw) heights.push(ch);
  }
  if (heights.length < 8) return { xHeight: undefined, glyphs: heights.length };
  heights.sort((a, b) => a - b);
  return { xHeight: heights[Math.floor(heights.length * 0.3)], glyphs: heights.length };
}

// ---- resampling ----------------------------------------------------------------------------------------------

/** Catmull–Rom cubic (a = −0.5): sharp edges, little ringing. */
function cubic(x: number): number {
  const t = Math.abs(x);
  if (t < 1) return 1.5 * t * t * t - 2.5 * t * t + 1;
  if (t < 2) return -0.5 * t * t * t + 2.5 * t * t - 4 * t + 2;
  return 0;
}

/** For each output coordinate: `taps` input indices (clamped at the edges) and their normalised weights. */
function weights(inSize: number, outSize: number): { taps: number; index: Int32Array; weight: Float32Array } {
  const ratio = inSize / outSize;
  // Reducing widens the kernel (no aliasing); enlarging keeps it at two pixels each side.
  const stretch = Math.max(1, ratio);
  const taps = 2 * Math.ceil(2 * stretch);
  const index = new Int32Array(outSize * taps);
  const weight = new Float32Array(outSize * taps);
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * ratio - 0.5;
    const lo = Math.floor(centre) - taps / 2 + 1;
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const v = cubic((lo + k - centre) / stretch);
      index[i * taps + k] = clamp(lo + k, 0, inSize - 1);
      weight[i * taps + k] = v;
      sum += v;
    }
    for (let k = 0; k < taps; k++) weight[i * taps + k] /= sum || 1;
  }
  return { taps, index, weight };
}

/** Resize a grey image (separable Catmull–Rom cubic). */
export function resizeGrey(image: GreyImage, width: number, height: number): GreyImage {
  const { width: iw, height: ih, data } = image;
  const hx = weights(iw, width);
  const hy = weights(ih, height);
  // Horizontal pass into floats, then vertical.
  const mid = new Float32Array(width * ih);
  for (let y = 0; y < ih; y++) {
    const row = y * iw;
    const outRow = y * width;
    for (let x = 0, k = 0; x < width; x++) {
      let acc = 0;
      for (const end = k + hx.taps; k < end; k++) acc += data[row + hx.index[k]] * hx.weight[k];
      mid[outRow + x] = acc;
    }
  }
  const out = new Uint8Array(width * height);
  const taps = hy.taps;
  for (let y = 0; y < height; y++) {
    const base = y * taps;
    const outRow = y * width;
    if (taps === 4) {
      // Enlarging (the usual case): four rows, unrolled.
      const r0 = hy.index[base] * width;
      const r1 = hy.index[base + 1] * width;
      const r2 = hy.index[base + 2] * width;
      const r3 = hy.index[base + 3] * width;
      const w0 = hy.weight[base];
      const w1 = hy.weight[base + 1];
      const w2 = hy.weight[base + 2];
      const w3 = hy.weight[base + 3];
      for (let x = 0; x < width; x++) {
        const acc = mid[r0 + x] * w0 + mid[r1 + x] * w1 + mid[r2 + x] * w2 + mid[r3 + x] * w3;
        out[outRow + x] = acc <= 0 ? 0 : acc >= 255 ? 255 : (acc + 0.5) | 0;
      }
      continue;
    }
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let k = base, end = base + taps; k < end; k++) acc += mid[hy.index[k] * width + x] * hy.weight[k];
      out[outRow + x] = acc <= 0 ? 0 : acc >= 255 ? 255 : (acc + 0.5) | 0;
    }
  }
  return { width, height, data: out };
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

/** Marks the OCR worker thread (its workerData). */
export const WORKER_MARK = 'describeImageOcrWorker';
/** Our own actions, beside tesseract.js's (`load`, `loadLanguage`, `initialize`, `setParameters`…). */
export const RECOGNIZE = 'describeImage.recognize';
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

export interface RecognizePayload {
  readonly grey: GreyImage;
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
  readonly lines: OcrLine[];
  readonly meanConfidence: number;
  readonly preparation: OcrPreparation;
  /** Time spent in the worker: preparing the pixels, then Tesseract. */
  readonly prepareMs: number;
  readonly recognizeMs: number;
}

/**
 * Tesseract settings: page segmentation 3 (automatic layout: columns and blocks in reading order; 11 "sparse text"
 * found no more words and loses the order), runs of spaces between words kept, and never curly quotes — the model
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

// ---- the worker side ------------------------------------------------------------------------------------------

interface TesseractWorkerScript {
  setAdapter(adapter: Record<string, unknown>): void;
  dispatchHandlers(packet: Packet, send: (answer: Answer) => void): void;
}
interface TesseractBbox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
interface TesseractJsonBlock {
  paragraphs?: { lines?: { text: string; confidence: number; bbox: TesseractBbox; words?: { text: string; confidence: number; bbox: TesseractBbox }[] }[] }[];
}

/** Runs in the worker thread: tesseract.js's handlers with a local-only adapter, plus preparing and reading an image. */
export function runOcrWorker(port: MessagePort): void {
  /* eslint-disable @typescript-eslint/no-require-imports -- tesseract.js's worker side has no types and is loaded only here */
  const tesseract = require('tesseract.js/src/worker-script') as TesseractWorkerScript;
  const log = (text: string): void => port.postMessage({ jobId: '', action: LOG, status: 'progress', data: text } satisfies Answer);
  // Whatever tesseract.js or the engine prints goes to the client's log, never to an output stream.
  const print = (...args: unknown[]): void => log(args.map(String).join(' '));
  Object.assign(console, { log: print, info: print, warn: print, error: print, debug: print });
  const write = (chunk: unknown): boolean => {
    print(chunk);
    return true;
  };
  process.stdout.write = write as typeof process.stdout.write;
  process.stderr.write = write as typeof process.stderr.write;
  tesseract.setAdapter({
    // One core, whatever the CPU: its glue is bundled here; the .wasm comes as bytes from the path the client sends.
    getCore: async (_lstmOnly: boolean, corePath: string) => {
      const factory = require('tesseract.js-core/tesseract-core-simd-lstm') as (module: Record<string, unknown>) => Promise<unknown>;
      const wasmBinary = readFileSync(corePath);
      return (module: Record<string, unknown>) => factory({ ...module, wasmBinary, print: log, printErr: log });
    },
    gunzip: (data: Uint8Array) => gunzipSync(data),
    fetch: () => {
      throw new Error('The OCR worker does not use the network.');
    },
    // The language file is read from a local folder; nothing is ever cached or written.
    readCache: (file: string) => fsp.readFile(file),
    writeCache: () => Promise.resolve(),
    deleteCache: () => Promise.resolve(),
    checkCache: () => Promise.resolve(false),
  });
  /* eslint-enable @typescript-eslint/no-require-imports */
  port.on('message', (packet: Packet) => {
    if (packet.action !== RECOGNIZE) {
      tesseract.dispatchHandlers(packet, (answer) => port.postMessage(answer));
      return;
    }
    let prepared: ReturnType<typeof prepareForOcr>;
    const payload = packet.payload as RecognizePayload;
    const started = performance.now();
    try {
      prepared = prepareForOcr(payload.grey, payload.prepare);
    } catch (e) {
      port.postMessage({ jobId: packet.jobId, action: RECOGNIZE, status: 'reject', data: String(e) } satisfies Answer);
      return;
    }
    const prepareMs = performance.now() - started;
    const recognize: Packet = { ...packet, action: 'recognize', payload: { image: toPgm(prepared.image), options: {}, output: { text: false, blocks: true } } };
    tesseract.dispatchHandlers(recognize, (answer) => {
      if (answer.status === 'progress') return;
      if (answer.status === 'reject') {
        port.postMessage({ ...answer, action: RECOGNIZE });
        return;
      }
      const result = answer.data as { blocks: TesseractJsonBlock[] | null; confidence: number | null };
      const factor = payload.unitScale / prepared.scale;
      const data: RecognizeAnswer = {
        lines: toLines(result.blocks ?? [], factor),
        meanConfidence: result.confidence ?? 0,
        preparation: { scale: prepared.scale, xHeight: prepared.xHeight === undefined ? undefined : prepared.xHeight * payload.unitScale, invertedShare: prepared.invertedShare },
        prepareMs,
        recognizeMs: performance.now() - started - prepareMs,
      };
      port.postMessage({ jobId: answer.jobId, action: RECOGNIZE, status: 'resolve', data } satisfies Answer);
    });
  });
}

/** Tesseract's blocks → our lines, boxes scaled back to the original image, empty lines dropped. */
function toLines(blocks: readonly TesseractJsonBlock[], factor: number): OcrLine[] {
  const box = (b: TesseractBbox): OcrBox => {
    const x = Math.round(b.x0 * factor);
    const y = Math.round(b.y0 * factor);
    return { x, y, width: Math.max(1, Math.round(b.x1 * factor) - x), height: Math.max(1, Math.round(b.y1 * factor) - y) };
  };
  const lines: OcrLine[] = [];
  blocks.forEach((block, index) => {
    for (const paragraph of block.paragraphs ?? []) {
      for (const line of paragraph.lines ?? []) {
        const text = line.text.replace(/\s+$/, '');
        if (!text.trim()) continue;
        const words = (line.words ?? []).filter((w) => w.text.trim()).map((w) => ({ text: w.text, confidence: Math.round(w.confidence), box: box(w.bbox) }));
        lines.push({ text, confidence: Math.round(line.confidence), box: box(line.bbox), words, block: index });
      }
    }
  });
  return lines;
}

// ---- worker entry --------------------------------------------------------------------------------------------

// Started as the OCR worker (unbundled: this file; bundled: dist/assets/ocr/ocr-worker.js): serve the client.
if (!isMainThread && parentPort && (workerData as Record<string, unknown> | null)?.[WORKER_MARK] === true) runOcrWorker(parentPort);
