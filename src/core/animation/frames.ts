/**
 * Animated images (GIF, WebP, APNG), typically screen recordings in docs: choose the frames that show the action and
 * send them so the model sees what happens, not just the first frame.
 *
 * Reading (`readAnimation`). GIF and WebP are decoded by sharp (libvips); APNG (sniffed by an `acTL` chunk before
 * `IDAT`) is split into its frames here and each frame's pixels decoded by sharp too. A recording is never held at full
 * size all at once (1,126 frames of 1280×720 would be 4 GB of RGBA): for choosing, frames are decoded in chunks of at
 * most 16.8 Mpx (`page`/`pages`), as grey (libvips flattens on white and weighs the channels as here, one byte a
 * pixel), and box-averaged here into grey thumbnails of 96 px on the long side (libvips's own resize blends the bottom
 * of one page into the next, and its WebP loader holds a whole chunk, so the chunk bounds the peak). APNG frames are
 * composited one by one into one canvas (blend and dispose as the APNG spec says), and only the thumbnail pixels a
 * frame touched are recomputed. Only the chosen frames are decoded again, each resized to the size sent as soon as it
 * is drawn. Every frame is decoded at the canvas's size, so a frame (canvas) of more than 16.8 Mpx (4096×4096) is
 * refused before any is decoded (`FrameSizeError`): a few KB of APNG, GIF or WebP with small frames on a 10000×10000
 * canvas took 2.4 GB and 13 s before; now a peak of about 90 MB (`--dry-run`), and an animation of 4000×4000 frames
 * under 400 MB. More than 5,000 frames, or more than 5,000 frames of 1080p in pixels, is a `bad-input` error. Delays of
 * 10 ms or less play as 100 ms, as in browsers. Thumbnails are 96 px, not 64: of a 14-px line typed letter by letter
 * in a 1280-px-wide recording, 64-px thumbnails missed 5 of the 20 letters as changes, 96-px ones none.
 *
 * Choosing (`chooseFrames`). Frames whose thumbnails differ by less than the noise (8 grey levels a pixel, and in all
 * less than two source pixels turning black to white) are one *state*, shown by its first frame: the moment it
 * appears. A state that comes back within a second to one of the last screens belongs to that *screen* (a blinking
 * caret, a hover undone). Screens seen for a second or more are *key* screens, and so are the first and the last.
 * Key screens are kept first: when there are more than the budget, those that differ most from the one before;
 * otherwise all of them, and the rest of the budget is spread over the time the screen was changing between them.
 * Spreading minimises the largest *unseen* part between two chosen frames (the weights between them minus the
 * largest: one jump between two chosen frames is fully seen) by bisecting over that bound with a greedy walk, then
 * splits the largest gaps while budget is left. No chosen frame is a near-duplicate of another, nor a member of a
 * screen already shown. So a long still followed by a change gives the first frame and the change; typing gives
 * frames spread along the typing; motion, frames spread along the motion. A budget of 1 is the first frame only (what
 * was sent before). Measured on a generated 57.6-s recording (bench/sections/frames.mjs): its 6 frames are exactly
 * the six screens a viewer reads (idle editor, line typed, palette open, list scrolled, pointer on the button, toast);
 * with 3 more frames of budget on a 240-frame APNG of it, they go to the typing (7 s of changes), not to the 0.8-s
 * slide of the palette.
 *
 * Sending (`compareSendModes`). The chosen frames go either as separate images (the service takes up to 10 per
 * request) or as ONE contact sheet: a grid with 4-px gutters, each frame numbered 1…n in reading order in its
 * top-left corner (DejaVu digits rendered by resvg). Both are compared at the same legibility: every frame at the size
 * the service gives that frame alone (`targetSize`: what the model would see of it sent by itself). A sheet is only
 * *legible* when the grid at that cell size still fits what the service keeps unscaled (2048 px and a shortest side of
 * 768 at high or auto detail, 512×512 at low); otherwise the service would shrink every cell. The rule: the sheet when
 * it is legible and costs fewer image tokens by the tile formula (85 a picture, plus 170 per 512-px tile at high),
 * otherwise the frames; a tie goes to the frames (no number covers any pixel). The best grid is searched over every
 * column count. Measured with 6 frames: a 1280×720 recording never fits a legible sheet (two cells side by side are
 * 2,564 px), so it goes as frames — 6,630 tokens at high or auto, 510 at low; a forced sheet would cost 1,445 (85 at
 * low) but show each frame at 681×383 (255×143). Nor do 960×540 and 800×450. The sheet wins at high/auto for frames up
 * to 640×360, by saving the 85 of every picture but one and packing partial tiles: 640×360 costs 2,550 as frames and
 * 1,445 as a 3×2 sheet of 1928×724 (−43 %); 480×270, 1,530 versus 765 as one column (−50 %); 320×180, 1,530 versus 425
 * (−72 %). At low detail a legible sheet must fit 512×512 with full-size cells: only frames up to about 250×140 (6 of
 * 240×135: 85 tokens instead of 510). Bytes on the wire are about the same either way for legible sheets.
 */
import type { Sharp as SharpPipeline } from 'sharp';
import { DescribeError, MAX_IMAGE_BYTES, MAX_IMAGES } from '../base';
import { countGifFrames, formatBytes, toDataUrl, type LocalImage } from '../images';
import { estimateImageTokens, rasteriseSvg, sharp, targetSize, type RawImage, type Size } from '../images';
import type { PreparedImage } from '../images';
import type { Detail } from '../base';

/** More frames than this are refused. */
export const MAX_ANIMATION_FRAMES = 5000;
/** More pixels than this in all frames together are refused (5,000 frames of 1920×1080). */
export const MAX_ANIMATION_PIXELS = 5000 * 1920 * 1080;
/** Frames chosen when nothing else is asked. */
export const DEFAULT_MAX_FRAMES = 6;
/** Long side of the grey thumbnails frames are compared on. */
export const THUMBNAIL_SIZE = 96;
/** A thumbnail pixel that moved by at most this many grey levels has not changed (dithering, compression). */
export const PIXEL_NOISE = 8;
/** Frames whose change above the noise adds up to less than two source pixels turning black to white are the same. */
const MIN_CHANGE_INK = 2 * 255;
/** A screen seen at least this long is a key screen. */
export const KEY_STATE_MS = 1000;
/** A state that comes back to one of this many last screens, within KEY_STATE_MS, belongs to it. */
const RECENT_SCREENS = 4;
/** Gutter between the cells of a contact sheet. */
export const SHEET_GUTTER = 4;
/**
 * Frames of more pixels than this are refused before any is decoded. A frame is decoded at its full (canvas) size to
 * choose frames, at up to about 20 bytes a pixel in libvips's loaders, so a few KB of file with small frames on a
 * huge canvas would otherwise take gigabytes; and the service shrinks every image to fit 2048×2048 anyway.
 */
