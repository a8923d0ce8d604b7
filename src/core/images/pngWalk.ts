/**
 * Walking a PNG's chunks (length, type, data, CRC) to tell one cut short or changed: libvips decodes a PNG whose
 * IDAT is whole without a word when what follows is cut or damaged, and an APNG's first frame (its default image)
 * when a later frame is; its own checks cover only what it decodes.
 */
import { crc32 } from 'node:zlib';

/** What walking a PNG's chunks found. */
export interface PngWalk {
  /** Why the PNG is damaged (a chunk cut short or failing its CRC, frames missing); undefined when it is whole. */
  readonly damage: string | undefined;
}

const u32 = (b: Uint8Array, p: number): number => (((b[p] ?? 0) << 24) | ((b[p + 1] ?? 0) << 16) | ((b[p + 2] ?? 0) << 8) | (b[p + 3] ?? 0)) >>> 0;

/** The chunks whose CRC a decoder must check: critical ones (upper-case first letter) and an APNG's frames. */
function checked(type: string): boolean {
  return /^[A-Z]/.test(type) || type === 'acTL' || type === 'fcTL' || type === 'fdAT';
}

/**
 * Walk a PNG from its first chunk to IEND. Damaged: a chunk that runs past the end of the file, a checked chunk whose
 * CRC is not its bytes', or a file that ends (without IEND) before all the frames its acTL announces. A still PNG that
 * just lacks IEND is not damaged: its pixels are all there, and decoders show it.
 */
export function walkPng(b: Uint8Array): PngWalk {
  let announced = 0;
  let frames = 0;
  let p = 8;
  while (p < b.length) {
    if (p + 12 > b.length) return { damage: `it ends after ${b.length} bytes, inside a chunk's header` };
    const len = u32(b, p);
    const type = Buffer.from(b.subarray(p + 4, p + 8)).toString('latin1');
    const name = /^[A-Za-z]{4}$/.test(type) ? type : 'a';
    if (p + 12 + len > b.length) return { damage: `it ends after ${b.length} bytes, inside its ${name} chunk` };
    if (checked(type) && crc32(b.subarray(p + 4, p + 8 + len)) !== u32(b, p + 8 + len)) return { damage: `its ${name} chunk at byte ${p} fails its CRC` };
    if (type === 'acTL') announced = u32(b, p + 8);
    else if (type === 'fcTL') frames += 1;
    else if (type === 'IEND') return { damage: undefined };
    p += 12 + len;
  }
  if (frames < announced) return { damage: `it ends after ${b.length} bytes, with ${frames} of its ${announced} frames` };
  return { damage: undefined };
}
