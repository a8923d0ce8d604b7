/**
 * Large screenshots with known text, made cheaply: a scene (screens.ts) rendered `zoom` times larger by the project's
 * own SVG renderer (resvg, DejaVu fonts), placed at a few spots on a huge white canvas by sharp, which writes the PNG or
 * JPEG as it goes (the canvas is never held whole in this process). And PNG decompression bombs: a header claiming a
 * huge image over a little data, or a real 1-bit image that inflates to hundreds of megapixels.
 */
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { renderSvgPixels } from '../../src/core/images';
import { pngChunk } from './bigCanvas';
import type { Scene } from './screens';

export interface BigScreenshot {
  readonly bytes: Buffer;
  /** Every text drawn, once per copy of the scene. */
  readonly lines: readonly string[];
  /** Where each copy's top-left corner is. */
  readonly at: readonly (readonly [x: number, y: number])[];
  /** The size of one copy. */
  readonly copy: { readonly width: number; readonly height: number };
}

/** A `width`×`height` screenshot: `scene` drawn `zoom` times larger at each of `at`, on white. */
export async function bigScreenshot(scene: Scene, options: { width: number; height: number; zoom: number; at: readonly (readonly [number, number])[]; format: 'png' | 'jpeg' }): Promise<BigScreenshot> {
  const { raw } = await renderSvgPixels(new TextEncoder().encode(scene.svgAt(options.zoom)), () => 1, 'scene.svg');
  const copy = { raw: { width: raw.width, height: raw.height, channels: 4 as const } };
  const canvas = sharp({ create: { width: options.width, height: options.height, channels: 3, background: '#ffffff' }, limitInputPixels: false })
    .composite(options.at.map(([left, top]) => ({ input: raw.data, ...copy, left, top })));
  const bytes = await (options.format === 'png' ? canvas.png({ compressionLevel: 1 }) : canvas.jpeg({ quality: 90 })).toBuffer();
  return { bytes, lines: options.at.flatMap(() => scene.lines), at: options.at, copy: { width: raw.width, height: raw.height } };
}

/**
 * A 1-bit grey PNG of `width`×`height`, white, with black bars `bar` px high every `every` rows (something to see):
 * each distinct row deflated once by zlib in one stream. A 20000×20000 one (400 megapixels) is about 60 KB.
 */
export function oneBitPng(width: number, height: number, every = 1000, bar = 40): Buffer {
  const stride = Math.ceil(width / 8) + 1;
  const rows = Buffer.alloc(stride * height, 0xff);
  for (let y = 0; y < height; y++) {
    rows[y * stride] = 0; // filter: none
    if (y % every < bar) rows.fill(0, y * stride + 1, (y + 1) * stride);
  }
  return pngOf(width, height, deflateSync(rows, { level: 9 }));
}

/** A PNG whose header claims `width`×`height` (1-bit grey) over `idat` (default: a few rows' worth of data). */
export function pngOf(width: number, height: number, idat: Buffer = deflateSync(Buffer.alloc(1024))): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([1, 0, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}