export const MAX_FRAME_PIXELS = 4096 * 4096;
/** Pixels decoded at once while making thumbnails: at least one frame (see MAX_FRAME_PIXELS). */
const CHUNK_PIXELS = MAX_FRAME_PIXELS;

export type AnimationFormat = 'gif' | 'webp' | 'apng' | 'still';
export type SendMode = 'frames' | 'sheet';

/** Grey (one byte a pixel) thumbnails of every frame, all the same size. */
export interface GreyFrames {
  readonly width: number;
  readonly height: number;
  readonly frames: readonly Uint8Array[];
  /**
   * The least change that counts, for this frame size: grey levels above PIXEL_NOISE summed over the thumbnail
   * (two source pixels turning black to white; in a small frame one thumbnail pixel covers only a few pixels).
   */
  readonly minChange: number;
}

export interface Animation {
  readonly format: AnimationFormat;
  readonly width: number;
  readonly height: number;
  readonly frameCount: number;
  /** How long each frame is shown, in ms. */
  readonly delaysMs: readonly number[];
  /** When each frame starts, in ms from the start. */
  readonly startsMs: readonly number[];
  readonly durationMs: number;
  /** Grey thumbnails of every frame (long side `size`, never enlarged), read in bounded chunks. */
  thumbnails(size?: number): Promise<GreyFrames>;
  /** The given frames, composited, as RGBA — at full size, or resized to `size`. */
  frames(indices: readonly number[], size?: Size): Promise<RawImage[]>;
}

export interface FrameChoice {
  /** 0-based frame index. */
  readonly index: number;
  /** When the frame starts, in ms from the start. */
  readonly timeMs: number;
}

// ---- sniffing ----------------------------------------------------------------------------------------------------

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function isPng(b: Uint8Array): boolean {
  return b.length > 8 && PNG_SIGNATURE.every((v, i) => b[i] === v);
}

function readU32(b: Uint8Array, p: number): number {
  return (((b[p] ?? 0) << 24) | ((b[p + 1] ?? 0) << 16) | ((b[p + 2] ?? 0) << 8) | (b[p + 3] ?? 0)) >>> 0;
}

