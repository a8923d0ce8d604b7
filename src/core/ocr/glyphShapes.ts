/**
 * Glyph shapes for glyphs.ts (in the OCR worker thread): a symbol's glyph cut out of the prepared image (the ink of
 * the connected shapes under its box, at its word's own grey level, with the anti-aliased edge around them), and how
 * different two glyphs' shapes are. Pure functions, no I/O.
 */
import { spelledBySymbols, type TesseractJsonLine, type TesseractJsonWord } from './lines';
import type { GreyImage } from './protocol';

/** One symbol's glyph: where it is in the blocks, what it was read as, and its shape. */
export interface Glyph {
  readonly word: TesseractJsonWord;
  readonly index: number;
  readonly text: string;
  readonly width: number;
  readonly height: number;
  /** How much ink each pixel holds, 0 (paper) to 1 (the word's darkest), over the glyph's box and a pixel around. */
  readonly ink: Float32Array;
  readonly total: number;
  /** The ink's centre of mass, in the glyph's pixels. */
  readonly cx: number;
  readonly cy: number;
  /** How many separate marks it is made of (a double quote two, a backtick one). */
  readonly parts: number;
  /** Its box's top left corner in the image. */
  readonly x: number;
  readonly y: number;
  /** Its word's darkest grey (syntax colours come out of preparing as different greys). */
  readonly dark: number;
  /** How its ink leans: columns gained per row down (0 upright, > 0 down to the right like a backtick, < 0 a comma). */
  readonly slant: number;
  /** The height of its line's box. */
  readonly lineHeight: number;
  /** Where its ink's centre of mass sits in its line: 0 at the top of the line's box, 1 at the bottom. */
  readonly level: number;
}

/** Connected shapes of ink in rows [y0, y1) of the image: each its column span and pixels (indices into the image). */
interface Shape {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  pixels: number[];
}

function shapesIn(image: GreyImage, box: { x0: number; y0: number; x1: number; y1: number }, level: number): Shape[] {
  const { x0, y0, x1, y1 } = box;
  const w = x1 - x0;
  const h = y1 - y0;
  if (w <= 0 || h <= 0) return [];
  const seen = new Uint8Array(w * h);
  const ink = (x: number, y: number): boolean => (image.data[y * image.width + x] ?? 255) < level;
  const shapes: Shape[] = [];
  const stack: number[] = [];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const k = (y - y0) * w + (x - x0);
      if (seen[k] || !ink(x, y)) continue;
      seen[k] = 1;
      const shape: Shape = { x0: x, x1: x + 1, y0: y, y1: y + 1, pixels: [] };
      stack.push(x, y);
      while (stack.length) {
        const py = stack.pop() as number;
        const px = stack.pop() as number;
        shape.pixels.push(py * image.width + px);
        shape.x0 = Math.min(shape.x0, px);
        shape.x1 = Math.max(shape.x1, px + 1);
        shape.y0 = Math.min(shape.y0, py);
        shape.y1 = Math.max(shape.y1, py + 1);
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const nx = px + dx;
            const ny = py + dy;
            if (nx < x0 || nx >= x1 || ny < y0 || ny >= y1) continue;
            const nk = (ny - y0) * w + (nx - x0);
            if (seen[nk] || !ink(nx, ny)) continue;
            seen[nk] = 1;
            stack.push(nx, ny);
          }
        }
      }
      shapes.push(shape);
    }
  }
  return shapes;
}

const overlap = (a0: number, a1: number, b0: number, b1: number): number => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));

/**
 * The word's paper and darkest ink: its brightest and darkest pixels. Syntax colours come out of preparing as
 * different greys; each word is measured against its own, and its shapes are cut halfway between.
 */
interface Tones {
  readonly lo: number;
  readonly hi: number;
}

function tones(image: GreyImage, box: { x0: number; y0: number; x1: number; y1: number }): Tones {
  let lo = 255;
  let hi = 0;
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const v = image.data[y * image.width + x] ?? 255;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return { lo, hi };
}

/** A line's rows [y0, y1), whole pixels inside the image whatever its box says. */
interface Rows {
  readonly y0: number;
  readonly y1: number;
}
const rowsOf = (image: GreyImage, line: TesseractJsonLine): Rows => ({ y0: Math.max(0, Math.floor(line.bbox.y0)), y1: Math.min(image.height, Math.ceil(line.bbox.y1)) });

