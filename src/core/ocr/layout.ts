/**
 * The screen's regions, in reading order, found before recognition (in the OCR worker thread): a recursive X-Y cut.
 *
 * Tesseract's own layout analysis (page segmentation 3) reads a dashboard's table column by column, joins two panels
 * side by side line by line and turns a line-number gutter into a column of its own; on a dense 1080p screen it also
 * costs half of the recognition time. Here the regions are found first and each is read as one block of lines
 * (page segmentation 6, see worker.ts): a table's row, a numbered item, a code line with its number stay one line.
 *
 * A node (a rectangle, trimmed to its ink) is cut, in this order:
 * 1. **across** (into bands, top to bottom) at rows free of ink where the ORIGINAL grey shows a separator along
 *    {@link FULL} of the node: the background changes (a top bar, a tab strip, a status bar) or two rules run side by
 *    side (the borders of two stacked cards). A single rule is not enough: tables rule their rows; and three shades
 *    or more (changes of less than {@link SHADE} grey levels) are a table's zebra rows, kept together;
 * 2. **down** (into columns, left to right) at columns free of ink that hold a separator — a background change, two
 *    rules (the borders of two cards side by side), a single rule unless rules or shades also run across the node (a
 *    table's grid) — or at a gap of at least {@link COLUMN_GAP} x-heights unless the text lines on both sides align
 *    row by row (the line bands of the two sides, their horizontal projections, match): a table's columns, a gutter
 *    and its code, a list's numbers and items are one region. A single line is cut at gaps of {@link LINE_GAP}
 *    x-heights (the two ends of a status bar: Tesseract misreads the first letters after a long blank stretch);
 * 3. **across** at separators along {@link ALONG} of the node (cards stacked in one column of a page), or at gaps of
 *    at least {@link BAND_GAP} x-heights and twice the node's usual line gap (a heading over columns, paragraphs), so
 *    the columns under them can be found.
 * Each part is cut again until nothing cuts. Reading order is the order of the cuts: top to bottom, then left to
 * right, then top to bottom — the top bar first, a sidebar before the editor beside it, the editor before the
 * terminal under it.
 *
 * Ink is what the quick normalisation (polarity.ts, normaliseByMedian) leaves darker than `INK_LEVEL` (textInk.ts), with long
 * straight runs taken out (rules and borders are separators, not text). Pure functions, no I/O.
 */
import type { GreyImage } from './protocol';
import { textInk } from './textInk';

/** A rectangle in the image's pixels. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A region found: where to cut it out (`rect`: its text with a margin), where its text is, how much ink it holds. */
export interface LayoutRegion {
  readonly rect: Rect;
  readonly text: Rect;
  readonly ink: number;
}

/** A gap between columns, in x-heights, wide enough to cut at when the lines do not align (a word space is 0.6). */
export const COLUMN_GAP = 2.5;
/** A gap within a single line, in x-heights, that cuts it (the two ends of a status bar). */
export const LINE_GAP = 25;
/** A gap between bands, in x-heights, wide enough to cut at (a table's rows are 1.5–3 apart). */
export const BAND_GAP = 3;
/** Grey levels between two backgrounds (or a rule and its background) that count as a separator. */
const STEP = 4;
/** A background change of fewer grey levels is a shade (zebra rows, a tab strip), more is a panel's edge. */
const SHADE = 24;
/** Share of a node's extent a separator must run along (a bar across the whole node: {@link FULL}). */
const ALONG = 0.6;
const FULL = 0.8;
/** Share of the line bands of each side that must meet one on the other side for two columns to be one region. */
const ALIGNED = 0.6;
const MAX_DEPTH = 12;

/** The image and its ink, for cutting. */
interface Page {
  readonly w: number;
  readonly h: number;
  readonly grey: Uint8Array;
  /** Ink counted down each column: `down[y * w + x]` is the ink of column x in rows [0, y) (rules taken out). */
  readonly down: Uint32Array;
  /** Ink counted along each row: `along[y * (w + 1) + x]` is the ink of row y in columns [0, x). */
  readonly along: Uint32Array;
  readonly x: number;
}

/**
 * The regions of a screenshot in reading order: `grey` the original image, `normalised` the same size as dark ink on
 * white (any quick normalisation), `xHeight` the text's x-height in pixels. Each region is its text (trimmed to its ink)
 * and, to cut it out by, the same with a margin of about an x-height kept inside the part of the screen the cuts gave
 * it (the background around the text, for preparing it).
 */
