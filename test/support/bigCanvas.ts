/**
 * Animations whose frames are small but whose canvas (logical screen) is huge: a few KB of file that a reader which
 * composites every frame at the canvas size turns into hundreds of MB per frame. Written the way such files are made:
 * the APNG by hand (1-bit grey: a 10000×10000 default image deflates to ~12 KB), the GIF and WebP by sharp (what the
 * tests use to write animations) as small frames, then moved onto the big canvas by editing their headers — GIF: the
 * logical screen, and the first frame placed in its far corner (libnsgif, the decoder libvips uses, takes a screen
 * over 2048 px from the first frame's extent); WebP: the VP8X canvas and each ANMF frame's offset.
 */
import { crc32, deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';

export interface SquareFrame {
  /** Top-left corner on the canvas (even numbers: WebP stores offsets halved). */
  readonly x: number;
  readonly y: number;
  /** Grey level of the square, 0 (black) or 255 (white) for the 1-bit APNG. */
  readonly grey: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One PNG chunk: length, type, data and its CRC. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0);
  return Buffer.concat([head, data, crc]);
}

/** Deflated rows of a 1-bit grey image of one colour (filter byte 0 on every row). */
function oneBitRows(width: number, height: number, white: boolean): Buffer {
  const stride = Math.ceil(width / 8) + 1;
  const rows = Buffer.alloc(stride * height, white ? 0xff : 0);
  for (let y = 0; y < height; y++) rows[y * stride] = 0;
  return deflateSync(rows, { level: 9 });
}

/**
 * An APNG of a white `width`×`height` first frame (its default image) and then `squares` of `size` px, each shown
 * `delayMs`, drawn over what was there (dispose none, blend source).
 */
export function apngOnCanvas(width: number, height: number, squares: readonly SquareFrame[], size: number, delayMs = 1000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // 1-bit greyscale
  const actl = Buffer.alloc(8);
  actl.writeUInt32BE(squares.length + 1, 0);
  const chunks = [PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('acTL', actl)];
  let seq = 0;
  const fctl = (w: number, h: number, x: number, y: number): Buffer => {
    const f = Buffer.alloc(26);
    f.writeUInt32BE(seq++, 0);
    f.writeUInt32BE(w, 4);
    f.writeUInt32BE(h, 8);
    f.writeUInt32BE(x, 12);
    f.writeUInt32BE(y, 16);
    f.writeUInt16BE(delayMs, 20);
    f.writeUInt16BE(1000, 22);
    return pngChunk('fcTL', f);
  };
  chunks.push(fctl(width, height, 0, 0), pngChunk('IDAT', oneBitRows(width, height, true)));
  for (const s of squares) {
    chunks.push(fctl(size, size, s.x, s.y));
    const n = Buffer.alloc(4);
    n.writeUInt32BE(seq++, 0);
    chunks.push(pngChunk('fdAT', Buffer.concat([n, oneBitRows(size, size, s.grey >= 128)])));
  }
  chunks.push(pngChunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(chunks);
}

/** `squares.length` frames of `size`×`size` RGBA, stacked, each a square of its grey with a darker border. */
function strip(squares: readonly SquareFrame[], size: number): Buffer {
  const out = Buffer.alloc(size * size * squares.length * 4);
  squares.forEach((s, k) => {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const o = ((k * size + y) * size + x) * 4;
        const edge = x < 4 || y < 4 || x >= size - 4 || y >= size - 4;
        out.fill(edge ? s.grey >> 1 : s.grey, o, o + 3);
        out[o + 3] = 255;
      }
    }
  });
  return out;
}

function animatedSharp(squares: readonly SquareFrame[], size: number): Sharp {
  return sharp(strip(squares, size), { raw: { width: size, height: size * squares.length, channels: 4, pageHeight: size } });
}

/** A GIF of `squares` on a `width`×`height` screen (over 2048 px: the first square sits in the far corner). */
export async function gifOnCanvas(width: number, height: number, squares: readonly SquareFrame[], size: number, delayMs = 1000): Promise<Buffer> {
  const gif = Buffer.from(await animatedSharp(squares, size).gif({ delay: squares.map(() => delayMs), loop: 0 }).toBuffer());
  gif.writeUInt16LE(width, 6);
  gif.writeUInt16LE(height, 8);
  let p = 13;
  const screenFlags = gif[10] ?? 0;
  if (screenFlags & 0x80) p += 3 * (1 << ((screenFlags & 0x07) + 1));
  const skipSubBlocks = (): void => {
    for (let n = gif[p++] ?? 0; n !== 0; n = gif[p++] ?? 0) p += n;
  };
  let k = 0;
  while (p < gif.length && gif[p] !== 0x3b) {
    if (gif[p] === 0x21) {
      p += 2;
      skipSubBlocks();
    } else if (gif[p] === 0x2c) {
      const s = squares[k++];
      if (!s) throw new Error('more GIF frames than squares');
      gif.writeUInt16LE(gif.readUInt16LE(p + 1) + s.x, p + 1);
      gif.writeUInt16LE(gif.readUInt16LE(p + 3) + s.y, p + 3);
      const flags = gif[p + 9] ?? 0;
      p += 10;
      if (flags & 0x80) p += 3 * (1 << ((flags & 0x07) + 1));
      p += 1;
      skipSubBlocks();
    } else throw new Error(`unexpected GIF block 0x${(gif[p] ?? 0).toString(16)}`);
  }
  if (k !== squares.length) throw new Error(`sharp wrote ${k} GIF frames for ${squares.length} squares`);
  return gif;
}

/** An animated WebP of `squares` on a `width`×`height` canvas (at most 16384 a side). */
export async function webpOnCanvas(width: number, height: number, squares: readonly SquareFrame[], size: number, delayMs = 1000): Promise<Buffer> {
  const webp = Buffer.from(await animatedSharp(squares, size).webp({ delay: squares.map(() => delayMs), loop: 0, lossless: true }).toBuffer());
  if (webp.toString('latin1', 12, 16) !== 'VP8X') throw new Error('sharp wrote a WebP without a VP8X header');
  webp.writeUIntLE(width - 1, 24, 3);
  webp.writeUIntLE(height - 1, 27, 3);
  let k = 0;
  for (let p = 12; p + 8 <= webp.length; ) {
    const type = webp.toString('latin1', p, p + 4);
    const length = webp.readUInt32LE(p + 4);
    if (type === 'ANMF') {
      const s = squares[k++];
      if (!s) throw new Error('more WebP frames than squares');
      webp.writeUIntLE(webp.readUIntLE(p + 8, 3) + s.x / 2, p + 8, 3);
      webp.writeUIntLE(webp.readUIntLE(p + 11, 3) + s.y / 2, p + 11, 3);
    }
    p += 8 + length + (length & 1);
  }
  if (k !== squares.length) throw new Error(`sharp wrote ${k} WebP frames for ${squares.length} squares`);
  return webp;
}
