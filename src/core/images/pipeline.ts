/**
 * Send what the model sees. The service shrinks every high-detail image to fit 2048×2048 and then to a shortest side
 * of 768 px (low detail: one 512×512 view), so the client does that work first: it resizes to exactly that size (never
 * enlarging a raster), applies EXIF orientation, converts what the service refuses (SVG with real fonts, BMP, animated
 * GIF → first frame, TIFF/AVIF where the codec has them), and re-encodes, choosing by output size. It also estimates the
 * image tokens the service bills for tile models (85 + 170 per 512-px tile at high detail, 85 at low).
 *
 * Libraries: sharp (libvips) for decoding, resizing and encoding — its WASM build `@img/sharp-wasm32` ships in the
 * VSIX so one package runs on every OS; `@resvg/resvg-wasm` with bundled DejaVu fonts for SVG (renderers without fonts
 * silently drop all text).
 */
import type { Metadata, OutputInfo, Sharp as SharpPipeline } from 'sharp';
import { DescribeError, ACCEPTED_MIME_TYPES, MAX_IMAGE_BYTES } from '../base';
import { checkDecodes, decodeFailure, DECODE_FAIL_ON } from './damage';
import { formatBytes, sniffImage, toDataUrl, type LoadedImage, type LocalImage } from './load';
import { decodeBmp, rasteriseSvg } from './rasterise';
import { sharp } from './sharp';
import { estimateImageTokens, targetSize } from './tokens';
import { prepareImage, type PreparedImage } from './wire';
import type { Detail } from '../base';

/** True when some pixel of RGBA data is not fully opaque. */
function hasTransparency(rgba: Buffer): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return true;
  return false;
}

/**
 * The most pixels of one image decoded here (PNG and JPEG: libvips reads them line by line, JPEG shrunk on load). The
 * OCR reads PNG, JPEG and TIFF up to this size too (ocr/decode.ts).
 */
export const MAX_DECODED_PIXELS = 512_000_000;
/**
 * The most pixels of a GIF or WebP image decoded here. Their decoders hold the whole picture at about 5 bytes a pixel
 * (GIF: its logical screen, which a 129-byte file with one small frame makes 20000×20000 — 1.8 GB; WebP: its canvas),
 * and the service shrinks every image to fit 2048×2048 anyway.
 */
export const MAX_WHOLE_DECODE_PIXELS = 50_000_000;

function decodeLimit(mime: string): number {
  return mime === 'image/gif' || mime === 'image/webp' ? MAX_WHOLE_DECODE_PIXELS : MAX_DECODED_PIXELS;
}

/** Refuse, before decoding, an image whose decoder would hold more pixels than `decodeLimit`. */
function checkDecodeSize(name: string, mime: string, width: number, height: number): void {
  const limit = decodeLimit(mime);
  if (width * height <= limit) return;
  const kind = mime.replace('image/', '').toUpperCase();
  throw new DescribeError(
    'bad-input',
    `${name} is a ${width}×${height} ${kind} (${(width * height / 1e6).toFixed(1)} megapixels); ${kind} images of more than ${limit / 1e6} megapixels are not read: they are decoded whole, and the service shrinks every image to fit 2048×2048 anyway. Scale it down, or save it as PNG or JPEG, and try again.`,
  );
}

export interface PipelineOptions {
  readonly detail: Detail | undefined;
  /** Why an animated GIF sends only its first frame (default: that it is animated, with its frame count). */
  readonly firstFrameReason?: string | undefined;
}

/** The image opened for decoding (BMP through its own decoder), its size, and whether it is an animated GIF. */
async function openPixels(image: LocalImage, options: PipelineOptions, notes: string[], warnings: string[]): Promise<{ input: SharpPipeline; width: number; height: number; animated: boolean }> {
  const { sniffed, bytes } = image;
  const s = sharp();
  if (sniffed.mime === 'image/bmp') {
    const raw = decodeBmp(bytes, image.source);
    notes.push(`${image.name} (BMP) was converted.`);
    return { input: s(raw.data, { raw: { width: raw.width, height: raw.height, channels: 4 } }), width: raw.width, height: raw.height, animated: false };
  }
  // The size in the header first: libvips refuses too many pixels with an error that reads as damage.
  checkDecodeSize(image.source, sniffed.mime, sniffed.width ?? 0, sniffed.height ?? 0);
  const input = s(bytes, { pages: 1, limitInputPixels: MAX_DECODED_PIXELS, failOn: DECODE_FAIL_ON });
  let meta: Metadata;
  try {
    meta = await input.metadata();
  } catch (e) {
    throw decodeFailure(image.source, sniffed.mime, e);
  }
  const width = meta.width ?? sniffed.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? sniffed.height ?? 0;
  checkDecodeSize(image.source, sniffed.mime, width, height);
  const animated = (meta.pages ?? 1) > 1 && sniffed.mime === 'image/gif';
  if (options.firstFrameReason) warnings.push(`${image.name}: ${options.firstFrameReason}; only the first frame was sent.`);
  else if (animated) warnings.push(`${image.name} is an animated GIF (${meta.pages} frames): only the first frame was sent.`);
  return { input, width, height, animated };
}

