/**
 * Reading an animation (`readAnimation`): GIF and WebP are decoded by sharp (decode.ts); an APNG (sniffed by an
 * `acTL` chunk before `IDAT`) is split into its frames here and each frame's pixels decoded by sharp too (apng.ts).
 * Every frame is decoded at the canvas's size, within the limits of limits.ts. Delays of 10 ms or less play as
 * 100 ms, as in browsers.
 */
import { readApng } from './apng';
import { readWithSharp } from './decode';
import { isApng } from './sniff';
import type { Animation } from './types';

/**
 * Read an animation's frame count, delays, size, and (lazily) its frames. `mime` is the type found in the bytes;
 * a still image reads as one frame.
 */
export async function readAnimation(bytes: Uint8Array, mime: string, name = 'The animation'): Promise<Animation> {
  if ((mime === 'image/png' || mime === 'image/apng') && isApng(bytes)) return readApng(bytes, name);
  return readWithSharp(bytes, mime, name);
}