export function findRegions(grey: GreyImage, normalised: GreyImage, xHeight: number): LayoutRegion[] {
  const x = Math.max(2, xHeight);
  const page: Page = { w: grey.width, h: grey.height, grey: grey.data, ...counts(textInk(normalised, x), grey.width, grey.height), x };
  const regions: LayoutRegion[] = [];
  const visit = (cell: Rect, depth: number): void => {
    const node = trim(page, cell);
    // Nothing, or a sliver no text is made of (what is left of a border, a speck): not read.
    if (!node || node.width < 0.35 * x || node.height < 0.5 * x) return;
    const parts = depth < MAX_DEPTH ? cut(page, node) : [];
    if (parts.length < 2) regions.push({ rect: withMargin(node, cell, Math.ceil(x)), text: node, ink: profile(page, node, 'y').reduce((a, b) => a + b, 0) });
    else for (const part of parts) visit(outTo(part, node, cell), depth + 1);
  };
  visit({ x: 0, y: 0, width: grey.width, height: grey.height }, 0);
  return regions;
}

/** The parts of a node, in reading order (fewer than two: it does not cut). */
function cut(page: Page, node: Rect): Rect[] {
  const bars = cutsAcross(page, node, FULL);
  if (bars.length) return split(node, bars, 'y');
  const down = cutsDown(page, node);
  if (down.length) return split(node, down, 'x');
  const across = cutsAcross(page, node, ALONG);
  return across.length ? split(node, across, 'y') : [];
}

function split(node: Rect, at: readonly number[], axis: 'x' | 'y'): Rect[] {
  const start = axis === 'x' ? node.x : node.y;
  const end = start + (axis === 'x' ? node.width : node.height);
  const edges = [start, ...at, end];
  return edges.slice(1).map((e, i) => {
    const s = edges[i] ?? start;
    return axis === 'x' ? { x: s, y: node.y, width: e - s, height: node.height } : { x: node.x, y: s, width: node.width, height: e - s };
  });
}

/** The bounding box of the ink inside `cell` (undefined: none). */
function trim(page: Page, cell: Rect): Rect | undefined {
  const cols = profile(page, cell, 'x');
  const rows = profile(page, cell, 'y');
  const first = (p: Int32Array): number => p.findIndex((v) => v > 0);
  const last = (p: Int32Array): number => p.length - 1 - [...p].reverse().findIndex((v) => v > 0);
  const x0 = first(cols);
  if (x0 < 0) return undefined;
  const y0 = first(rows);
  return { x: cell.x + x0, y: cell.y + y0, width: last(cols) - x0 + 1, height: last(rows) - y0 + 1 };
}

/**
 * A part of a trimmed node with its left and right edges, where they are the node's own, moved back out to the cell
 * the node was trimmed from: the blank beside the text belongs to its part, for preparing it. Cut at the ink, a lone
 * value in its box ("4") was lost and "Code" misread at an x-height of 5 px. Not above and below: there the cell is
 * the gap between lines, and reaching into it took in the next lines' ascenders and descenders (the dense editor then
 * lost 2 % of its words).
 */
function outTo(part: Rect, node: Rect, cell: Rect): Rect {
  const x0 = part.x === node.x ? cell.x : part.x;
  const x1 = part.x + part.width === node.x + node.width ? cell.x + cell.width : part.x + part.width;
  return { ...part, x: x0, width: x1 - x0 };
}

