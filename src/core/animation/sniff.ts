/** Telling an animated image from a still one by its headers, and the PNG chunk reading the APNG reader shares. */
import { countGifFrames } from '../images';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function isPng(b: Uint8Array): boolean {
  return b.length > 8 && PNG_SIGNATURE.every((v, i) => b[i] === v);
}

/** A big-endian unsigned 32-bit number at byte `p` (0 past the end). */
export function readU32(b: Uint8Array, p: number): number {
  return (((b[p] ?? 0) << 24) | ((b[p + 1] ?? 0) << 16) | ((b[p + 2] ?? 0) << 8) | (b[p + 3] ?? 0)) >>> 0;
}

/** The four-letter type of a PNG (or RIFF) chunk at byte `p`. */
export function chunkType(b: Uint8Array, p: number): string {
  return String.fromCharCode(b[p] ?? 0, b[p + 1] ?? 0, b[p + 2] ?? 0, b[p + 3] ?? 0);
}

/** An animated PNG: an `acTL` chunk before the first `IDAT`, announcing more than one frame. */
export function isApng(b: Uint8Array): boolean {
  if (!isPng(b)) return false;
  for (let p = 8; p + 8 <= b.length; ) {
    const len = readU32(b, p);
    const type = chunkType(b, p + 4);
    if (type === 'IDAT' || type === 'IEND') return false;
    if (type === 'acTL') return readU32(b, p + 8) > 1;
    p += 12 + len;
  }
  return false;
}

/** An animated WebP: a VP8X header with the animation flag. */
function isAnimatedWebp(b: Uint8Array): boolean {
  return b.length > 21 && chunkType(b, 0) === 'RIFF' && chunkType(b, 8) === 'WEBP' && chunkType(b, 12) === 'VP8X' && ((b[20] ?? 0) & 0x02) !== 0;
}

/** Does this image have more than one frame? Cheap: headers and GIF blocks only (pass `sniffed.frames` for a GIF). */
export function isAnimatedImage(bytes: Uint8Array, mime: string, gifFrames?: number): boolean {
  if (mime === 'image/gif') return (gifFrames ?? countGifFrames(bytes)) > 1;
  if (mime === 'image/webp') return isAnimatedWebp(bytes);
  if (mime === 'image/png' || mime === 'image/apng') return isApng(bytes);
  return false;
}
