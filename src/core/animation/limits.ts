/**
 * How much of an animation is read. Every frame is decoded at the canvas's size, so a frame (canvas) of more than
 * 16.8 Mpx (4096×4096) is refused before any is decoded (`FrameSizeError`): a few KB of APNG, GIF or WebP with small
 * frames on a 10000×10000 canvas took 2.4 GB and 13 s before; now a peak of about 90 MB (`--dry-run`), and an
 * animation of 4000×4000 frames under 400 MB. More than 5,000 frames, or more than 5,000 frames of 1080p in pixels, is
 * a `bad-input` error.
 */
import { DescribeError } from '../base';

/** More frames than this are refused. */
export const MAX_ANIMATION_FRAMES = 5000;
/** More pixels than this in all frames together are refused (5,000 frames of 1920×1080). */
export const MAX_ANIMATION_PIXELS = 5000 * 1920 * 1080;
/**
 * Frames of more pixels than this are refused before any is decoded. A frame is decoded at its full (canvas) size to
 * choose frames, at up to about 20 bytes a pixel in libvips's loaders, so a few KB of file with small frames on a
 * huge canvas would otherwise take gigabytes; and the service shrinks every image to fit 2048×2048 anyway.
 */
export const MAX_FRAME_PIXELS = 4096 * 4096;
/** Pixels decoded at once while making thumbnails: at least one frame (see MAX_FRAME_PIXELS). */
export const CHUNK_PIXELS = MAX_FRAME_PIXELS;

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

/** Refuse, before any frame is decoded, frames too big or too many to read here. */
export function checkSize(name: string, frames: number, width: number, height: number): void {
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