/** Decode, orient and resize once. The decode is also the check that the image is whole: damage stops it here. */
async function decodeResized(image: LocalImage, input: SharpPipeline, target: { width: number; height: number }): Promise<{ data: Buffer; info: OutputInfo }> {
  try {
    return await input.rotate().resize(target.width, target.height, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw decodeFailure(image.source, image.sniffed.mime, e);
  }
}

/**
 * Encode the candidates from the decoded pixels. PNG keeps screenshots and line art sharp: it is preferred unless it
 * costs more than 1.5× the lossy encoding (WebP when there is transparency, else JPEG).
 */
async function encodeResized(image: LocalImage, input: SharpPipeline, target: { width: number; height: number }): Promise<{ out: Buffer; mime: string }> {
  const s = sharp();
  const { data, info } = await decodeResized(image, input, target);
  const hasAlpha = info.channels === 4 && hasTransparency(data);
  const pixels = () => s(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  const [png, alt] = await Promise.all([
    pixels().png({ compressionLevel: 6, adaptiveFiltering: true }).toBuffer(),
    hasAlpha ? pixels().webp({ quality: 80, alphaQuality: 100 }).toBuffer() : pixels().removeAlpha().jpeg({ quality: 80, mozjpeg: true }).toBuffer(),
  ]);
  if (png.length <= alt.length * 1.5) return { out: png, mime: 'image/png' };
  return { out: alt, mime: hasAlpha ? 'image/webp' : 'image/jpeg' };
}

/** Prepare one local image: resized to the service's size, oriented, converted and re-encoded as needed. */
export async function prepareLocalImage(image: LocalImage, options: PipelineOptions): Promise<PreparedImage> {
  const { sniffed, bytes } = image;
  const notes: string[] = [];
  const warnings: string[] = [];
  if (image.nameMime && image.nameMime !== sniffed.mime && sniffed.mime !== 'image/svg+xml') {
    warnings.push(`${image.name} is named as ${image.nameMime} but its bytes are ${sniffed.mime}.`);
  }
  const base = { source: image.source, name: image.name, kind: 'file' as const, path: image.path, originalMime: sniffed.mime, originalBytes: bytes.length };
  const detail = options.detail;
  const done = (out: Buffer, mime: string, width: number, height: number, origW: number | undefined, origH: number | undefined): PreparedImage => {
    if (out.length > MAX_IMAGE_BYTES) {
      throw new DescribeError('bad-input', `${image.source} is still ${formatBytes(out.length)} after preparing; the service takes at most 20 MB per image.`);
    }
    return { ...base, url: toDataUrl(mime, out), width: origW, height: origH, sentMime: mime, sentBytes: out.length, sentWidth: width, sentHeight: height, estimatedTokens: estimateImageTokens(width, height, detail), notes, warnings };
  };
  if (sniffed.mime === 'image/svg+xml') {
    const r = await rasteriseSvg(bytes, detail, image.source);
    notes.push(`${image.name} (SVG) was rendered to a ${r.width}×${r.height} PNG.`);
    return done(r.png, 'image/png', r.width, r.height, sniffed.width, sniffed.height);
  }
  const { input, width, height, animated } = await openPixels(image, options, notes, warnings);
  const orientation = sniffed.orientation ?? 1;
  const swapped = orientation >= 5 && orientation <= 8;
  const [ow, oh] = swapped ? [height, width] : [width, height];
  const target = targetSize(ow, oh, detail);
  const needsResize = target.width !== ow || target.height !== oh;
  const needsRotate = orientation > 1;
  const needsConvert = !ACCEPTED_MIME_TYPES.includes(sniffed.mime) || animated;
  if (!needsResize && !needsRotate && !needsConvert && bytes.length <= MAX_IMAGE_BYTES) {
    // Sent as it is: decoded only to check it is whole.
    await checkDecodes(image.source, bytes, sniffed.mime, MAX_DECODED_PIXELS);
    return done(bytes, sniffed.mime, ow, oh, ow, oh);
  }
  if (needsResize) notes.push(`${image.name} was sent at ${target.width}×${target.height} (from ${ow}×${oh}), the size the service uses for ${detail === 'low' ? 'low' : 'high'} detail.`);
  if (needsRotate) notes.push(`${image.name} was turned upright (EXIF orientation ${orientation}).`);
  // A JPEG's damaged data shows only in a decode of its own (see checkDecodes); other types show it while resizing.
  // First, not beside the resize: libvips reported the JPEG warning of one of two decodes running at once.
  if (sniffed.mime === 'image/jpeg') await checkDecodes(image.source, bytes, sniffed.mime, MAX_DECODED_PIXELS);
  const { out, mime } = await encodeResized(image, input, target);
  return done(out, mime, target.width, target.height, ow, oh);
}

/**
 * An image sent untouched (`--no-resize`), or a URL passed through: a local file is decoded first, only to check it
 * is whole.
 */
export async function prepareUntouched(image: LoadedImage, detail: Detail | undefined): Promise<PreparedImage> {
  if (image.kind === 'file') {
    const { mime, width, height } = image.sniffed;
    checkDecodeSize(image.source, mime, width ?? 0, height ?? 0);
    await checkDecodes(image.source, image.bytes, mime, decodeLimit(mime));
  }
  return prepareImage(image, detail);
}

/** A small PNG/JPEG `data:` thumbnail (at most 240×160) for showing an image in a panel. */
export async function makeThumbnail(bytes: Uint8Array): Promise<string | undefined> {
  const sniffed = sniffImage(bytes);
  if (!sniffed) return undefined;
  let input: SharpPipeline;
  if (sniffed.mime === 'image/svg+xml') input = sharp()((await rasteriseSvg(bytes, 'low')).png);
  else if (sniffed.mime === 'image/bmp') {
    const raw = decodeBmp(bytes);
    input = sharp()(raw.data, { raw: { width: raw.width, height: raw.height, channels: 4 } });
  } else input = sharp()(bytes, { pages: 1, limitInputPixels: decodeLimit(sniffed.mime) });
  const out = await input.rotate().resize(240, 160, { fit: 'inside', withoutEnlargement: true }).png().toBuffer();
  return toDataUrl('image/png', out);
}
