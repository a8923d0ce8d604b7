/**
 * Grey thumbnails, what frames are compared on. 96 px on the long side, not 64: of a 14-px line typed letter by letter
 * in a 1280-px-wide recording, 64-px thumbnails missed 5 of the 20 letters as changes, 96-px ones none. A thumbnail
 * pixel is the box average of the luma of the source pixels it covers (alpha flattened on white), computed here:
 * libvips's own resize blends the bottom of one page into the next. `shrinkGrey` shrinks a frame libvips already made
 * grey (GIF, WebP); `shrinkToGrey` a region of an RGBA canvas (APNG: only the pixels a frame touched are recomputed).
 */
import type { Size } from '../images';
import type { Rect } from './types';

/** Long side of the grey thumbnails frames are compared on. */
export const THUMBNAIL_SIZE = 96;
/** Frames whose change above the noise adds up to less than two source pixels turning black to white are the same. */
const MIN_CHANGE_INK = 2 * 255;

/** The size of the thumbnail of a `width`×`height` frame: long side `size`, never enlarged. */
export function thumbnailSize(width: number, height: number, size: number): Size {
  const scale = Math.min(1, size / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The least change that counts between thumbnails `t` of `width`×`height` frames (see `GreyFrames.minChange`). */
export function thumbnailMinChange(width: number, height: number, t: Size): number {
  return MIN_CHANGE_INK / ((width / t.width) * (height / t.height));
}

/** Luma weights (0.299, 0.587, 0.114 in 16.16 fixed point), the same as `shrinkToGrey`'s. */
export const LUMA: [number, number, number] = [19595 / 65536, 38470 / 65536, 7471 / 65536];

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** RGBA bytes as one 32-bit word a pixel (R in the low byte), aligned. */
export function pixels32(rgba: Uint8Array): Uint32Array {
  const bytes = rgba.byteOffset % 4 === 0 ? rgba : rgba.slice();
  if (LITTLE_ENDIAN) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
  const out = new Uint32Array(bytes.byteLength >> 2);
  for (let i = 0; i < out.length; i++) out[i] = ((bytes[i * 4] ?? 0) | ((bytes[i * 4 + 1] ?? 0) << 8) | ((bytes[i * 4 + 2] ?? 0) << 16) | ((bytes[i * 4 + 3] ?? 0) << 24)) >>> 0;
  return out;
}

/**
 * Box-average the luma (alpha flattened on white) of a `w`×`h` image starting at pixel `base` into the thumbnail
 * pixels whose area meets `dirty` (the whole image: every thumbnail pixel).
 */
export function shrinkToGrey(px: Uint32Array, base: number, w: number, h: number, thumb: Uint8Array, t: Size, dirty: Rect): void {
  const tx0 = Math.floor((dirty.x * t.width) / w);
  const tx1 = Math.min(t.width - 1, Math.floor(((dirty.x + dirty.width - 1) * t.width) / w));
  const ty0 = Math.floor((dirty.y * t.height) / h);
  const ty1 = Math.min(t.height - 1, Math.floor(((dirty.y + dirty.height - 1) * t.height) / h));
  const xs = new Int32Array(t.width + 1);
  for (let tx = 0; tx <= t.width; tx++) xs[tx] = Math.floor((tx * w) / t.width);
  const sums = new Float64Array(tx1 - tx0 + 1);
  for (let ty = ty0; ty <= ty1; ty++) {
    const y0 = Math.floor((ty * h) / t.height);
    const y1 = Math.max(y0 + 1, Math.floor(((ty + 1) * h) / t.height));
    sums.fill(0);
    for (let y = y0; y < y1; y++) {
      const row = base + y * w;
      for (let tx = tx0; tx <= tx1; tx++) {
        let acc = 0; // luma × 65536 (weights 0.299, 0.587, 0.114 in 16.16 fixed point)
        for (let i = row + (xs[tx] as number), end = row + (xs[tx + 1] as number); i < end; i++) {
          const p = px[i] as number;
          const luma = (p & 0xff) * 19595 + ((p >>> 8) & 0xff) * 38470 + ((p >>> 16) & 0xff) * 7471;
          if (p >= 0xff000000) acc += luma;
          else {
            const a = p >>> 24;
            acc += (luma * a + 65536 * 255 * (255 - a)) / 255;
          }
        }
        sums[tx - tx0] = (sums[tx - tx0] as number) + acc;
      }
    }
    for (let tx = tx0; tx <= tx1; tx++) thumb[ty * t.width + tx] = Math.round((sums[tx - tx0] as number) / (65536 * (y1 - y0) * ((xs[tx + 1] as number) - (xs[tx] as number))));
  }
}

/** Box-average a `w`×`h` grey image starting at byte `base` into every thumbnail pixel (as `shrinkToGrey`). */
export function shrinkGrey(grey: Uint8Array, base: number, w: number, h: number, thumb: Uint8Array, t: Size): void {
  const xs = new Int32Array(t.width + 1);
  for (let tx = 0; tx <= t.width; tx++) xs[tx] = Math.floor((tx * w) / t.width);
  const sums = new Float64Array(t.width);
  for (let ty = 0; ty < t.height; ty++) {
    const y0 = Math.floor((ty * h) / t.height);
    const y1 = Math.max(y0 + 1, Math.floor(((ty + 1) * h) / t.height));
    sums.fill(0);
    for (let y = y0; y < y1; y++) {
      const row = base + y * w;
      for (let tx = 0; tx < t.width; tx++) {
        let acc = 0;
        for (let i = row + (xs[tx] as number), end = row + (xs[tx + 1] as number); i < end; i++) acc += grey[i] as number;
        sums[tx] = (sums[tx] as number) + acc;
      }
    }
    for (let tx = 0; tx < t.width; tx++) thumb[ty * t.width + tx] = Math.round((sums[tx] as number) / ((y1 - y0) * ((xs[tx + 1] as number) - (xs[tx] as number))));
  }
}
