/**
 * Animated PNG (sniffed by an `acTL` chunk before `IDAT`): its chunks are read here into frames; each frame's pixels
 * are decoded by sharp (as a one-image PNG of the frame's rectangle), and the frames composited one by one onto one
 * canvas (composite.ts). For thumbnails every frame is drawn and only the thumbnail pixels it touched are recomputed;
 * for the chosen frames, each is kept (resized to the size sent) as soon as it is drawn: never a full-size copy of
 * every one.
 */
import { crc32 } from 'node:zlib';
import { DescribeError } from '../base';
import { DamagedImageError, decodeFailure, sharp, walkPng, type RawImage, type Size } from '../images';
import { play, type FrameRegion } from './composite';
import { checkSize, MAX_FRAME_PIXELS } from './limits';
import { chunkType, PNG_SIGNATURE, readU32 } from './sniff';
import { pixels32, shrinkToGrey, THUMBNAIL_SIZE, thumbnailMinChange, thumbnailSize } from './thumbnail';
import { playedDelay, timeline } from './timeline';
import type { Animation, GreyFrames } from './types';

interface ApngFrame extends FrameRegion {
  readonly delayMs: number;
  /** The frame's compressed pixels (IDAT or fdAT bodies, in order). */
  readonly data: Uint8Array[];
}

/** The chunks of an APNG that matter for its frames. */
interface ApngChunks {
  readonly ihdr: Uint8Array | undefined;
  /** PLTE, tRNS: needed to decode each frame's pixels. */
  readonly colourChunks: Uint8Array[][];
  readonly frames: ApngFrame[];
}

/** An APNG's frames, checked: each inside the canvas, and what it takes to decode them. */
interface ApngImage {
  readonly width: number;
  readonly height: number;
  readonly ihdr: Uint8Array;
  readonly colourChunks: Uint8Array[][];
  readonly frames: readonly ApngFrame[];
  readonly name: string;
  readonly fail: (why: string) => DescribeError;
}

/**
 * One PNG chunk: length, type, data and CRC. The CRC is Node's `zlib.crc32` (Node 20.15 and 22.2; the extension needs
 * Node 20.18.1 and VS Code 1.106, whose extension host runs Node 22).
 */
