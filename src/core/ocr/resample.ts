/**
 * Resizing a grey image: a separable Catmull–Rom cubic, the kernel widened when reducing (no aliasing). Used to bring
 * the text to the x-height Tesseract reads best (prepare.ts). Pure functions, no I/O.
 */
import { clamp } from './filters';
import type { GreyImage } from './protocol';

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

/** Resize a grey image (separable Catmull–Rom cubic): across the rows into floats, then down the columns. */
export function resizeGrey(image: GreyImage, width: number, height: number): GreyImage {
  const mid = resizeRows(image, width);
  return { width, height, data: resizeColumns(mid, width, image.height, height) };
}

/** The horizontal pass: each row resampled to `width` values, kept as floats for the vertical pass. */
function resizeRows(image: GreyImage, width: number): Float32Array {
  const { width: iw, height: ih, data } = image;
  const hx = weights(iw, width);
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
  return mid;
}

/** The vertical pass: `ih` rows of `width` floats resampled to `height` rows of bytes. */
function resizeColumns(mid: Float32Array, width: number, ih: number, height: number): Uint8Array {
  const hy = weights(ih, height);
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
  return out;
}
