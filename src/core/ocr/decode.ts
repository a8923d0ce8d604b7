/**
 * Decoding an image for the OCR, in the caller's thread (sharp is asynchronous): any image the pipeline knows, to 8-bit
 * grey, upright, transparency on white, within the size limits; the grey pixels go to the worker thread.
 */
import type sharpFactory from 'sharp';
import { DescribeError, isConvertible } from '../base';
import { DamagedImageError, DECODE_FAIL_ON, decodeBmp, decodeFailure, rasteriseSvg, sharp, sniffImage } from '../images';
import type { GreyImage } from './protocol';

/** The largest image read, in pixels (8K is 33 MP). */
export const MAX_OCR_PIXELS = 50_000_000;

/** The largest file read for its text, checked before it is read (the pixels are limited apart: MAX_OCR_PIXELS). */
export const MAX_OCR_FILE_BYTES = 100 * 1024 * 1024;

/** Refuse a file too large to read for its text, before reading it (the CLI, the MCP server and VS Code). */
export function checkOcrFileSize(size: number, name: string): void {
  if (size > MAX_OCR_FILE_BYTES) throw new DescribeError('bad-input', `${name} is ${Math.round(size / 1024 / 1024)} MB; files up to ${MAX_OCR_FILE_BYTES / 1024 / 1024} MB are read.`);
}

/** An image decoded for the OCR. */
export interface Decoded {
  readonly grey: GreyImage;
  /** The original image's size (after EXIF orientation). */
  readonly width: number;
  readonly height: number;
  /** Original pixels per decoded pixel. */
  readonly unitScale: number;
}

/** Decode any image the pipeline knows to 8-bit grey, upright, transparency on white. */
export async function decodeForOcr(bytes: Uint8Array, name: string): Promise<Decoded> {
  const sniffed = sniffImage(bytes);
  if (!sniffed) throw new DescribeError('bad-input', `${name} is not an image: its bytes are not PNG, JPEG, GIF, WebP or another known image format.`);
  if (sniffed.damage) throw new DamagedImageError(name, sniffed.damage, 'read');
  const kind = sniffed.mime.replace('image/', '').replace('svg+xml', 'SVG').toUpperCase();
  if (!isConvertible(sniffed.mime)) {
    throw new DescribeError('bad-input', `${name} is a ${kind} image, which can't be read here; save it as PNG and try again.`);
  }
  if ((sniffed.width ?? 0) * (sniffed.height ?? 0) > MAX_OCR_PIXELS) {
    throw new DescribeError('bad-input', `${name} is ${sniffed.width}×${sniffed.height}; images over ${MAX_OCR_PIXELS / 1e6} megapixels are not read. Crop it to the part with the text.`);
  }
  const s = sharp();
  let input: ReturnType<typeof sharpFactory>;
  let unitScale = 1;
  let size: { width: number; height: number } | undefined;
  try {
    if (sniffed.mime === 'image/svg+xml') {
      const r = await rasteriseSvg(bytes, 'high', name);
      input = s(r.png);
      // Boxes in the SVG's own units.
      if (sniffed.width && sniffed.height) {
        unitScale = sniffed.width / r.width;
        size = { width: sniffed.width, height: sniffed.height };
      }
    } else if (sniffed.mime === 'image/bmp') {
      const raw = decodeBmp(bytes, name);
      input = s(raw.data, { raw: { width: raw.width, height: raw.height, channels: 4 } });
    } else {
      input = s(bytes, { pages: 1, limitInputPixels: MAX_OCR_PIXELS, failOn: DECODE_FAIL_ON });
    }
    const { data, info } = await input.rotate().flatten({ background: '#ffffff' }).toColourspace('b-w').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    const grey = info.channels === 1 ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : firstChannel(data, info.channels);
    return { grey: { width: info.width, height: info.height, data: grey }, width: size?.width ?? info.width, height: size?.height ?? info.height, unitScale };
  } catch (e) {
    // Damaged: "its text was not read"; a type without a codec here: that it can't be decoded here.
    throw decodeFailure(name, sniffed.mime, e, 'read');
  }
}

function firstChannel(data: Buffer, channels: number): Uint8Array {
  const out = new Uint8Array(data.length / channels);
  for (let i = 0; i < out.length; i++) out[i] = data[i * channels] ?? 0;
  return out;
}
