/**
 * Filters on 8-bit grids, one byte per pixel, top row first: the maximum and minimum over a square (for the grey
 * closing and opening that find each pixel's background, polarity.ts), the median over a square (the background of
 * a region) and integral images (ink counted over a window). Pure functions, no I/O.
 */

export const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * Maximum (`max`) or minimum over a `k`×`k` square (k odd; the window is cut at the image's edges), separably, with
 * the van Herk / Gil–Werman running maximum: per direction about three comparisons per pixel whatever `k` (prefix and
 * suffix maxima within blocks of `k`), the vertical pass on whole rows at a time. The minimum is the maximum of the
 * inverted image, inverted back: one pass serves both.
 */
export function extremeFilter(src: Uint8Array, w: number, h: number, k: number, max: boolean): Uint8Array {
  if (max) return maxFilter(src, w, h, k);
  const inverted = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) inverted[i] = 255 - src[i];
  const out = maxFilter(inverted, w, h, k);
  for (let i = 0; i < out.length; i++) out[i] = 255 - out[i];
  return out;
}

/**
 * The maximum over a `k`×`k` square: across the rows, then down the columns. Each direction pads its line with r = k/2
 * zeros at both ends (zero never wins a maximum, so the window is cut at the edges) and cuts the padded line into blocks
 * of `k`: the window [i, i + 2r] always spans one block boundary, so its maximum is the larger of the suffix maximum
 * at i (to the end of its block) and the prefix maximum at i + 2r (from the start of its block).
 */
function maxFilter(src: Uint8Array, w: number, h: number, k: number): Uint8Array {
  if (k >> 1 === 0) return src.slice();
  return maxDownColumns(maxAcrossRows(src, w, h, k), w, h, k);
}

/** The horizontal pass: each pixel becomes the maximum of the `k` pixels centred on it in its row. */
function maxAcrossRows(src: Uint8Array, w: number, h: number, k: number): Uint8Array {
  const r = k >> 1;
  const across = new Uint8Array(w * h);
  const len = w + 2 * r;
  const line = new Uint8Array(len);
  const prefix = new Uint8Array(len);
  const suffix = new Uint8Array(len);
  for (let y = 0; y < h; y++) {
    line.set(src.subarray(y * w, y * w + w), r);
    blockMaxima(line, k, prefix, suffix);
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const a = suffix[x];
      const b = prefix[x + 2 * r];
      across[row + x] = a > b ? a : b;
    }
  }
  return across;
}

/** Prefix and suffix maxima of `line` within consecutive blocks of `k` values (the last block may be shorter). */
function blockMaxima(line: Uint8Array, k: number, prefix: Uint8Array, suffix: Uint8Array): void {
  const len = line.length;
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
}

/**
 * The vertical pass, whole rows at a time: the prefix and suffix maxima of {@link blockMaxima}, with rows for values.
 * Padded row p is image row p − r (zeros outside).
 */
function maxDownColumns(across: Uint8Array, w: number, h: number, k: number): Uint8Array {
  const r = k >> 1;
  const rows = h + 2 * r;
  const prefixRows = new Uint8Array(rows * w);
  const suffixRows = new Uint8Array(rows * w);
  for (let start = 0; start < rows; start += k) {
    const end = start + k < rows ? start + k : rows;
    runningRowMaxima(across, w, h, r, prefixRows, start, end - 1);
    runningRowMaxima(across, w, h, r, suffixRows, end - 1, start);
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

/**
 * Into `out`, padded rows `first` to `last` (either way round): each row the maximum, column by column, of the rows
 * from `first` to it. Rows of the padding are zeros (a fresh `out` holds zeros where nothing is written).
 */
function runningRowMaxima(across: Uint8Array, w: number, h: number, r: number, out: Uint8Array, first: number, last: number): void {
  const step = last >= first ? 1 : -1;
  for (let p = first; p !== last + step; p += step) {
    const y = p - r;
    const at = p * w;
    const before = at - step * w;
    if (y >= 0 && y < h) {
      const from = y * w;
      if (p === first) out.set(across.subarray(from, from + w), at);
      else for (let x = 0; x < w; x++) out[at + x] = across[from + x] > out[before + x] ? across[from + x] : out[before + x];
    } else if (p !== first) out.copyWithin(at, before, before + w);
  }
}

/** Median over a (2r+1)² window (clamped at the edges) of an 8-bit grid: Huang's sliding histogram. */
export function medianFilter(src: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const out = new Uint8Array(w * h);
  const window = new SlidingMedian();
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h - 1, y + r);
    window.clear();
    for (let yy = y0; yy <= y1; yy++) {
      for (let xx = 0; xx <= Math.min(w - 1, r); xx++) window.add(src[yy * w + xx]);
    }
    out[y * w] = window.median();
    for (let x = 1; x < w; x++) {
      const leave = x - r - 1;
      const enter = x + r;
      for (let yy = y0; yy <= y1; yy++) {
        if (leave >= 0) window.remove(src[yy * w + leave]);
        if (enter < w) window.add(src[yy * w + enter]);
      }
      out[y * w + x] = window.median();
    }
  }
  return out;
}

/** The values in a window, as a histogram, and their (lower) median, moved from the last one as values come and go. */
class SlidingMedian {
  private readonly hist = new Int32Array(256);
  private n = 0;
  private med = 0;
  /** How many values are smaller than `med`. */
  private below = 0;

  clear(): void {
    this.hist.fill(0);
    this.n = 0;
    this.med = 0;
    this.below = 0;
  }

  add(v: number): void {
    this.hist[v]++;
    this.n++;
    if (v < this.med) this.below++;
  }

  remove(v: number): void {
    this.hist[v]--;
    this.n--;
    if (v < this.med) this.below--;
  }

  median(): number {
    const { hist } = this;
    const target = (this.n - 1) >> 1;
    while (this.below > target) {
      this.med--;
      this.below -= hist[this.med];
    }
    while (this.below + hist[this.med] <= target) {
      this.below += hist[this.med];
      this.med++;
    }
    return this.med;
  }
}

/** In place: each entry becomes the sum of the entries above and left of it (row 0 and column 0 stay 0). */
export function integrate(a: Int32Array, w: number, h: number): void {
  for (let y = 1; y < h; y++) {
    let run = 0;
    for (let x = 1; x < w; x++) {
      run += a[y * w + x];
      a[y * w + x] = run + a[(y - 1) * w + x];
    }
  }
}

/** Sum over cells [x0, x1) × [y0, y1) of an integral image of row width `w`. */
export function boxSum(a: Int32Array, w: number, x0: number, y0: number, x1: number, y1: number): number {
  return a[y1 * w + x1] - a[y0 * w + x1] - a[y1 * w + x0] + a[y0 * w + x0];
}