/** The contested glyphs of one line: the ink of each word, each shape to the symbol whose columns it overlaps most. */
export function lineGlyphs(image: GreyImage, line: TesseractJsonLine, contested: ReadonlySet<string>): Glyph[] {
  const { y0, y1 } = rowsOf(image, line);
  const out: Glyph[] = [];
  for (const word of line.words ?? []) {
    const symbols = word.symbols ?? [];
    // Only words whose text is their symbols' text can be changed symbol by symbol.
    if (!symbols.some((s) => contested.has(s.text)) || !spelledBySymbols(word)) continue;
    // Whole pixels inside the image, whatever the boxes say.
    const box = { x0: Math.max(0, Math.floor(word.bbox.x0)), y0, x1: Math.min(image.width, Math.ceil(word.bbox.x1)), y1 };
    const owned: Shape[][] = symbols.map(() => []);
    const tone = tones(image, box);
    for (const shape of shapesIn(image, box, (tone.lo + tone.hi) / 2)) {
      let best = -1;
      let most = 0;
      symbols.forEach((s, i) => {
        const o = overlap(shape.x0, shape.x1, s.bbox.x0, s.bbox.x1);
        if (o > most) [best, most] = [i, o];
      });
      if (best >= 0) owned[best]?.push(shape);
    }
    symbols.forEach((s, i) => {
      const shapes = owned[i] ?? [];
      if (shapes.length && contested.has(s.text)) out.push(glyph(image, word, i, s.text, shapes, tone, { y0, y1 }));
    });
  }
  return out;
}

/** Below this contrast between its darkest pixel and its paper a blank holds nothing (noise, a faint border). */
const MIN_CONTRAST = 64;

/**
 * The ink in columns [x0, x1) of a line that no symbol holds (a character the model dropped), as one glyph read as
 * nothing; undefined when the blank holds no mark. Shapes that touch the blank's sides are the neighbours' and left
 * out.
 */
export function blankMark(image: GreyImage, line: TesseractJsonLine, word: TesseractJsonWord, x0: number, x1: number): Glyph | undefined {
  const box = { x0: Math.max(0, Math.ceil(x0)), x1: Math.min(image.width, Math.floor(x1)), ...rowsOf(image, line) };
  if (box.x1 - box.x0 < 3 || box.y1 - box.y0 < 3) return undefined;
  const tone = tones(image, box);
  if (tone.hi - tone.lo < MIN_CONTRAST) return undefined;
  const shapes = shapesIn(image, box, (tone.lo + tone.hi) / 2).filter((s) => s.x0 > box.x0 && s.x1 < box.x1);
  return shapes.length ? glyph(image, word, -1, '', shapes, tone, box) : undefined;
}

/** One cell of a monospaced word: its columns and the glyph in it (undefined: blank). */
export interface Cell {
  readonly x0: number;
  readonly x1: number;
  readonly glyph: Glyph | undefined;
}

/** A shape's centre column. */
const middle = (s: Shape): number => (s.x0 + s.x1) / 2;
/** Below this grey level a blank cell is not blank: a faint underscore (see underscores.ts) or a thin mark. */
const FAINT = 230;
/** A mark this far from its cell's middle (share of a cell) is not on the grid. */
const OFF_GRID = 0.3;
/** A word's cells are cut where the ink is at least this share of the way from its paper to its darkest grey. */
const FAINTEST_INK = 0.3;
/** A blank wider than this many cells starts another run of cells, on a grid of its own (a gutter's numbers). */
const RUN_GAP = 2;

/**
 * A word's ink in `columns` cut into the cells of a monospaced grid `pitch` wide: its shapes (at their own grey level) each
 * in the cell its middle falls in, the grid placed where the shapes' middles sit best (weighted by ink; a monospaced
 * font centres each glyph in its cell). Runs of cells more than {@link RUN_GAP} cells apart are placed each on its
 * own. Undefined when the word's ink does not sit on such a grid (a shape wider than a cell, a middle
 * {@link OFF_GRID} from its cell's), or a blank cell between two marks holds faint ink.
 */