export function pngChunk(type: string, data: Uint8Array): Uint8Array[] {
  const head = new Uint8Array(8);
  new DataView(head.buffer).setUint32(0, data.length);
  for (let i = 0; i < 4; i++) head[4 + i] = type.charCodeAt(i);
  const crc = new Uint8Array(4);
  new DataView(crc.buffer).setUint32(0, crc32(data, crc32(head.subarray(4))));
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

/** A frame control (fcTL) chunk's body: the frame's region, delay, disposal and blending. */
function frameControl(data: Uint8Array, fail: ApngImage['fail']): ApngFrame {
  if (data.length < 26) throw fail('a short fcTL chunk');
  const num = (data[20] ?? 0) * 256 + (data[21] ?? 0);
  const den = (data[22] ?? 0) * 256 + (data[23] ?? 0);
  return { width: readU32(data, 4), height: readU32(data, 8), x: readU32(data, 12), y: readU32(data, 16), delayMs: playedDelay(Math.round((num * 1000) / (den || 100))), dispose: data[24] ?? 0, blend: data[25] ?? 0, data: [] };
}

/**
 * Walk the chunks: the header, the colour chunks every frame needs, and each frame's control and data. A file cut
 * short, a chunk failing its CRC, or frames missing is damage (walkPng): libvips decodes the first frame (the default
 * image) of such a file without a word.
 */
function readChunks(bytes: Uint8Array, name: string, fail: ApngImage['fail']): ApngChunks {
  const damage = walkPng(bytes).damage;
  if (damage) throw new DamagedImageError(name, damage);
  let ihdr: Uint8Array | undefined;
  const colourChunks: Uint8Array[][] = [];
  const frames: ApngFrame[] = [];
  let current: ApngFrame | undefined;
  for (let p = 8; p + 12 <= bytes.length; ) {
    const len = readU32(bytes, p);
    const type = chunkType(bytes, p + 4);
    const body = p + 8;
    const data = bytes.subarray(body, body + len);
    if (type === 'IHDR') ihdr = data;
    else if (type === 'PLTE' || type === 'tRNS') colourChunks.push(pngChunk(type, data));
    else if (type === 'fcTL') {
      current = frameControl(data, fail);
      frames.push(current);
    }
    else if (type === 'IDAT') current?.data.push(data); // before any fcTL, the default image is not part of the animation
    else if (type === 'fdAT') current?.data.push(data.subarray(4));
    else if (type === 'IEND') break;
    p = body + len + 4;
  }
  return { ihdr, colourChunks, frames };
}

/** The frames that have pixels, checked against the canvas and the limits. */
function assembleFrames(bytes: Uint8Array, name: string): ApngImage {
  const fail = (why: string) => new DescribeError('bad-input', `${name} is not a readable animated PNG (${why}); save it again and retry.`);
  const { ihdr, colourChunks, frames } = readChunks(bytes, name, fail);
  if (!ihdr || ihdr.length < 13) throw fail('no IHDR chunk');
  const width = readU32(ihdr, 0);
  const height = readU32(ihdr, 4);
  const usable = frames.filter((f) => f.data.length > 0);
  if (usable.length === 0 || width === 0 || height === 0) throw fail('no frames');
  checkSize(name, usable.length, width, height);
  for (const f of usable) if (f.width === 0 || f.height === 0 || f.x + f.width > width || f.y + f.height > height) throw fail('a frame lies outside the image');
  return { width, height, ihdr, colourChunks, frames: usable, name, fail };
}

/**
 * One frame's own pixels (its rectangle), as RGBA: a one-image PNG decoded by libvips, which leaves one buffer of the
 * frame's size (upng-js left three: the inflated rows in pieces and whole, then the RGBA).
 */
async function decodeFrame(img: ApngImage, f: ApngFrame): Promise<Uint8Array> {
  const h = new Uint8Array(img.ihdr.subarray(0, 13));
  const dv = new DataView(h.buffer);
  dv.setUint32(0, f.width);
  dv.setUint32(4, f.height);
  const png = concatBytes([new Uint8Array(PNG_SIGNATURE), ...pngChunk('IHDR', h), ...img.colourChunks.flat(), ...pngChunk('IDAT', concatBytes(f.data)), ...pngChunk('IEND', new Uint8Array(0))]);
  try {
    const { data, info } = await sharp()(png, { limitInputPixels: MAX_FRAME_PIXELS }).toColourspace('srgb').ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.width !== f.width || info.height !== f.height || info.channels !== 4) throw new Error('short pixel data');
    return data;
  } catch (e) {
    throw decodeFailure(img.name, 'image/png', e); // the frame's data, checked by its CRC, does not decode: damaged
  }
}

/** Grey thumbnails of every frame: each drawn in turn, the thumbnail pixels it touched recomputed. */
async function apngThumbnails(img: ApngImage, size: number): Promise<GreyFrames> {
  const { width, height } = img;
  const t = thumbnailSize(width, height, size);
  const thumb = new Uint8Array(t.width * t.height);
  const frames: Uint8Array[] = [];
  await play(img.frames, width, height, (f) => decodeFrame(img, f), img.frames.length - 1, (_i, canvas, dirty) => {
    shrinkToGrey(pixels32(canvas), 0, width, height, thumb, t, dirty);
    frames.push(thumb.slice());
  });
  return { width: t.width, height: t.height, frames, minChange: thumbnailMinChange(width, height, t) };
}

/** The given frames, composited, as RGBA: each kept, resized to `size`, as soon as it is drawn. */
async function apngFrames(img: ApngImage, indices: readonly number[], size: Size | undefined): Promise<RawImage[]> {
  const { width, height } = img;
  const wanted = new Set(indices);
  for (const i of wanted) if (!(i >= 0 && i < img.frames.length)) throw new RangeError(`frame ${i} of ${img.frames.length}`);
  const kept = new Map<number, RawImage>();
  await play(img.frames, width, height, (f) => decodeFrame(img, f), Math.max(...indices), async (i, canvas) => {
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
}

/** Read an APNG: read its chunks, assemble its frames; they are composited when thumbnails or frames are asked for. */
export async function readApng(bytes: Uint8Array, name: string): Promise<Animation> {
  const img = assembleFrames(bytes, name);
  const delaysMs = img.frames.map((f) => f.delayMs);
  const { startsMs, durationMs } = timeline(delaysMs);
  return {
    format: 'apng',
    width: img.width,
    height: img.height,
    frameCount: img.frames.length,
    delaysMs,
    startsMs,
    durationMs,
    thumbnails: (size = THUMBNAIL_SIZE) => apngThumbnails(img, size),
    frames: (indices, size) => apngFrames(img, indices, size),
  };
}