function withMargin(node: Rect, cell: Rect, margin: number): Rect {
  const x0 = Math.max(cell.x, node.x - margin);
  const y0 = Math.max(cell.y, node.y - margin);
  const x1 = Math.min(cell.x + cell.width, node.x + node.width + margin);
  const y1 = Math.min(cell.y + cell.height, node.y + node.height + margin);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The running counts of {@link Page} for an ink mask. */
function counts(ink: Uint8Array, w: number, h: number): { down: Uint32Array; along: Uint32Array } {
  const down = new Uint32Array((h + 1) * w);
  const along = new Uint32Array(h * (w + 1));
  for (let y = 0; y < h; y++) {
    let run = 0;
    for (let x = 0; x < w; x++) {
      const v = ink[y * w + x];
      run += v;
      along[y * (w + 1) + x + 1] = run;
      down[(y + 1) * w + x] = down[y * w + x] + v;
    }
  }
  return { down, along };
}

/** Ink per column (`x`) or per row (`y`) of `r`. */
function profile(page: Page, r: Rect, axis: 'x' | 'y'): Int32Array {
  const { w, down, along } = page;
  if (axis === 'x') {
    const out = new Int32Array(r.width);
    const top = r.y * w + r.x;
    const bottom = (r.y + r.height) * w + r.x;
    for (let x = 0; x < r.width; x++) out[x] = down[bottom + x] - down[top + x];
    return out;
  }
  const out = new Int32Array(r.height);
  for (let y = 0; y < r.height; y++) {
    const row = (r.y + y) * (w + 1);
    out[y] = along[row + r.x + r.width] - along[row + r.x];
  }
  return out;
}

/** Runs of zeros strictly inside a profile (the node is trimmed: its ends hold ink), as [start, end) pairs. */
function gaps(p: Int32Array): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  while (i < p.length) {
    if (p[i] > 0) {
      i++;
      continue;
    }
    const from = i;
    while (i < p.length && p[i] === 0) i++;
    if (from > 0 && i < p.length) out.push([from, i]);
  }
  return out;
}

// ---- separators ------------------------------------------------------------------------------------------------

/** `shade`: a background change of less than {@link SHADE} grey levels (a zebra row, a tab strip). */
type Separator = 'background' | 'shade' | 'double' | 'rule' | 'none';

/**
 * What separates the two sides of a gap free of ink, read on the original grey along the node (`down`: along its rows,
 * else along its columns), `along` the share of the node a separator must run along: a background that differs from
 * one end of the gap to the other (two pixels at each end left out: the anti-aliased edges of glyphs are there), or
 * lines that show a step (a rule has two, a background edge one).
 */
function separator(page: Page, node: Rect, gap: [number, number], down: boolean, along: number, atEdges = false): Separator {
  const from = gap[0] + 2;
  const to = gap[1] - 2;
  if (to - from < 2) return 'none';
  const { w, grey } = page;
  const length = down ? node.height : node.width;
  // Pixel (a along the node, i across the gap): index = first + a * stepAlong + i * stepAcross.
  const stepAlong = down ? w : 1;
  const stepAcross = down ? 1 : w;
  const first = down ? node.y * w + node.x : node.y * w + node.x;
  const need = along * length;
  let changed = 0;
  let strongly = 0;
  for (let a = 0, p = first; a < length; a++, p += stepAlong) {
    const d = Math.abs(grey[p + from * stepAcross] - grey[p + (to - 1) * stepAcross]);
    if (d >= STEP) changed++;
    if (d >= SHADE) strongly++;
  }
  if (strongly >= need) return 'background';
  // With `atEdges` (down a node of several lines) rules are looked for across the whole gap: a panel's border often
  // lies at its very edge (text clipped against a split editor's border). In the two pixels at each end only a line
  // counts, a column that stands out from both its neighbours the same way (a glyph's edge fades from ink to paper).
  // Never in a single line's node: there a glyph's own stroke at the end of a word space (the round of an `o`, a stem)
  // runs along most of the node's height and is such a line.
  const line = (p: number): boolean => {
    const [before, after] = [grey[p] - grey[p - stepAcross], grey[p] - grey[p + stepAcross]];
    return Math.abs(before) >= STEP && Math.abs(after) >= STEP && before > 0 === after > 0;
  };
  let edges = 0;
  let previous = false;
  for (let i = atEdges ? gap[0] + 1 : from + 1; i < (atEdges ? gap[1] : to); i++) {
    const inside = i > from && i < to;
    let steps = 0;
    for (let a = 0, p = first + i * stepAcross; a < length; a++, p += stepAlong) {
      if (Math.abs(grey[p] - grey[p - stepAcross]) >= STEP && (inside || line(p) || line(p - stepAcross))) steps++;
    }
    const edge = steps >= need;
    if (edge && !previous) edges++;
    previous = edge;
  }
  if (edges >= 2) return 'double';
  return changed >= need ? 'shade' : edges > 0 ? 'rule' : 'none';
}

// ---- cuts --------------------------------------------------------------------------------------------------------