export function wordCells(image: GreyImage, line: TesseractJsonLine, word: TesseractJsonWord, columns: { x0: number; x1: number }, pitch: number): Cell[][] | undefined {
  const box = { x0: Math.max(0, Math.floor(columns.x0)), x1: Math.min(image.width, Math.ceil(columns.x1)), ...rowsOf(image, line) };
  if (!(pitch > 2) || box.x1 - box.x0 < 2 || box.y1 - box.y0 < 2 || box.x1 - box.x0 > 200 * pitch) return undefined;
  const tone = tones(image, box);
  if (tone.hi - tone.lo < MIN_CONTRAST) return undefined;
  // Cut fainter than halfway, so that a fainter syntax colour beside a darker one keeps its whole glyph; each cell's
  // glyph is then measured against its own darkest ink.
  const shapes = shapesIn(image, box, tone.hi - FAINTEST_INK * (tone.hi - tone.lo)).sort((a, b) => a.x0 - b.x0);
  if (!shapes.length || shapes.length > 4 * ((box.x1 - box.x0) / pitch + 1) || shapes.some((s) => s.x1 - s.x0 > 1.2 * pitch)) return undefined;
  const runs: Shape[][] = [];
  let reach = -Infinity;
  for (const s of shapes) {
    if (s.x0 - reach > RUN_GAP * pitch) runs.push([]);
    runs[runs.length - 1]?.push(s);
    reach = Math.max(reach, s.x1);
  }
  const out: Cell[][] = [];
  for (const run of runs) {
    const cells = runCells(image, run, pitch, box, tone, word);
    if (!cells) return undefined;
    out.push(cells);
  }
  return out;
}

/** One run's cells (see {@link wordCells}). */
function runCells(image: GreyImage, run: readonly Shape[], pitch: number, box: { y0: number; y1: number }, tone: Tones, word: TesseractJsonWord): Cell[] | undefined {
  // The grid's offset: the ink-weighted circular mean of the middles' places within a cell.
  let [sin, cos] = [0, 0];
  for (const s of run) {
    const a = (2 * Math.PI * middle(s)) / pitch;
    [sin, cos] = [sin + s.pixels.length * Math.sin(a), cos + s.pixels.length * Math.cos(a)];
  }
  const offset = ((Math.atan2(sin, cos) / (2 * Math.PI)) * pitch + pitch) % pitch;
  const byCell = new Map<number, Shape[]>();
  for (const s of run) {
    const k = Math.round((middle(s) - offset) / pitch);
    if (Math.abs(middle(s) - offset - k * pitch) > OFF_GRID * pitch) return undefined;
    byCell.set(k, [...(byCell.get(k) ?? []), s]);
  }
  const ks = [...byCell.keys()];
  const [first, last] = [Math.min(...ks), Math.max(...ks)];
  const cells: Cell[] = [];
  for (let k = first; k <= last; k++) {
    const x0 = offset + (k - 0.5) * pitch;
    const here = byCell.get(k);
    if (!here && faint(image, Math.round(x0), Math.round(x0 + pitch), box)) return undefined;
    cells.push({ x0, x1: x0 + pitch, glyph: here ? glyph(image, word, -1, '', here, { lo: darkest(image, here), hi: tone.hi }, box) : undefined });
  }
  return cells;
}

/** The darkest grey of the shapes' pixels. */
function darkest(image: GreyImage, shapes: readonly Shape[]): number {
  let lo = 255;
  for (const s of shapes) for (const p of s.pixels) lo = Math.min(lo, image.data[p] ?? 255);
  return lo;
}

/** Whether columns [x0, x1) of rows [y0, y1) hold any pixel darker than {@link FAINT}. */
function faint(image: GreyImage, x0: number, x1: number, box: { y0: number; y1: number }): boolean {
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = Math.max(0, x0); x < Math.min(image.width, x1); x++) if ((image.data[y * image.width + x] ?? 255) < FAINT) return true;
  }
  return false;
}

/**
 * A glyph: its shapes' pixels and the pixels touching them (anti-aliased edges, fainter than the cut), each with its
 * share of ink, in the box around them.
 */
