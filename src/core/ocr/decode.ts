/**
 * Decoding an image for the OCR, in the caller's thread (sharp is asynchronous): any image the pipeline knows, to 8-bit
 * grey, upright, transparency on white, at its own size or — when it is larger than the worker is given — reduced in
 * the decoder (readSize.ts), so that memory stays bounded whatever the image's size: PNG, JPEG and TIFF are read line by
 * line and reduced as they are read (JPEG shrunk on load), never held whole; an SVG is rendered at the reduced size.
 * The grey pixels go to the worker thread.
 */
import type sharpFactory from 'sharp';
import { DescribeError, isConvertible } from '../base';
import { DamagedImageError, DECODE_FAIL_ON, decodeBmp, decodeFailure, MAX_DECODED_PIXELS, MAX_WHOLE_DECODE_PIXELS, renderSvgPixels, sharp, sniffImage, type SniffedImage } from '../images';
import type { GreyImage } from './protocol';
import { count, readSize, reduction, smallestLegibleText, MAX_OCR_READ_PIXELS, MAX_OCR_SIDE, type OcrReduction, type ReadSize } from './readSize';

export { MAX_OCR_READ_PIXELS, MAX_OCR_SIDE, MIN_LEGIBLE_X_HEIGHT, type OcrReduction } from './readSize';

/** The largest file read for its text, checked before it is read (the pixels are limited apart: see pixelLimit). */
export const MAX_OCR_FILE_BYTES = 100 * 1024 * 1024;

/** Refuse a file too large to read for its text, before reading it (the CLI, the MCP server and VS Code). */
export function checkOcrFileSize(size: number, name: string): void {
  if (size > MAX_OCR_FILE_BYTES) throw new DescribeError('bad-input', `${name} is ${Math.round(size / 1024 / 1024)} MB; files up to ${MAX_OCR_FILE_BYTES / 1024 / 1024} MB are read.`);
}

/** An image decoded for the OCR. */
export interface Decoded {
  readonly grey: GreyImage;
  /** The original image's size (after EXIF orientation; an SVG: its own units). */
  readonly width: number;
  readonly height: number;
  /** Original pixels per decoded pixel. */
  readonly unitScale: number;
  /** Set when the image was read smaller than its own size (too many pixels): what may be missed, and the message. */
  readonly reduced?: OcrReduction | undefined;
}

/** Decode any image the pipeline knows to 8-bit grey, upright, transparency on white, within the read size. */
export async function decodeForOcr(bytes: Uint8Array, name: string): Promise<Decoded> {
  const sniffed = sniffImage(bytes);
  if (!sniffed) throw new DescribeError('bad-input', `${name} is not an image: its bytes are not PNG, JPEG, GIF, WebP or another known image format.`);
  if (sniffed.damage) throw new DamagedImageError(name, sniffed.damage, 'read');
  if (!isConvertible(sniffed.mime)) {
    throw new DescribeError('bad-input', `${name} is a ${kindOf(sniffed.mime)} image, which can't be read here; save it as PNG and try again.`);
  }
  try {
    if (sniffed.mime === 'image/svg+xml') return await decodeSvg(bytes, name);
    // The size in the header first: a decoder given too many pixels fails with words that read as damage.
    checkPixels(name, sniffed.mime, sniffed.width ?? 0, sniffed.height ?? 0);
    if (sniffed.mime === 'image/bmp') {
      const raw = decodeBmp(bytes, name);
      return await toGrey(sharp()(raw.data, { raw: { width: raw.width, height: raw.height, channels: 4 } }), raw.width, raw.height, name);
    }
    return await decodeRaster(bytes, sniffed, name);
  } catch (e) {
    // Damaged: "its text was not read"; a type without a codec here: that it can't be decoded here.
    throw decodeFailure(name, sniffed.mime, e, 'read');
  }
}

/** PNG, JPEG, GIF (first frame), WebP, TIFF, AVIF…: opened by sharp, its size from the header, then decoded reduced. */
async function decodeRaster(bytes: Uint8Array, sniffed: SniffedImage, name: string): Promise<Decoded> {
  const limit = pixelLimit(sniffed.mime);
  const input = sharp()(bytes, { pages: 1, limitInputPixels: limit, sequentialRead: true, failOn: DECODE_FAIL_ON });
  const meta = await input.metadata();
  // Upright, one page (a GIF's or WebP's frame); checked again: the decoder's reading of the header is the one used.
  const stored = { width: meta.width ?? 0, height: meta.pageHeight ?? meta.height ?? 0 };
  checkPixels(name, sniffed.mime, stored.width, stored.height);
  const upright = (meta.orientation ?? 1) >= 5 ? { width: stored.height, height: stored.width } : stored;
  // Damage stops the reduced decode too (failOn): test/core/ocr/large.unit.test.ts holds it for each type.
  return toGrey(input, upright.width, upright.height, name);
}

