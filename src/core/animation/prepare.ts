/**
 * Preparing an animated image to send (`prepareAnimation`): read it, choose its frames, and encode them for the wire
 * as separate images or as one contact sheet, whichever costs fewer image tokens at the same legibility (sheet.ts).
 */
import { DescribeError, MAX_IMAGE_BYTES, MAX_IMAGES } from '../base';
import { estimateImageTokens, formatBytes, sharp, toDataUrl, type LocalImage, type PreparedImage, type RawImage, type Size } from '../images';
import { chooseFrames } from './choose';
import { readAnimation } from './read';
import { compareSendModes, renderContactSheet } from './sheet';
import type { Animation, AnimationOptions, FrameChoice, PreparedAnimation, SendMode, SendModeCosts } from './types';
import { animationNote, seconds } from './wording';

/** Encode RGB(A) pixels like the image pipeline: PNG unless it costs more than 1.5× a JPEG (alpha flattened on white). */
async function encode(raw: RawImage, channels: 3 | 4): Promise<{ bytes: Buffer; mime: string }> {
  const pixels = () => sharp()(raw.data, { raw: { width: raw.width, height: raw.height, channels } }).flatten({ background: '#ffffff' });
  const [png, jpeg] = await Promise.all([pixels().png({ compressionLevel: 6, adaptiveFiltering: true }).toBuffer(), pixels().jpeg({ quality: 80, mozjpeg: true }).toBuffer()]);
  return png.length <= jpeg.length * 1.5 ? { bytes: png, mime: 'image/png' } : { bytes: jpeg, mime: 'image/jpeg' };
}

/** The frames to send, at most `budget`: the first only for a budget of 1 or a still. */
async function chooseFor(anim: Animation, budget: number): Promise<FrameChoice[]> {
  if (budget <= 1 || anim.frameCount <= 1) return [{ index: 0, timeMs: 0 }];
  const thumbs = await anim.thumbnails();
  return chooseFrames(thumbs.frames, anim.delaysMs, { maxFrames: budget, minChange: thumbs.minChange });
}

/** The contact sheet's pixels (RGB): at full size when legible, else shrunk to the size the service would use. */
async function sheetPixels(anim: Animation, indices: readonly number[], costs: SendModeCosts): Promise<RawImage> {
  const layout = costs.sheet;
  const cells = await anim.frames(indices, { width: layout.cellWidth, height: layout.cellHeight });
  const sheet = await renderContactSheet(cells, layout);
  if (costs.sheetLegible) return sheet;
  const r = await sharp()(sheet.data, { raw: { width: sheet.width, height: sheet.height, channels: 3 } }).resize(costs.sheetSent.width, costs.sheetSent.height, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer({ resolveWithObject: true });
  return { width: r.info.width, height: r.info.height, data: r.data };
}

/** Choose frames of a local animated image and prepare them to send, as frames or as one contact sheet. */
export async function prepareAnimation(image: LocalImage, options: AnimationOptions): Promise<PreparedAnimation> {
  const detail = options.detail;
  const anim = await readAnimation(image.bytes, image.sniffed.mime, image.source);
  const budget = Math.max(1, Math.min(MAX_IMAGES, Math.floor(options.maxFrames) || 1));
  const frames = await chooseFor(anim, budget);
  const costs = compareSendModes(anim.width, anim.height, frames.length, detail);
  const mode: SendMode = frames.length === 1 ? 'frames' : (options.mode ?? costs.choice);
  const base = { source: image.source, name: image.name, kind: 'file' as const, path: image.path, originalMime: image.sniffed.mime, originalBytes: image.bytes.length, width: anim.width, height: anim.height };
  const wire = (encoded: { bytes: Buffer; mime: string }, size: Size, notes: string[]): PreparedImage => {
    if (encoded.bytes.length > MAX_IMAGE_BYTES) throw new DescribeError('bad-input', `${image.source}: a prepared frame is still ${formatBytes(encoded.bytes.length)}; the service takes at most 20 MB per image.`);
    return { ...base, url: toDataUrl(encoded.mime, encoded.bytes), sentMime: encoded.mime, sentBytes: encoded.bytes.length, sentWidth: size.width, sentHeight: size.height, estimatedTokens: estimateImageTokens(size.width, size.height, detail), notes, warnings: [] };
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
    const sheet = await sheetPixels(anim, indices, costs);
    images.push(wire(await encode(sheet, 3), { width: sheet.width, height: sheet.height }, [`A contact sheet of ${frames.length} frames (${costs.sheet.cols}×${costs.sheet.rows}), numbered 1–${frames.length} in reading order.`]));
  }
  const estimatedTokens = images.reduce((n, i) => n + (i.estimatedTokens ?? 0), 0);
  const result = { images, frames, totalFrames: anim.frameCount, durationMs: anim.durationMs, format: anim.format, width: anim.width, height: anim.height, mode, estimatedTokens, costs };
  return { ...result, note: animationNote(result) };
}
