/**
 * Background and polarity: which regions of a screenshot are light-on-dark, what each pixel's background is, and the
 * image turned into dark ink on white by inverting those regions and dividing every pixel by its background (the first
 * step of prepare.ts). Pure functions, no I/O.
 */
import { boxSum, extremeFilter, integrate, medianFilter } from './filters';
import type { GreyImage } from './protocol';

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

/**
 * What each pixel's background would be under either polarity: a grey closing (dark strokes erased) and opening
 * (light strokes erased) with a `k`×`k` square. Both keep every area larger than `k` with its exact edges.
 */
export interface Backgrounds {
  readonly closed: Uint8Array;
  readonly opened: Uint8Array;
}

/** A grid of cells over the image, for each the count of pixels lighter and darker than its background. */
interface InkCounts {
  readonly columns: number;
  readonly rows: number;
  /** Integral images ((columns + 1) × (rows + 1)) of the light and dark ink per cell. */
  readonly light: Int32Array;
  readonly dark: Int32Array;
}

/** The {@link PolarityGrid} of an image: the cells' backgrounds, the ink around each, the polarity it votes for. */
export function polarityGrid(grey: GreyImage, window: number, backgrounds?: Backgrounds): PolarityGrid {
  const cell = Math.max(1, Math.round(window / (2 * WINDOW_RADIUS + 1)));
  const columns = Math.ceil(grey.width / cell);
  const rows = Math.ceil(grey.height / cell);
  const background = medianFilter(cellSamples(grey, cell, columns, rows), columns, rows, WINDOW_RADIUS);
  const ink = countInk(grey, cell, { columns, rows, background }, backgrounds);
  const inverted = new Uint8Array(columns * rows);
  let invertedCells = 0;
  for (let cy = 0; cy < rows; cy++) {
    const y0 = Math.max(0, cy - WINDOW_RADIUS);
    const y1 = Math.min(rows, cy + WINDOW_RADIUS + 1);
    for (let cx = 0; cx < columns; cx++) {
      const x0 = Math.max(0, cx - WINDOW_RADIUS);
      const x1 = Math.min(columns, cx + WINDOW_RADIUS + 1);
      const l = boxSum(ink.light, columns + 1, x0, y0, x1, y1);
      const d = boxSum(ink.dark, columns + 1, x0, y0, x1, y1);
      // No ink either way (a flat panel): dark backgrounds count as light-on-dark, so a panel and its text agree.
      if (l > d || (l === d && background[cy * columns + cx] < 128)) {
        inverted[cy * columns + cx] = 1;
        invertedCells++;
      }
    }
  }
  return { cell, columns, rows, background, inverted, invertedShare: invertedCells / (columns * rows) };
}

/** One sample per cell, its centre pixel (the median of the samples around a cell is that cell's background). */
function cellSamples(grey: GreyImage, cell: number, columns: number, rows: number): Uint8Array {
  const { width: w, height: h, data } = grey;
  const samples = new Uint8Array(columns * rows);
  for (let cy = 0; cy < rows; cy++) {
    const y = Math.min(h - 1, cy * cell + (cell >> 1));
    for (let cx = 0; cx < columns; cx++) samples[cy * columns + cx] = data[y * w + Math.min(w - 1, cx * cell + (cell >> 1))];
  }
  return samples;
}

/**
 * Ink lighter or darker than its cell's background, counted per cell and integrated (so summed over any window at
 * once). With the stroke backgrounds, only pixels near a stroke vote: a flat area, like the body of a button whose
 * window reaches past its edge, has no say.
 */
function countInk(grey: GreyImage, cell: number, grid: { columns: number; rows: number; background: Uint8Array }, backgrounds: Backgrounds | undefined): InkCounts {
  const { width: w, height: h, data } = grey;
  const { columns: cw, rows: ch, background } = grid;
  const light = new Int32Array((cw + 1) * (ch + 1));
  const dark = new Int32Array((cw + 1) * (ch + 1));
  const columnCell = cellColumns(w, cell);
  for (let y = 0; y < h; y++) {
    const cy = (y / cell) | 0;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const cx = columnCell[x];
      if (backgrounds && backgrounds.closed[row + x] - backgrounds.opened[row + x] <= INK_CONTRAST) continue;
      const v = data[row + x];
      const b = background[cy * cw + cx];
      if (v > b + INK_CONTRAST) light[(cy + 1) * (cw + 1) + cx + 1]++;
      else if (v < b - INK_CONTRAST) dark[(cy + 1) * (cw + 1) + cx + 1]++;
    }
  }
  integrate(light, cw + 1, ch + 1);
  integrate(dark, cw + 1, ch + 1);
  return { columns: cw, rows: ch, light, dark };
}

/** For each column, the index of its cell. */
function cellColumns(w: number, cell: number): Int32Array {
  const out = new Int32Array(w);
  for (let x = 0; x < w; x++) out[x] = (x / cell) | 0;
  return out;
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

/** The {@link Backgrounds} of an image, for strokes narrower than `k`; only the ones asked for are computed. */
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

/** One background everywhere (a panel of one colour): its grey level and whether the text is lighter than it. */
export interface FlatBackground {
  readonly level: number;
  readonly inverted: boolean;
}

/**
 * The background of `rect` when it is flat: every cell of the grid inside it of one polarity, their backgrounds
 * within {@link FLAT_RANGE} grey levels (undefined: not flat, or too small to tell).
 */
export function flatBackground(grid: PolarityGrid, rect: { x: number; y: number; width: number; height: number }): FlatBackground | undefined {
  const { cell, columns, background, inverted } = grid;
  const x0 = Math.ceil(rect.x / cell);
  const y0 = Math.ceil(rect.y / cell);
  const x1 = Math.min(columns, Math.floor((rect.x + rect.width) / cell));
  const y1 = Math.min(grid.rows, Math.floor((rect.y + rect.height) / cell));
  if (x1 <= x0 || y1 <= y0) return undefined;
  const first = y0 * columns + x0;
  let lo = 255;
  let hi = 0;
  for (let cy = y0; cy < y1; cy++) {
    for (let cx = x0; cx < x1; cx++) {
      const c = cy * columns + cx;
      if (inverted[c] !== inverted[first]) return undefined;
      lo = Math.min(lo, background[c]);
      hi = Math.max(hi, background[c]);
    }
  }
  return hi - lo <= FLAT_RANGE ? { level: (lo + hi) >> 1, inverted: inverted[first] === 1 } : undefined;
}

/** Grey levels a flat background may vary by (a gradient, JPEG noise). */
const FLAT_RANGE = 12;

/** Dark ink on white for a flat background: inverted if light-on-dark, every pixel divided by the one background. */
export function normaliseFlat(grey: GreyImage, flat: FlatBackground): GreyImage {
  const b = flat.inverted ? 255 - flat.level : flat.level;
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) {
    const u = flat.inverted ? 255 - v : v;
    lut[v] = u >= b ? 255 : ((255 * u) / (b || 1) + 0.5) | 0;
  }
  const out = new Uint8Array(grey.data.length);
  for (let i = 0; i < out.length; i++) out[i] = lut[grey.data[i]];
  return { width: grey.width, height: grey.height, data: out };
}