/**
 * Rows to cut a node at, top to bottom: where a background change or two rules run along `along` of its width, and —
 * unless only full bars are asked for (`along` {@link FULL}) — at wide gaps: at least {@link BAND_GAP} x-heights and
 * twice the node's usual gap between lines.
 */
function cutsAcross(page: Page, node: Rect, along: number): number[] {
  const found = gaps(profile(page, node, 'y')).map((g) => ({ g, kind: separator(page, node, g, false, along) }));
  const usual = median(found.map(({ g }) => g[1] - g[0]));
  const wide = Math.max(BAND_GAP * page.x, 2 * usual);
  // Three shades or more are a table's zebra rows, not panels: those rows stay together.
  const zebra = found.filter(({ kind }) => kind === 'shade').length >= 3;
  return found
    .filter(({ g, kind }) => kind === 'background' || kind === 'double' || (kind === 'shade' && !zebra) || (along < FULL && g[1] - g[0] >= wide))
    .map(({ g }) => node.y + ((g[0] + g[1]) >> 1));
}

/** Whether rules or shades run across a node between its lines (two or more): a grid, a table's rows. */
function ruledAcross(page: Page, node: Rect): boolean {
  return gaps(profile(page, node, 'y')).filter((g) => separator(page, node, g, false, ALONG) !== 'none').length >= 2;
}

/**
 * Columns to cut a node at, left to right: the gaps with a background change or two rules; when there are none, the
 * gaps with a rule or at least {@link COLUMN_GAP} x-heights wide whose two sides — back to the last cut, on to the next
 * such gap — do not align (see the header).
 */
function cutsDown(page: Page, node: Rect): number[] {
  const oneLine = bands(page, node).length === 1;
  const candidates = gaps(profile(page, node, 'x'))
    .map((g) => ({ g, kind: separator(page, node, g, true, ALONG, !oneLine) }))
    .filter(({ g, kind }) => kind !== 'none' || g[1] - g[0] >= COLUMN_GAP * page.x);
  const middle = (g: [number, number]): number => node.x + ((g[0] + g[1]) >> 1);
  // A single rule down a node is a panel's edge (a split editor, a diff, a terminal split) unless rules or shades run
  // across it too: then it is a table's grid.
  let grid: boolean | undefined;
  const ruled = (): boolean => (grid ??= ruledAcross(page, node));
  const strong = candidates.filter(({ g, kind }) => kind === 'background' || kind === 'shade' || kind === 'double' || (kind === 'rule' && !ruled()) || (oneLine && g[1] - g[0] >= LINE_GAP * page.x));
  if (strong.length) return strong.map(({ g }) => middle(g));
  const cuts: number[] = [];
  let left = node.x;
  candidates.forEach(({ g }, i) => {
    const next = candidates[i + 1];
    const end = next ? node.x + next.g[0] : node.x + node.width;
    const start = node.x + g[1];
    if (aligned(page, { ...node, x: left, width: node.x + g[0] - left }, { ...node, x: start, width: end - start })) return;
    cuts.push(middle(g));
    left = start;
  });
  return cuts;
}

/**
 * Whether the text lines of two columns side by side align row by row: each side's line bands (runs of rows with
 * ink), and the share of them that overlap a band of the other side by at least half the smaller band, on both sides.
 */
function aligned(page: Page, left: Rect, right: Rect): boolean {
  const a = bands(page, left);
  const b = bands(page, right);
  if (!a.length || !b.length) return false;
  const meets = (band: [number, number], others: [number, number][]): boolean =>
    others.some(([s, e]) => Math.min(e, band[1]) - Math.max(s, band[0]) >= 0.5 * Math.min(e - s, band[1] - band[0]));
  const share = (xs: [number, number][], ys: [number, number][]): number => xs.filter((x) => meets(x, ys)).length / xs.length;
  return share(a, b) >= ALIGNED && share(b, a) >= ALIGNED;
}

/** The line bands of a column: runs of rows with ink, at least half an x-height tall (not a speck or an underline). */
function bands(page: Page, r: Rect): [number, number][] {
  const p = profile(page, r, 'y');
  const out: [number, number][] = [];
  let i = 0;
  while (i < p.length) {
    if (p[i] === 0) {
      i++;
      continue;
    }
    const from = i;
    while (i < p.length && p[i] > 0) i++;
    if (i - from >= 0.5 * page.x) out.push([from, i]);
  }
  return out;
}

function median(values: readonly number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? 0;
}
