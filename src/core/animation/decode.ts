/**
 * GIF, WebP and still images, decoded by sharp (libvips). A recording is never held at full size all at once (1,126
 * frames of 1280×720 would be 4 GB of RGBA): for choosing, frames are decoded in chunks of at most 16.8 Mpx
 * (`page`/`pages`), as grey (libvips flattens on white and weighs the channels as the thumbnails do, one byte a
 * pixel), and box-averaged here into grey thumbnails (libvips's own resize blends the bottom of one page into the next,
 * and its WebP loader holds a whole chunk, so the chunk bounds the peak). Only the chosen frames are decoded again,
 * each resized to the size sent as it is decoded.
 */
import type { Sharp as SharpPipeline } from 'sharp';
import { DescribeError } from '../base';
import { decodeFailure, sharp, type RawImage, type Size } from '../images';
import { CHUNK_PIXELS, checkSize, MAX_FRAME_PIXELS } from './limits';
import { LUMA, shrinkGrey, THUMBNAIL_SIZE, thumbnailMinChange, thumbnailSize } from './thumbnail';
import { playedDelay, timeline } from './timeline';
import type { Animation, AnimationFormat, GreyFrames } from './types';

/** An image libvips reads: how many frames (pages), the size of one, and a pipeline over some of them. */
interface Pages {
  readonly pages: number;
  readonly width: number;
  readonly height: number;
  readonly delaysMs: number[];
  /** `count` frames from `page` on, stacked one under the other. */
  open(page: number, count: number): SharpPipeline;
  fail(e: unknown): DescribeError;
}

/** Read the header (frames, size, delays), refuse what is too big, and open a pipeline over any frames. */
async function readPages(bytes: Uint8Array, mime: string, name: string): Promise<Pages> {
  const s = sharp();
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let meta;
  try {
    meta = await s(input).metadata();
  } catch (e) {
    throw decodeFailure(name, mime, e);
  }
  const pages = meta.pages && meta.pages > 1 && (mime === 'image/gif' || mime === 'image/webp') ? meta.pages : 1;
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width <= 0 || height <= 0) throw new DescribeError('bad-input', `${name} has no readable size.`);
  checkSize(name, pages, width, height);
  return {
    pages,
    width,
    height,
    delaysMs: pages > 1 ? Array.from({ length: pages }, (_, i) => playedDelay(meta.delay?.[i])) : [0],
    open: (page, count) => (pages > 1 ? s(input, { page, pages: count, limitInputPixels: CHUNK_PIXELS }) : s(input, { limitInputPixels: MAX_FRAME_PIXELS })),
    fail: (e) => decodeFailure(name, mime, e),
  };
}

/**
 * `count` frames from `start` on, as grey at full size, one under the other (one byte a pixel: the RGBA would be
 * four), to be shrunk here: libvips's resize would blend the bottom of one page into the next.
 */
async function greyPages(p: Pages, start: number, count: number): Promise<Buffer> {
  let out;
  try {
    out = await p.open(start, count).flatten({ background: '#ffffff' }).recomb([LUMA, LUMA, LUMA]).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw p.fail(e);
  }
  const { data, info } = out;
  if (info.width !== p.width || info.height !== p.height * count || info.channels !== 1) throw p.fail(new Error(`unexpected pixels ${info.width}×${info.height}×${info.channels}`));
  return data;
}

/** Grey thumbnails of every frame, decoded in chunks of at most CHUNK_PIXELS. */
async function greyThumbnails(p: Pages, size: number): Promise<GreyFrames> {
  const { pages, width, height } = p;
  const t = thumbnailSize(width, height, size);
  const frames: Uint8Array[] = [];
  const chunk = Math.max(1, Math.floor(CHUNK_PIXELS / (width * height)));
  for (let start = 0; start < pages; start += chunk) {
    const count = Math.min(chunk, pages - start);
    const data = await greyPages(p, start, count);
    for (let k = 0; k < count; k++) {
      const thumb = new Uint8Array(t.width * t.height);
      shrinkGrey(data, k * width * height, width, height, thumb, t);
      frames.push(thumb);
    }
  }
  return { width: t.width, height: t.height, frames, minChange: thumbnailMinChange(width, height, t) };
}

/** The given frames as RGBA, each decoded alone and resized to `size` (if given) as it is decoded. */
async function rgbaFrames(p: Pages, indices: readonly number[], size: Size | undefined): Promise<RawImage[]> {
  const out: RawImage[] = [];
  for (const i of indices) {
    if (!(i >= 0 && i < p.pages)) throw new RangeError(`frame ${i} of ${p.pages}`);
    let pipeline = p.open(i, 1).ensureAlpha();
    if (size && (size.width !== p.width || size.height !== p.height)) pipeline = pipeline.resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos3' });
    try {
      const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
      out.push({ width: info.width, height: info.height, data });
    } catch (e) {
      throw p.fail(e);
    }
  }
  return out;
}

/** A GIF or WebP (animated or not), or any other still image, read by sharp. */
export async function readWithSharp(bytes: Uint8Array, mime: string, name: string): Promise<Animation> {
  const p = await readPages(bytes, mime, name);
  const { startsMs, durationMs } = timeline(p.delaysMs);
  const format: AnimationFormat = p.pages === 1 ? 'still' : mime === 'image/gif' ? 'gif' : 'webp';
  return {
    format,
    width: p.width,
    height: p.height,
    frameCount: p.pages,
    delaysMs: p.delaysMs,
    startsMs,
    durationMs,
    thumbnails: (size = THUMBNAIL_SIZE) => greyThumbnails(p, size),
    frames: (indices, size) => rgbaFrames(p, indices, size),
  };
}
