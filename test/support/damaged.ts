/**
 * Damaged images, made in the test from real ones: a photo-like picture (smooth gradients and noise, so every format
 * has real compressed data) encoded by sharp, then cut at half, or with bytes flipped in the middle of its data, or a
 * PNG's header followed by garbage. Each is still recognised as its type by its first bytes.
 */
import sharp from 'sharp';
import * as UPNG from 'upng-js';

export interface DamagedImage {
  /** A file name naming what was done to it, e.g. "cut-half.png". */
  readonly name: string;
  readonly bytes: Buffer;
  /** What is wrong with it, for test titles. */
  readonly what: string;
}

/** A photo-like RGB picture of `width`×`height`. */
function photoPixels(width: number, height: number): Buffer {
  const raw = Buffer.alloc(width * height * 3);
  let seed = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const o = (y * width + x) * 3;
      raw[o] = (x * 255) / width + (seed & 15);
      raw[o + 1] = (y * 255) / height + ((seed >> 4) & 15);
      raw[o + 2] = ((x + y) * 127) / (width + height) + ((seed >> 8) & 31);
    }
  }
  return raw;
}

export type DamagedFormat = 'png' | 'jpeg' | 'gif' | 'webp';

/** A whole, undamaged image of that format. */
export async function wholeImage(format: DamagedFormat, width = 300, height = 200): Promise<Buffer> {
  const input = sharp(photoPixels(width, height), { raw: { width, height, channels: 3 } });
  return input.toFormat(format).toBuffer();
}

/** A whole animated GIF of `frames` photo-like frames of `width`×`height`, 100 ms each. */
export async function animatedGif(frames = 4, width = 40, height = 30): Promise<Buffer> {
  const raw = photoPixels(width, height * frames);
  return sharp(raw, { raw: { width, height: height * frames, channels: 3, pageHeight: height } }).gif({ loop: 0, delay: Array(frames).fill(100) }).toBuffer();
}

/** A whole animated PNG (upng-js writes it: IHDR, acTL, then fcTL + IDAT/fdAT per frame) of `frames` photo-like frames. */
export function animatedPng(frames = 5, width = 64, height = 48): Buffer {
  const rgb = photoPixels(width, height * frames);
  const buffers = Array.from({ length: frames }, (_, k) => {
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      const o = (k * width * height + i) * 3;
      rgba.set([rgb[o] ?? 0, rgb[o + 1] ?? 0, rgb[o + 2] ?? 0, 255], i * 4);
    }
    return rgba.buffer;
  });
  return Buffer.from(UPNG.encode(buffers, width, height, 0, Array(frames).fill(100) as number[]));
}

/** Where each of a PNG's chunks starts and ends, and its type. */
export function pngChunks(png: Buffer): { type: string; start: number; end: number }[] {
  const out: { type: string; start: number; end: number }[] = [];
  for (let p = 8; p + 12 <= png.length; p += 12 + png.readUInt32BE(p)) out.push({ type: png.toString('latin1', p + 4, p + 8), start: p, end: p + 12 + png.readUInt32BE(p) });
  return out;
}

const EXT: Record<DamagedFormat, string> = { png: 'png', jpeg: 'jpg', gif: 'gif', webp: 'webp' };

/** The bytes cut at half. */
export function cutAtHalf(bytes: Buffer): Buffer {
  return Buffer.from(bytes.subarray(0, bytes.length >> 1));
}

/**
 * 16 bytes inverted in the middle of the image data, 30 % into the file. (Not every change to JPEG data can be told:
 * its decoder notices some and decodes others to different pixels; these are noticed.)
 */
export function flipMiddle(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  const start = Math.floor(out.length * 0.3);
  for (let i = start; i < start + 16 && i < out.length; i++) out[i] = (out[i] ?? 0) ^ 0xff;
  return out;
}

/** A PNG's signature and header chunk (a real 300×200 PNG's), followed by garbage. */
export async function pngHeaderThenGarbage(): Promise<Buffer> {
  const png = await wholeImage('png');
  const garbage = Buffer.alloc(4000);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 73 + 41) & 0xff;
  return Buffer.concat([png.subarray(0, 33), garbage]);
}

/**
 * The damaged images every path is tested with: each format cut at half; PNG, JPEG and GIF with bytes flipped in the
 * middle (lossy WebP has no checksum: flipped bytes there decode to other pixels, which no decoder can tell); a PNG
 * header followed by garbage. `width`×`height` 300×200 needs no resizing; 1200×800 does.
 */
export async function damagedImages(width = 300, height = 200): Promise<DamagedImage[]> {
  const out: DamagedImage[] = [];
  for (const format of ['png', 'jpeg', 'gif', 'webp'] as const) {
    const whole = await wholeImage(format, width, height);
    out.push({ name: `cut-half.${EXT[format]}`, bytes: cutAtHalf(whole), what: `a ${format.toUpperCase()} cut at half` });
    if (format !== 'webp') out.push({ name: `flipped.${EXT[format]}`, bytes: flipMiddle(whole), what: `a ${format.toUpperCase()} with bytes flipped in the middle` });
  }
  out.push({ name: 'header-then-garbage.png', bytes: await pngHeaderThenGarbage(), what: 'a PNG header followed by garbage' });
  return out;
}

/** The message every path gives for a damaged image, naming it. */
export function damagedMessage(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${escaped}: the image is damaged or cut short \\(`);
}
