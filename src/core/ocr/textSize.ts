/**
 * The size of the text in a normalised image (dark ink on white): its connected components of ink, the ones shaped
 * like glyphs, and their x-height — what prepare.ts scales the image by. Pure functions, no I/O.
 */
import type { GreyImage } from './protocol';
import { INK_LEVEL } from './textInk';

/**
 * The x-height of the text in a normalised image (dark ink on white), in pixels: connected components of the ink
 * (8-connected, found run by run), kept when shaped like a glyph, and the 30th percentile of their heights — in
 * English most letters are x-height letters (a, e, n, o, s…), the rest are taller. Undefined with fewer than 8 glyphs.
 */
export function estimateXHeight(image: GreyImage): number | undefined {
  return measureText(image).xHeight;
}

/** The x-height (see {@link estimateXHeight}) and how many glyph-shaped components it was measured on. */
export function measureText(image: GreyImage): { xHeight: number | undefined; glyphs: number } {
  const heights = glyphHeights(inkComponents(image));
  if (heights.length < 8) return { xHeight: undefined, glyphs: heights.length };
  heights.sort((a, b) => a - b);
  return { xHeight: heights[Math.floor(heights.length * 0.3)], glyphs: heights.length };
}

/** The heights of the components shaped like a glyph: not a speck, not a rule or a box border, not a whole panel. */
function glyphHeights(components: Components): number[] {
  const heights: number[] = [];
  components.forEachBox((left, top, right, bottom) => {
    const ch = bottom - top + 1;
    const cw = right - left + 1;
    if (ch >= 3 && ch <= 300 && cw <= 3 * ch && ch <= 8 * cw) heights.push(ch);
  });
  return heights;
}

/** The 8-connected components of the ink: the runs of ink of each row, joined to the runs they touch in the row above. */
function inkComponents(image: GreyImage): Components {
  const components = new Components();
  let previous: number[] = [];
  for (let y = 0; y < image.height; y++) previous = labelRow(image, y, previous, components);
  return components;
}

/**
 * The runs of ink in row `y`, each added to the component of the runs above it that it touches (joining them) or to a
 * new one. `previous` and the result are [start, end, label] triples, left to right.
 */
function labelRow(image: GreyImage, y: number, previous: readonly number[], components: Components): number[] {
  const { width: w, data } = image;
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
      const other = components.find(previous[q + 2]);
      if (label < 0) label = other;
      else if (other !== label) components.join(label, other);
    }
    if (label < 0) label = components.add(y, start, end);
    else components.extend(label, y, start, end);
    current.push(start, end, label);
  }
  return current;
}

/** Components as a union–find forest, each root holding its component's bounding box. */
class Components {
  private readonly parent: number[] = [];
  private readonly top: number[] = [];
  private readonly bottom: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];

  /** The root of `a`'s component (the path to it compressed). */
  find(a: number): number {
    const { parent } = this;
    let r = a;
    while (parent[r] !== r) r = parent[r];
    let c = a;
    while (parent[c] !== r) {
      const next = parent[c];
      parent[c] = r;
      c = next;
    }
    return r;
  }

  /** A new component of one run; its label. */
  add(y: number, start: number, end: number): number {
    const label = this.parent.length;
    this.parent.push(label);
    this.top.push(y);
    this.bottom.push(y);
    this.left.push(start);
    this.right.push(end);
    return label;
  }

  /** Root `label`'s component reaches down to a run in row `y`. */
  extend(label: number, y: number, start: number, end: number): void {
    this.bottom[label] = y;
    this.left[label] = Math.min(this.left[label], start);
    this.right[label] = Math.max(this.right[label], end);
  }

  /** Root `other`'s component becomes part of root `label`'s. */
  join(label: number, other: number): void {
    this.parent[other] = label;
    this.top[label] = Math.min(this.top[label], this.top[other]);
    this.left[label] = Math.min(this.left[label], this.left[other]);
    this.right[label] = Math.max(this.right[label], this.right[other]);
    this.bottom[label] = Math.max(this.bottom[label], this.bottom[other]);
  }

  /** Each component's bounding box (inclusive). */
  forEachBox(visit: (left: number, top: number, right: number, bottom: number) => void): void {
    for (let i = 0; i < this.parent.length; i++) if (this.parent[i] === i) visit(this.left[i], this.top[i], this.right[i], this.bottom[i]);
  }
}