/**
 * The pixels as grey, upright, flattened on white, reduced to `size` in the decoder (libvips shrinks as it reads, a few
 * lines at a time), one byte a pixel.
 */
async function toGrey(input: ReturnType<typeof sharpFactory>, width: number, height: number, name: string, size: ReadSize = readSize(width, height)): Promise<Decoded> {
  let pipeline = input.autoOrient().flatten({ background: '#ffffff' }).greyscale();
  if (size.scale < 1) pipeline = pipeline.resize(size.width, size.height, { fit: 'fill' });
  const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const grey = info.channels === 1 ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : firstChannel(data, info.channels);
  return { grey: { width: info.width, height: info.height, data: grey }, width, height, unitScale: width / info.width, reduced: reduction(name, width, height, size) };
}

/**
 * An SVG: rendered at its own size (a small one enlarged to 1024 px on its longest side, as the describe pipeline
 * renders it: vector text is sharper rendered large than enlarged after), within the read size whatever its size or
 * viewBox claims. Boxes come back in its own units.
 */
async function decodeSvg(bytes: Uint8Array, name: string): Promise<Decoded> {
  let size: ReadSize | undefined;
  const zoom = (w: number, h: number): number => {
    const up = Math.max(1, 1024 / Math.max(w, h));
    size = readSize(w * up, h * up);
    const z = up * size.scale;
    // Longer than Tesseract takes even at a pixel high: say so, rather than have the renderer fail.
    if (Math.min(w, h) * z < 1) throw new DescribeError('bad-input', `${name} is ${count(w)}×${count(h)}: too long and thin to read (${MAX_OCR_SIDE} px a side at most).`);
    return z;
  };
  const { raw, width, height } = await renderSvgPixels(bytes, zoom, name);
  const decoded = await toGrey(sharp()(raw.data, { raw: { width: raw.width, height: raw.height, channels: 4 } }), raw.width, raw.height, name);
  // What resvg rendered (it rounds the zoomed size up).
  const read = size && size.scale < 1 ? { ...size, width: raw.width, height: raw.height, scale: raw.width / width } : undefined;
  const reduced = read ? reduction(name, Math.round(width), Math.round(height), read) : undefined;
  return { grey: decoded.grey, width, height, unitScale: width / raw.width, reduced };
}

/** The types libvips reads a few lines at a time (and reduces as it reads): the rest are decoded whole first. */
const STREAMED: readonly string[] = ['image/png', 'image/jpeg', 'image/tiff'];

/**
 * The most pixels an image of this type is decoded with: the describe pipeline's limits (images/pipeline.ts) for the
 * types read line by line; for the types decoded whole (GIF, WebP, AVIF, HEIF, BMP…) the limit for those.
 */
function pixelLimit(mime: string): number {
  return STREAMED.includes(mime) ? MAX_DECODED_PIXELS : MAX_WHOLE_DECODE_PIXELS;
}

/** Refuse, before decoding, an image with more pixels than its decoder is given (see pixelLimit), saying why. */
function checkPixels(name: string, mime: string, width: number, height: number): void {
  const limit = pixelLimit(mime);
  if (width * height <= limit) return;
  const kind = kindOf(mime);
  const whole = limit <= MAX_WHOLE_DECODE_PIXELS;
  const why = whole
    ? `their decoder holds the whole picture`
    : `read at ${MAX_OCR_READ_PIXELS / 1e6} megapixels, text smaller than about ${smallestLegibleText(Math.sqrt(MAX_OCR_READ_PIXELS / limit))} px would be lost`;
  throw new DescribeError('bad-input', `${name} is a ${width}×${height} ${kind} (${((width * height) / 1e6).toFixed(1)} megapixels); ${kind} images of more than ${limit / 1e6} megapixels are not read for their text (${why}). Crop it to the part with the text and try again.`);
}

function kindOf(mime: string): string {
  return mime.replace('image/', '').replace('svg+xml', 'SVG').toUpperCase();
}

function firstChannel(data: Buffer, channels: number): Uint8Array {
  const out = new Uint8Array(data.length / channels);
  for (let i = 0; i < out.length; i++) out[i] = data[i * channels] ?? 0;
  return out;
}