function chunkType(b: Uint8Array, p: number): string {
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

// ---- reading -----------------------------------------------------------------------------------------------------

/** Browsers play delays of 10 ms or less (and missing ones) as 100 ms. */
function playedDelay(ms: number | undefined): number {
  return ms === undefined || !Number.isFinite(ms) || ms <= 10 ? 100 : ms;
}

function timeline(delays: readonly number[]): { startsMs: number[]; durationMs: number } {
  const startsMs: number[] = [];
  let t = 0;
  for (const d of delays) {
    startsMs.push(t);
    t += d;
  }
  return { startsMs, durationMs: t };
}

/**
 * An animation whose frames are too big to read here (a `bad-input` error). Unlike other unreadable animations it
 * gets no first frame sent instead: that frame would be decoded at the same size.
 */
export class FrameSizeError extends DescribeError {
  constructor(message: string) {
    super('bad-input', message);
  }
}

function megapixels(pixels: number): string {
  return `${(pixels / 1e6).toFixed(1)} megapixels`;
}

function checkSize(name: string, frames: number, width: number, height: number): void {
  if (width * height > MAX_FRAME_PIXELS) {
    const side = Math.sqrt(MAX_FRAME_PIXELS);
    throw new FrameSizeError(
      `${name} is an animation of ${width}×${height} px (${megapixels(width * height)} a frame); frames up to ${megapixels(MAX_FRAME_PIXELS)} (${side}×${side}) are read: each frame is decoded at that size to choose the frames, and the service shrinks every image to fit 2048×2048 anyway. Scale the recording down (e.g. to 1920×1080) and try again.`,
    );
  }
  if (frames > MAX_ANIMATION_FRAMES) {
    throw new DescribeError('bad-input', `${name} has ${frames.toLocaleString('en-US')} frames; animations of more than ${MAX_ANIMATION_FRAMES.toLocaleString('en-US')} frames are not read. Trim the recording or send a still.`);
  }
  if (frames * width * height > MAX_ANIMATION_PIXELS) {
    throw new DescribeError('bad-input', `${name} is ${frames.toLocaleString('en-US')} frames of ${width}×${height}, too much to read here (at most ${MAX_ANIMATION_FRAMES.toLocaleString('en-US')} frames of 1920×1080); trim or scale the recording.`);
  }
}

function thumbnailSize(width: number, height: number, size: number): Size {
  const scale = Math.min(1, size / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The least change that counts between thumbnails `t` of `width`×`height` frames (see `GreyFrames.minChange`). */
export function thumbnailMinChange(width: number, height: number, t: Size): number {
  return MIN_CHANGE_INK / ((width / t.width) * (height / t.height));
}

/**
 * Read an animation's frame count, delays, size, and (lazily) its frames. `mime` is the type found in the bytes;
 * a still image reads as one frame.
 */
export async function readAnimation(bytes: Uint8Array, mime: string, name = 'The animation'): Promise<Animation> {
  if ((mime === 'image/png' || mime === 'image/apng') && isApng(bytes)) return readApng(bytes, name);
  return readWithSharp(bytes, mime, name);
}

async function readWithSharp(bytes: Uint8Array, mime: string, name: string): Promise<Animation> {
  const s = sharp();
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let meta;
  try {
    meta = await s(input).metadata();
  } catch (e) {
    throw new DescribeError('bad-input', `${name} can't be decoded (${e instanceof Error ? e.message : String(e)}); save it again and retry.`);
  }
  const pages = meta.pages && meta.pages > 1 && (mime === 'image/gif' || mime === 'image/webp') ? meta.pages : 1;
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width <= 0 || height <= 0) throw new DescribeError('bad-input', `${name} has no readable size.`);
  checkSize(name, pages, width, height);
  const delaysMs = pages > 1 ? Array.from({ length: pages }, (_, i) => playedDelay(meta.delay?.[i])) : [0];
  const { startsMs, durationMs } = timeline(delaysMs);
  const format: AnimationFormat = pages === 1 ? 'still' : mime === 'image/gif' ? 'gif' : 'webp';
  const fail = (e: unknown) => new DescribeError('bad-input', `${name}: a frame can't be decoded (${e instanceof Error ? e.message : String(e)}).`);
  const open = (page: number, count: number): SharpPipeline => (pages > 1 ? s(input, { page, pages: count, limitInputPixels: CHUNK_PIXELS }) : s(input, { limitInputPixels: MAX_FRAME_PIXELS }));

  return {
    format,
    width,
    height,
    frameCount: pages,
    delaysMs,
    startsMs,
    durationMs,
    async thumbnails(size = THUMBNAIL_SIZE) {
      const t = thumbnailSize(width, height, size);
      const frames: Uint8Array[] = [];
      const chunk = Math.max(1, Math.floor(CHUNK_PIXELS / (width * height)));
      for (let start = 0; start < pages; start += chunk) {
        const count = Math.min(chunk, pages - start);
        let out;
        try {
          // Grey at full size (one byte a pixel: the RGBA would be four), shrunk here: libvips's resize would blend
          // the bottom of one page into the next.
          out = await open(start, count).flatten({ background: '#ffffff' }).recomb([LUMA, LUMA, LUMA]).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
        } catch (e) {
          throw fail(e);
        }
        const { data, info } = out;
        if (info.width !== width || info.height !== height * count || info.channels !== 1) throw fail(new Error(`unexpected pixels ${info.width}×${info.height}×${info.channels}`));
        for (let k = 0; k < count; k++) {
          const thumb = new Uint8Array(t.width * t.height);
          shrinkGrey(data, k * width * height, width, height, thumb, t);
          frames.push(thumb);
        }
      }
      return { width: t.width, height: t.height, frames, minChange: thumbnailMinChange(width, height, t) };
    },
    async frames(indices, size) {
      const out: RawImage[] = [];
      for (const i of indices) {
        if (!(i >= 0 && i < pages)) throw new RangeError(`frame ${i} of ${pages}`);
        let pipeline = open(i, 1).ensureAlpha();
        if (size && (size.width !== width || size.height !== height)) pipeline = pipeline.resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos3' });
        try {
          const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
          out.push({ width: info.width, height: info.height, data });
        } catch (e) {
          throw fail(e);
        }
      }
      return out;
    },
  };
}

/** Luma weights (0.299, 0.587, 0.114 in 16.16 fixed point), the same as `shrinkToGrey`'s. */
const LUMA: [number, number, number] = [19595 / 65536, 38470 / 65536, 7471 / 65536];

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** RGBA bytes as one 32-bit word a pixel (R in the low byte), aligned. */
function pixels32(rgba: Uint8Array): Uint32Array {
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
function shrinkToGrey(px: Uint32Array, base: number, w: number, h: number, thumb: Uint8Array, t: Size, dirty: Rect): void {
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
function shrinkGrey(grey: Uint8Array, base: number, w: number, h: number, thumb: Uint8Array, t: Size): void {
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

// ---- APNG --------------------------------------------------------------------------------------------------------

interface ApngFrame {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly delayMs: number;
  readonly dispose: number;
  readonly blend: number;
  readonly data: Uint8Array[];
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(parts: readonly Uint8Array[]): number {
  let c = 0xffffffff;
  for (const p of parts) for (let i = 0; i < p.length; i++) c = (CRC_TABLE[(c ^ (p[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array[] {
  const head = new Uint8Array(8);
  new DataView(head.buffer).setUint32(0, data.length);
  for (let i = 0; i < 4; i++) head[4 + i] = type.charCodeAt(i);
  const crc = new Uint8Array(4);
  new DataView(crc.buffer).setUint32(0, crc32([head.subarray(4), data]));
  return [head, data, crc];
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

async function readApng(bytes: Uint8Array, name: string): Promise<Animation> {
  const fail = (why: string) => new DescribeError('bad-input', `${name} is not a readable animated PNG (${why}); save it again and retry.`);
  let ihdr: Uint8Array | undefined;
  const colourChunks: Uint8Array[][] = []; // PLTE, tRNS: needed to decode each frame's pixels
  const frames: ApngFrame[] = [];
  let current: ApngFrame | undefined;
  for (let p = 8; p + 12 <= bytes.length; ) {
    const len = readU32(bytes, p);
    const type = chunkType(bytes, p + 4);
    const body = p + 8;
    if (body + len + 4 > bytes.length) throw fail(`the ${type} chunk runs past the end of the file`);
    const data = bytes.subarray(body, body + len);
    if (type === 'IHDR') ihdr = data;
    else if (type === 'PLTE' || type === 'tRNS') colourChunks.push(pngChunk(type, data));
    else if (type === 'fcTL') {
      if (len < 26) throw fail('a short fcTL chunk');
      const num = (data[20] ?? 0) * 256 + (data[21] ?? 0);
      const den = (data[22] ?? 0) * 256 + (data[23] ?? 0);
      current = { width: readU32(data, 4), height: readU32(data, 8), x: readU32(data, 12), y: readU32(data, 16), delayMs: playedDelay(Math.round((num * 1000) / (den || 100))), dispose: data[24] ?? 0, blend: data[25] ?? 0, data: [] };
      frames.push(current);
    } else if (type === 'IDAT') {
      // Before any fcTL, the default image is not part of the animation.
      current?.data.push(data);
    } else if (type === 'fdAT') {
      current?.data.push(data.subarray(4));
    } else if (type === 'IEND') break;
    p = body + len + 4;
  }
  if (!ihdr || ihdr.length < 13) throw fail('no IHDR chunk');
  const width = readU32(ihdr, 0);
  const height = readU32(ihdr, 4);
  const header = ihdr;
  const usable = frames.filter((f) => f.data.length > 0);
  if (usable.length === 0 || width === 0 || height === 0) throw fail('no frames');
  checkSize(name, usable.length, width, height);
  for (const f of usable) if (f.width === 0 || f.height === 0 || f.x + f.width > width || f.y + f.height > height) throw fail('a frame lies outside the image');
  const delaysMs = usable.map((f) => f.delayMs);
  const { startsMs, durationMs } = timeline(delaysMs);

  /**
   * One frame's own pixels (its rectangle), as RGBA: a one-image PNG decoded by libvips, which leaves one buffer of the
   * frame's size (upng-js left three: the inflated rows in pieces and whole, then the RGBA).
   */
  const decodeFrame = async (f: ApngFrame): Promise<Uint8Array> => {
    const h = new Uint8Array(header.subarray(0, 13));
    const dv = new DataView(h.buffer);
    dv.setUint32(0, f.width);
    dv.setUint32(4, f.height);
    const png = concatBytes([new Uint8Array(PNG_SIGNATURE), ...pngChunk('IHDR', h), ...colourChunks.flat(), ...pngChunk('IDAT', concatBytes(f.data)), ...pngChunk('IEND', new Uint8Array(0))]);
    try {
      const { data, info } = await sharp()(png, { limitInputPixels: MAX_FRAME_PIXELS }).toColourspace('srgb').ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
      if (info.width !== f.width || info.height !== f.height || info.channels !== 4) throw new Error('short pixel data');
      return data;
    } catch (e) {
      throw fail(e instanceof Error ? e.message : String(e));
    }
  };

  /**
   * Composite every frame in turn (APNG blend and dispose) on one canvas; `visit` sees the canvas after each frame is
   * drawn (and must copy what it keeps: the canvas changes after it returns).
   */
  const play = async (last: number, visit: (i: number, canvas: Uint8Array, dirty: Rect) => void | Promise<void>): Promise<void> => {
    const canvas = new Uint8Array(width * height * 4);
    let pending: Rect | undefined; // region the previous frame's disposal changed
    for (let i = 0; i <= last; i++) {
      const f = usable[i] as ApngFrame;
      const dispose = i === 0 && f.dispose === 2 ? 1 : f.dispose;
      const saved = dispose === 2 ? copyRect(canvas, width, f) : undefined;
      const pixels = await decodeFrame(f);
      drawRect(canvas, width, f, pixels, f.blend === 1);
      const rect: Rect = { x: f.x, y: f.y, width: f.width, height: f.height };
      await visit(i, canvas, pending ? union(pending, rect) : i === 0 ? { x: 0, y: 0, width, height } : rect);
      pending = undefined;
      if (dispose === 1) {
        clearRect(canvas, width, f);
        pending = rect;
      } else if (dispose === 2 && saved) {
        drawRect(canvas, width, f, saved, false);
        pending = rect;
      }
    }
  };

  return {
    format: 'apng',
    width,
    height,
    frameCount: usable.length,
    delaysMs,
    startsMs,
    durationMs,
    async thumbnails(size = THUMBNAIL_SIZE) {
      const t = thumbnailSize(width, height, size);
      const thumb = new Uint8Array(t.width * t.height);
      const frames: Uint8Array[] = [];
      await play(usable.length - 1, (_i, canvas, dirty) => {
        shrinkToGrey(pixels32(canvas), 0, width, height, thumb, t, dirty);
        frames.push(thumb.slice());
      });
      return { width: t.width, height: t.height, frames, minChange: thumbnailMinChange(width, height, t) };
    },
    async frames(indices, size) {
      const wanted = new Set(indices);
      for (const i of wanted) if (!(i >= 0 && i < usable.length)) throw new RangeError(`frame ${i} of ${usable.length}`);
      // Only the chosen frames are kept, each resized as soon as it is drawn: never a full-size copy of every one.
      const kept = new Map<number, RawImage>();
      await play(Math.max(...indices), async (i, canvas) => {
        if (!wanted.has(i)) return;
        if (!size || (size.width === width && size.height === height)) {
          kept.set(i, { width, height, data: Buffer.from(canvas) });
          return;
        }
        const pixels = Buffer.from(canvas.buffer, canvas.byteOffset, canvas.byteLength);
        const r = await sharp()(pixels, { raw: { width, height, channels: 4 } }).resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer({ resolveWithObject: true });
        kept.set(i, { width: r.info.width, height: r.info.height, data: r.data });
      });
      return indices.map((i) => kept.get(i) as RawImage);
    },
  };
}

interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

function union(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

function copyRect(canvas: Uint8Array, cw: number, r: Rect): Uint8Array {
  const out = new Uint8Array(r.width * r.height * 4);
  for (let y = 0; y < r.height; y++) out.set(canvas.subarray(((r.y + y) * cw + r.x) * 4, ((r.y + y) * cw + r.x + r.width) * 4), y * r.width * 4);
  return out;
}

function clearRect(canvas: Uint8Array, cw: number, r: Rect): void {
  for (let y = 0; y < r.height; y++) canvas.fill(0, ((r.y + y) * cw + r.x) * 4, ((r.y + y) * cw + r.x + r.width) * 4);
}

/** Draw RGBA pixels over a rectangle: replace them, or alpha-blend over (the formula upng-js uses). */
function drawRect(canvas: Uint8Array, cw: number, r: Rect, src: Uint8Array, over: boolean): void {
  for (let y = 0; y < r.height; y++) {
    const s0 = y * r.width * 4;
    const t0 = ((r.y + y) * cw + r.x) * 4;
    if (!over) {
      canvas.set(src.subarray(s0, s0 + r.width * 4), t0);
      continue;
    }
    for (let x = 0; x < r.width; x++) {
      const si = s0 + x * 4;
      const ti = t0 + x * 4;
      const fa = (src[si + 3] ?? 0) / 255;
      if (fa === 1) {
        canvas[ti] = src[si] ?? 0;
        canvas[ti + 1] = src[si + 1] ?? 0;
        canvas[ti + 2] = src[si + 2] ?? 0;
        canvas[ti + 3] = 255;
        continue;
      }
      if (fa === 0) continue;
      const ba = (canvas[ti + 3] ?? 0) / 255;
      const ifa = 1 - fa;
      const oa = fa + ba * ifa;
      const ioa = oa === 0 ? 0 : 1 / oa;
      canvas[ti + 3] = 255 * oa;
      for (let c = 0; c < 3; c++) canvas[ti + c] = ((src[si + c] ?? 0) * fa + (canvas[ti + c] ?? 0) * ba * ifa) * ioa;
    }
  }
}

// ---- choosing ----------------------------------------------------------------------------------------------------

/** How many thumbnail pixels changed by more than the noise. */
export function changedPixels(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs((a[i] ?? 0) - (b[i] ?? 0)) > PIXEL_NOISE) n++;
  return n;
}

/**
 * Two frames whose thumbnails differ by less than `minChange` grey levels above the noise, summed (by default:
 * nowhere by more than the noise).
 */
export function isNearDuplicate(a: Uint8Array, b: Uint8Array, minChange = 1): boolean {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] ?? 0) - (b[i] ?? 0)) - PIXEL_NOISE;
    if (d > 0 && (sum += d) >= minChange) return false;
  }
  return true;
}

/** How much changed between two thumbnails: the mean change above the noise, 0 (none) to 1 (black ↔ white everywhere). */
export function frameChange(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.max(0, Math.abs((a[i] ?? 0) - (b[i] ?? 0)) - PIXEL_NOISE);
  return a.length === 0 ? 0 : sum / (a.length * (255 - PIXEL_NOISE));
}

export interface ChooseOptions {
  /** The most frames to choose (default 6; at least 1). */
  readonly maxFrames?: number | undefined;
  /** A state seen this long is kept before transient ones (default KEY_STATE_MS). */
  readonly keyStateMs?: number | undefined;
  /** The least change that counts (`GreyFrames.minChange`; default: any pixel moving more than the noise). */
  readonly minChange?: number | undefined;
}

/**
 * Choose the frames that show what happens (see the header): the first, the key screens, the last, and frames spread
 * over the time the screen was changing, up to `maxFrames`, never two near-duplicates; in time order. `delaysMs[i]` is
 * how long frame i shows.
 */
export function chooseFrames(thumbs: readonly Uint8Array[], delaysMs: readonly number[], options: ChooseOptions = {}): FrameChoice[] {
  const budget = Math.max(1, Math.floor(options.maxFrames ?? DEFAULT_MAX_FRAMES));
  const keyMs = options.keyStateMs ?? KEY_STATE_MS;
  const minChange = options.minChange ?? 1;
  const isNearDup = (a: Uint8Array, b: Uint8Array) => isNearDuplicate(a, b, minChange);
  const { startsMs } = timeline(thumbs.map((_, i) => delaysMs[i] ?? 0));
  const at = (index: number): FrameChoice => ({ index, timeMs: startsMs[index] ?? 0 });
  if (thumbs.length === 0) return [];
  if (budget === 1 || thumbs.length === 1) return [at(0)];
  const thumb = (i: number) => thumbs[i] as Uint8Array;

  // States: runs of frames that are near-duplicates of the run's first frame.
  const states: number[] = [0];
  const dwell: number[] = [delaysMs[0] ?? 0];
  for (let i = 1; i < thumbs.length; i++) {
    if (isNearDup(thumb(states[states.length - 1] as number), thumb(i))) dwell[dwell.length - 1] = (dwell[dwell.length - 1] ?? 0) + (delaysMs[i] ?? 0);
    else {
      states.push(i);
      dwell.push(delaysMs[i] ?? 0);
    }
  }
  if (states.length === 1) return [at(0)];
  const frameOf = (s: number) => states[s] as number;
  const dupMemo = new Map<number, boolean>();
  const dup = (s: number, t: number): boolean => {
    const key = Math.min(s, t) * states.length + Math.max(s, t);
    let v = dupMemo.get(key);
    if (v === undefined) dupMemo.set(key, (v = isNearDup(thumb(frameOf(s)), thumb(frameOf(t)))));
    return v;
  };

  // Screens: a state that comes back, within a second, to one of the last few screens belongs to it, with the
  // states in between (a blinking caret, a hover undone, a tooltip that came and went).
  const screenOf: number[] = [0];
  const screens: { dwell: number; members: number[] }[] = [{ dwell: dwell[0] ?? 0, members: [0] }];
  for (let s = 1; s < states.length; s++) {
    let joined = -1;
    let excursion = 0;
    for (let k = screens.length - 1; k >= 0 && k >= screens.length - RECENT_SCREENS; k--) {
      if (k < screens.length - 1) excursion += (screens[k + 1] as { dwell: number }).dwell;
      if (excursion >= keyMs) break;
      const members = (screens[k] as { members: number[] }).members;
      if ((members.length <= 4 ? members : [members[0] as number, ...members.slice(-3)]).some((t) => dup(t, s))) {
        joined = k;
        break;
      }
    }
    if (joined < 0) {
      screens.push({ dwell: 0, members: [] });
      joined = screens.length - 1;
    }
    const screen = screens[joined] as { dwell: number; members: number[] };
    for (const gone of screens.splice(joined + 1)) {
      screen.dwell += gone.dwell;
      screen.members.push(...gone.members);
      for (const t of gone.members) screenOf[t] = joined;
    }
    screen.dwell += dwell[s] ?? 0;
    screen.members.push(s);
    screenOf[s] = joined;
  }

  // Key screens (seen long enough; and the first and the last), each shown by its first state. A near-duplicate of a
  // recent key screen is not a new one (the screen came back after a longer excursion).
  const last = states.length - 1;
  const key: number[] = [];
  screens.forEach((screen, k) => {
    const s = screen.members[0] as number;
    if (k !== 0 && k !== screens.length - 1 && screen.dwell < keyMs) return;
    if (key.slice(-8).some((q) => dup(q, s))) return;
    key.push(s);
  });
  if (key[key.length - 1] !== last) key.push(last); // the end is a boundary even when already seen

  // More key screens than the budget: choose among them, by how much each differs from the one before. Otherwise keep
  // them all and spread the rest over the time the screen was changing (a transition weighs the time the state it
  // leaves was seen; none inside a screen).
  const isDupOfPicks = (nodes: readonly number[]) => (k: number, picks: readonly number[]) => picks.some((p) => screenOf[nodes[p] as number] === screenOf[nodes[k] as number] || dup(nodes[p] as number, nodes[k] as number));
  if (key.length > budget) {
    const weight = key.map((s, k) => (k === 0 ? 0 : frameChange(thumb(frameOf(key[k - 1] as number)), thumb(frameOf(s)))));
    return spread(key.length, weight, () => false, budget, isDupOfPicks(key)).map((k) => at(frameOf(key[k] as number)));
  }
  const nodes = states.map((_, s) => s);
  const forced = new Set(key);
  const weight = nodes.map((s) => (s === 0 || screenOf[s] === screenOf[s - 1] ? 0 : Math.min(dwell[s - 1] ?? 0, keyMs)));
  return spread(nodes.length, weight, (k) => forced.has(k), budget, isDupOfPicks(nodes)).map((k) => at(frameOf(k)));
}

/** Unseen change between chosen nodes a < b: the weights after a up to b, minus the largest (seen as a → b). */
function unseen(change: readonly number[], a: number, b: number): number {
  let sum = 0;
  let max = 0;
  for (let j = a + 1; j <= b; j++) {
    const c = change[j] ?? 0;
    sum += c;
    max = Math.max(max, c);
  }
  return sum - max;
}

/**
 * Pick at most `budget` of `count` nodes (0 always; the last unless already seen), minimising the largest unseen
 * change between consecutive picks, stopping at forced nodes; never a node `isDup` says was already shown.
 */
function spread(count: number, change: readonly number[], isForced: (k: number) => boolean, budget: number, isDup: (k: number, picks: readonly number[]) => boolean): number[] {
  const last = count - 1;
  const walk = (bound: number): number[] | undefined => {
    const picks = [0];
    let a = 0;
    while (a < last) {
      let reach = a + 1;
      let sum = change[reach] ?? 0;
      let max = sum;
      if (!isForced(reach)) {
        for (let j = a + 2; j <= last; j++) {
          const c = change[j] ?? 0;
          if (sum + c - Math.max(max, c) > bound) break;
          sum += c;
          max = Math.max(max, c);
          reach = j;
          if (isForced(j)) break;
        }
      }
      a = reach;
      if (isDup(reach, picks)) continue; // already shown: move on without spending a frame
      picks.push(reach);
      if (picks.length > budget) return undefined;
    }
    return picks;
  };
  let hi = change.reduce((s, c) => s + c, 0) + 1;
  let best = walk(hi);
  if (!best) return [0]; // cannot happen: forced nodes are never more than the budget
  let lo = 0;
  const exact = walk(0);
  if (exact) best = exact;
  else {
    for (let iter = 0; iter < 48 && hi - lo > 1e-9; iter++) {
      const mid = (lo + hi) / 2;
      const w = walk(mid);
      if (w) {
        best = w;
        hi = mid;
      } else lo = mid;
    }
  }
  // Budget left: split the gaps with most unseen change at their balance point.
  const picks = [...best];
  const exhausted = new Set<number>();
  while (picks.length < budget) {
    const bounds = picks[picks.length - 1] === last ? picks : [...picks, last];
    let gap = -1;
    let worst = 0;
    for (let g = 0; g + 1 < bounds.length; g++) {
      const a = bounds[g] as number;
      const b = bounds[g + 1] as number;
      if (b - a < 2 || exhausted.has(a)) continue;
      const u = unseen(change, a, b);
      if (u > worst) {
        worst = u;
        gap = g;
      }
    }
    if (gap < 0) break;
    const a = bounds[gap] as number;
    const b = bounds[gap + 1] as number;
    // Unseen after each candidate k up to b, then before it from a: pick the k with the smaller larger side.
    const after = new Float64Array(b - a);
    for (let k = b - 1, sum = 0, max = 0; k > a; k--) {
      const c = change[k + 1] ?? 0;
      sum += c;
      max = Math.max(max, c);
      after[k - a] = sum - max;
    }
    const candidates: { k: number; cost: number }[] = [];
    for (let k = a + 1, sum = 0, max = 0; k < b; k++) {
      const c = change[k] ?? 0;
      sum += c;
      max = Math.max(max, c);
      candidates.push({ k, cost: Math.max(sum - max, after[k - a] as number) });
    }
    candidates.sort((x, y) => x.cost - y.cost || x.k - y.k);
    const choice = candidates.find((c) => !isDup(c.k, picks))?.k ?? -1;
    if (choice < 0) {
      exhausted.add(a);
      continue;
    }
    picks.push(choice);
    picks.sort((x, y) => x - y);
  }
  return picks;
}

// ---- sending: frames or one contact sheet ------------------------------------------------------------------------

export interface SheetLayout {
  readonly cols: number;
  readonly rows: number;
  readonly cellWidth: number;
  readonly cellHeight: number;
  readonly gutter: number;
  /** Size of the sheet with full-size cells. */
  readonly width: number;
  readonly height: number;
}

export interface SendModeCosts {
  /** Each frame at the size the service gives a single frame: the legibility both modes are compared at. */
  readonly frame: Size;
  /** Image tokens of the frames sent separately. */
  readonly framesTokens: number;
  readonly sheet: SheetLayout;
  /** The sheet as sent: its own size when legible, else the size the service would shrink it to. */
  readonly sheetSent: Size;
  /** Image tokens of the sheet. */
  readonly sheetTokens: number;
  /** Every cell keeps the frame's size (the service would not shrink the sheet). */
  readonly sheetLegible: boolean;
  /** Fewer image tokens at the same legibility (a tie goes to the frames). */
  readonly choice: SendMode;
}

function layoutFor(count: number, cols: number, cell: Size): SheetLayout {
  const rows = Math.ceil(count / cols);
  return { cols, rows, cellWidth: cell.width, cellHeight: cell.height, gutter: SHEET_GUTTER, width: cols * cell.width + (cols - 1) * SHEET_GUTTER, height: rows * cell.height + (rows - 1) * SHEET_GUTTER };
}

/**
 * Image tokens of sending `count` frames of `width`×`height` as separate images or as one contact sheet, every frame
 * at the size the service gives it alone, and the cheaper of the two at that legibility.
 */
export function compareSendModes(width: number, height: number, count: number, detail: Detail | undefined): SendModeCosts {
  const frame = targetSize(width, height, detail);
  const framesTokens = count * estimateImageTokens(frame.width, frame.height, detail);
  const n = Math.max(1, count);
  let legible: { layout: SheetLayout; tokens: number } | undefined;
  let shrunk: { layout: SheetLayout; scale: number; tokens: number } | undefined;
  for (let cols = 1; cols <= n; cols++) {
    if (cols > 1 && Math.ceil(n / cols) === Math.ceil(n / (cols - 1))) continue; // same rows, wider: never better
    const layout = layoutFor(n, cols, frame);
    const sent = targetSize(layout.width, layout.height, detail);
    const tokens = estimateImageTokens(layout.width, layout.height, detail);
    if (sent.width === layout.width && sent.height === layout.height) {
      if (!legible || tokens < legible.tokens || (tokens === legible.tokens && layout.width * layout.height < legible.layout.width * legible.layout.height)) legible = { layout, tokens };
    } else {
      const scale = sent.width / layout.width;
      if (!shrunk || scale > shrunk.scale || (scale === shrunk.scale && tokens < shrunk.tokens)) shrunk = { layout, scale, tokens };
    }
  }
  const pick = legible ?? (shrunk as { layout: SheetLayout; tokens: number });
  const sheetSent = targetSize(pick.layout.width, pick.layout.height, detail);
  const sheetLegible = legible !== undefined;
  return { frame, framesTokens, sheet: pick.layout, sheetSent, sheetTokens: pick.tokens, sheetLegible, choice: count > 1 && sheetLegible && pick.tokens < framesTokens ? 'sheet' : 'frames' };
}

/** Number badges 1…n: black with white bold DejaVu digits, rendered once as a strip by resvg. */
async function renderBadges(count: number, fontSize: number): Promise<{ width: number; height: number; strip: Buffer }> {
  const digits = String(count).length;
  const width = Math.round(fontSize * (0.66 * digits + 0.7));
  const height = Math.round(fontSize * 1.36);
  const texts = Array.from({ length: count }, (_, k) => `<text x="${(k + 0.5) * width}" y="${Math.round(height * 0.75)}" text-anchor="middle" font-family="DejaVu Sans" font-weight="bold" font-size="${fontSize}" fill="#ffffff">${k + 1}</text>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width * count}" height="${height}" viewBox="0 0 ${width * count} ${height}"><rect width="100%" height="100%" fill="#000000"/>${texts.join('')}</svg>`;
  const { png } = await rasteriseSvg(Buffer.from(svg), 'high', 'frame numbers');
  const strip = await sharp()(png).resize(width * count, height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  return { width, height, strip };
}

/** Size of the number drawn on each cell. */
export function badgeFontSize(cell: Size): number {
  return Math.max(12, Math.min(48, Math.round(Math.min(cell.width, cell.height) * 0.09)));
}

/**
 * A contact sheet: the cells (RGBA, each `layout.cellWidth`×`layout.cellHeight`, flattened on white) in reading
 * order on a dark grid, each numbered 1…n in its top-left corner. Returns RGB pixels of `layout.width`×`layout.height`.
 */
export async function renderContactSheet(cells: readonly RawImage[], layout: SheetLayout): Promise<RawImage> {
  const { width, height, cellWidth: cw, cellHeight: ch, gutter } = layout;
  const sheet = Buffer.alloc(width * height * 3, 0x3c);
  const badges = await renderBadges(cells.length, badgeFontSize({ width: cw, height: ch }));
  cells.forEach((cell, k) => {
    if (cell.width !== cw || cell.height !== ch) throw new RangeError(`cell ${k} is ${cell.width}×${cell.height}, not ${cw}×${ch}`);
    const left = (k % layout.cols) * (cw + gutter);
    const top = Math.floor(k / layout.cols) * (ch + gutter);
    for (let y = 0; y < ch; y++) {
      for (let x = 0; x < cw; x++) {
        const s = (y * cw + x) * 4;
        const t = ((top + y) * width + left + x) * 3;
        const a = (cell.data[s + 3] ?? 255) / 255;
        for (let c = 0; c < 3; c++) sheet[t + c] = Math.round((cell.data[s + c] ?? 0) * a + 255 * (1 - a));
      }
    }
    const bw = Math.min(badges.width, cw);
    const bh = Math.min(badges.height, ch);
    for (let y = 0; y < bh; y++) {
      const s = (y * badges.width * cells.length + k * badges.width) * 3;
      badges.strip.copy(sheet, ((top + y) * width + left) * 3, s, s + bw * 3);
    }
  });
  return { width, height, data: sheet };
}

/** Encode RGB(A) pixels like the image pipeline: PNG unless it costs more than 1.5× a JPEG (alpha flattened on white). */
async function encode(raw: RawImage, channels: 3 | 4): Promise<{ bytes: Buffer; mime: string }> {
  const pixels = () => sharp()(raw.data, { raw: { width: raw.width, height: raw.height, channels } }).flatten({ background: '#ffffff' });
  const [png, jpeg] = await Promise.all([pixels().png({ compressionLevel: 6, adaptiveFiltering: true }).toBuffer(), pixels().jpeg({ quality: 80, mozjpeg: true }).toBuffer()]);
  return png.length <= jpeg.length * 1.5 ? { bytes: png, mime: 'image/png' } : { bytes: jpeg, mime: 'image/jpeg' };
}

// ---- preparing an animation --------------------------------------------------------------------------------------

export interface AnimationOptions {
  readonly detail: Detail | undefined;
  /** The most frames to send (1 = the first frame only; at most 10, the service's limit per request). */
  readonly maxFrames: number;
  /** Force a way of sending (default: the one with fewer image tokens at the same legibility). */
  readonly mode?: SendMode | undefined;
}

export interface PreparedAnimation {
  /** What goes on the wire: one image per frame, or one contact sheet. */
  readonly images: PreparedImage[];
  /** The chosen frames, in time order. */
  readonly frames: readonly FrameChoice[];
  readonly totalFrames: number;
  readonly durationMs: number;
  readonly format: AnimationFormat;
  readonly width: number;
  readonly height: number;
  readonly mode: SendMode;
  /** Image tokens of `images` (tile formula). */
  readonly estimatedTokens: number;
  /** Both ways of sending, compared. */
  readonly costs: SendModeCosts;
  /** One sentence for the user: which frames, how they are sent. */
  readonly note: string;
}

const FORMAT_NAMES: Readonly<Record<AnimationFormat, string>> = { gif: 'animated GIF', webp: 'animated WebP', apng: 'animated PNG', still: 'image' };

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function recordingWords(a: Pick<PreparedAnimation, 'durationMs' | 'format'>): string {
  return `a ${(a.durationMs / 1000).toFixed(1)}-second ${FORMAT_NAMES[a.format]}`;
}

/** Choose frames of a local animated image and prepare them to send, as frames or as one contact sheet. */
export async function prepareAnimation(image: LocalImage, options: AnimationOptions): Promise<PreparedAnimation> {
  const detail = options.detail;
  const anim = await readAnimation(image.bytes, image.sniffed.mime, image.source);
  const budget = Math.max(1, Math.min(MAX_IMAGES, Math.floor(options.maxFrames) || 1));
  let frames: FrameChoice[] = [{ index: 0, timeMs: 0 }];
  if (budget > 1 && anim.frameCount > 1) {
    const thumbs = await anim.thumbnails();
    frames = chooseFrames(thumbs.frames, anim.delaysMs, { maxFrames: budget, minChange: thumbs.minChange });
  }
  const costs = compareSendModes(anim.width, anim.height, frames.length, detail);
  const mode: SendMode = frames.length === 1 ? 'frames' : (options.mode ?? costs.choice);
  const base = { source: image.source, name: image.name, kind: 'file' as const, path: image.path, originalMime: image.sniffed.mime, originalBytes: image.bytes.length, width: anim.width, height: anim.height };
  const wire = (encoded: { bytes: Buffer; mime: string }, size: Size, notes: string[]): PreparedImage => {
    if (encoded.bytes.length > MAX_IMAGE_BYTES) throw new DescribeError('bad-input', `${image.source}: a prepared frame is still ${formatBytes(encoded.bytes.length)}; the service takes at most 20 MB per image.`);
    return { ...base, url: toDataUrl(encoded.mime, encoded.bytes), sentMime: encoded.mime, sentBytes: encoded.bytes.length, sentWidth: size.width, sentHeight: size.height, estimatedTokens: estimateImageTokens(size.width, size.height, detail), notes };
  };
  const indices = frames.map((f) => f.index);
  const images: PreparedImage[] = [];
  if (mode === 'frames') {
    const raws = await anim.frames(indices, costs.frame);
    for (const [k, raw] of raws.entries()) {
      const f = frames[k] as FrameChoice;
      images.push(wire(await encode(raw, 4), costs.frame, [`Frame ${f.index + 1} of ${anim.frameCount}, at ${seconds(f.timeMs)}.`]));
    }
  } else {
    const layout = costs.sheet;
    const cells = await anim.frames(indices, { width: layout.cellWidth, height: layout.cellHeight });
    let sheet = await renderContactSheet(cells, layout);
    if (!costs.sheetLegible) {
      const r = await sharp()(sheet.data, { raw: { width: sheet.width, height: sheet.height, channels: 3 } }).resize(costs.sheetSent.width, costs.sheetSent.height, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer({ resolveWithObject: true });
      sheet = { width: r.info.width, height: r.info.height, data: r.data };
    }
    images.push(wire(await encode(sheet, 3), { width: sheet.width, height: sheet.height }, [`A contact sheet of ${frames.length} frames (${layout.cols}×${layout.rows}), numbered 1–${frames.length} in reading order.`]));
  }
  const estimatedTokens = images.reduce((n, i) => n + (i.estimatedTokens ?? 0), 0);
  const result = { images, frames, totalFrames: anim.frameCount, durationMs: anim.durationMs, format: anim.format, width: anim.width, height: anim.height, mode, estimatedTokens, costs };
  return { ...result, note: animationNote(result) };
}

/** "frames 1, 12 and 45 of 45 (0.0 s … 4.4 s) of a 4.5-second animated GIF, sent as a contact sheet" */
export function animationNote(a: Pick<PreparedAnimation, 'frames' | 'totalFrames' | 'durationMs' | 'format' | 'mode' | 'images'>): string {
  if (a.totalFrames <= 1) return 'a still image (one frame), sent as 1 image';
  const first = a.frames[0];
  const lastFrame = a.frames[a.frames.length - 1];
  if (!first || !lastFrame) return '';
  const which = `${a.frames.length === 1 ? 'frame' : 'frames'} ${listWords(a.frames.map((f) => String(f.index + 1)))} of ${a.totalFrames}`;
  const when = a.frames.length === 1 ? `(${seconds(first.timeMs)})` : `(${seconds(first.timeMs)} … ${seconds(lastFrame.timeMs)})`;
  const how = a.mode === 'sheet' ? 'sent as a contact sheet' : a.images.length === 1 ? 'sent as 1 image' : `sent as ${a.images.length} images`;
  return `${which} ${when} of ${recordingWords(a)}, ${how}`;
}

/**
 * The text to put before the frames, telling the model what it gets: which frames, when, in which order (for a
 * contact sheet: the numbers in reading order). Empty for a still image. What to do with them is the caller's (see
 * `animationAsk` in describe.ts).
 */
export function animationPrompt(a: Pick<PreparedAnimation, 'frames' | 'totalFrames' | 'durationMs' | 'format' | 'mode'>): string {
  const n = a.frames.length;
  if (a.totalFrames <= 1) return '';
  const recording = `${recordingWords(a)} of ${a.totalFrames} frames`;
  if (n <= 1) return `This image is the first frame (0.0 s) of ${recording}; the other frames are not shown.`;
  const frameNumbers = listWords(a.frames.map((f) => String(f.index + 1)));
  if (a.mode === 'sheet') {
    const times = listWords(a.frames.map((f, k) => `${k + 1} at ${seconds(f.timeMs)}`));
    return `This image is a contact sheet of ${n} frames (frames ${frameNumbers}) of ${recording}, numbered 1–${n} in reading order (left to right, top to bottom), in time order: ${times}.`;
  }
  const times = listWords(a.frames.map((f) => seconds(f.timeMs)));
  return `These ${n} images are frames ${frameNumbers} of ${recording}, in time order (at ${times}).`;
}