function glyph(image: GreyImage, word: TesseractJsonWord, index: number, text: string, shapes: readonly Shape[], tone: Tones, rows: Rows): Glyph {
  // Loops, not Math.min(...): a noisy word may own more shapes than a call takes arguments.
  let [gx0, gy0, gx1, gy1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const s of shapes) [gx0, gy0, gx1, gy1] = [Math.min(gx0, s.x0), Math.min(gy0, s.y0), Math.max(gx1, s.x1), Math.max(gy1, s.y1)];
  [gx0, gy0, gx1, gy1] = [Math.max(0, gx0 - 1), Math.max(0, gy0 - 1), Math.min(image.width, gx1 + 1), Math.min(image.height, gy1 + 1)];
  const width = gx1 - gx0;
  const height = gy1 - gy0;
  const mine = new Uint8Array(width * height);
  for (const s of shapes) {
    for (const p of s.pixels) {
      const x = (p % image.width) - gx0;
      const y = Math.floor(p / image.width) - gy0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (x + dx >= 0 && x + dx < width && y + dy >= 0 && y + dy < height) mine[(y + dy) * width + x + dx] = 1;
    }
  }
  const ink = new Float32Array(width * height);
  const span = Math.max(1, tone.hi - tone.lo);
  let [total, sx, sy] = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mine[y * width + x]) continue;
      const v = Math.min(1, Math.max(0, (tone.hi - (image.data[(gy0 + y) * image.width + gx0 + x] ?? 255)) / span));
      ink[y * width + x] = v;
      [total, sx, sy] = [total + v, sx + v * x, sy + v * y];
    }
  }
  const [cx, cy] = [total ? sx / total : 0, total ? sy / total : 0];
  let [syy, sxy] = [0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = ink[y * width + x] as number;
      [syy, sxy] = [syy + v * (y - cy) ** 2, sxy + v * (x - cx) * (y - cy)];
    }
  }
  return { word, index, text, width, height, ink, total, cx, cy, parts: shapes.length, x: gx0, y: gy0, dark: tone.lo, slant: syy ? sxy / syy : 0, lineHeight: rows.y1 - rows.y0, level: rows.y1 > rows.y0 ? (gy0 + cy - rows.y0) / (rows.y1 - rows.y0) : 0.5 };
}

/** A backtick leans this much or more (DejaVu Sans Mono's: 0.5–0.6; straight quotes 0, commas and ’ -0.2 to -0.3). */
const BACKTICK_SLANT = 0.35;

/**
 * Whether a glyph has a backtick's shape, whatever it was read as: one mark, leaning down to the right, no taller
 * than {@link SMALL_MARK} of its line's height, about as wide as tall (a backslash is as tall as the letters), and
 * its ink (the glyph's box less the pixel around it) at least {@link SPECK} of the line's height each way: two dark
 * pixels touching at a corner (dust, a JPEG speck in a blank) lean down to the right too.
 */
export function backtickShaped(g: Glyph): boolean {
  const speck = Math.min(g.width, g.height) - 2 < SPECK * g.lineHeight;
  return g.parts === 1 && !speck && g.slant >= BACKTICK_SLANT && g.height <= SMALL_MARK * g.lineHeight && g.width <= 2 * g.height && g.height <= 2 * g.width;
}
/** Share of its line's height a backtick takes at most. */
const SMALL_MARK = 0.45;
/**
 * Share of its line's height a backtick's ink spans at least, across and down (DejaVu Sans Mono's: 5–6 px of a
 * prepared line 30–45 px high, 0.13–0.17; 2 px of unscaled 11–14 px text's line 16–21 high, 0.095–0.125; a two-pixel
 * speck in a prepared line: 0.06).
 */
const SPECK = 0.08;

/** Whether two glyphs are near enough in size to be compared at all (see {@link shapeDistance}). */
export function sizesAlike(a: Glyph, b: Glyph): boolean {
  return Math.abs(a.width - b.width) <= Math.max(2, Math.round(0.25 * Math.max(a.width, b.width))) && Math.abs(a.height - b.height) <= Math.max(2, Math.round(Math.max(a.height, b.height) / 6));
}

/**
 * How different two glyphs' shapes are: the share of their ink that does not overlap (0 the same, 1 nothing in
 * common), their centres of mass laid on each other, at the best of nine one-pixel shifts from there; 1 when their
 * sizes differ grossly (a quarter of the width, a sixth of the height, two pixels at least).
 */
export function shapeDistance(a: Glyph, b: Glyph): number {
  if (!sizesAlike(a, b) || !a.total || !b.total) return 1;
  const ox = Math.round(b.cx - a.cx);
  const oy = Math.round(b.cy - a.cy);
  let best = 1;
  for (let dy = oy - 1; dy <= oy + 1; dy++) {
    for (let dx = ox - 1; dx <= ox + 1; dx++) {
      let common = 0;
      for (let y = Math.max(0, -dy); y < Math.min(a.height, b.height - dy); y++) {
        for (let x = Math.max(0, -dx); x < Math.min(a.width, b.width - dx); x++) common += Math.min(a.ink[y * a.width + x] as number, b.ink[(y + dy) * b.width + x + dx] as number);
      }
      best = Math.min(best, 1 - (2 * common) / (a.total + b.total));
    }
  }
  return best;
}
