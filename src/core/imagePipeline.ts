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
import { existsSync, readFileSync } from 'node:fs';
import type * as ResvgNs from '@resvg/resvg-wasm';
import type sharpFactory from 'sharp';
import type { Metadata, Sharp as SharpPipeline } from 'sharp';
import * as path from 'node:path';
import { DescribeError } from './errors';
import { ACCEPTED_MIME_TYPES, formatBytes, MAX_IMAGE_BYTES, sniffImage, toDataUrl, type LocalImage } from './images';
import type { PreparedImage } from './prepare';
import type { Detail } from './settings';

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** The size the service itself would use for an image of `width`×`height` at `detail` (never larger). */
export function targetSize(width: number, height: number, detail: Detail | undefined): Size {
  if (width <= 0 || height <= 0) return { width, height };
  let scale = 1;
  if (detail === 'low') {
    scale = Math.min(1, 512 / width, 512 / height);
  } else {
    scale = Math.min(1, 2048 / width, 2048 / height);
    const shortest = Math.min(width, height) * scale;
    if (shortest > 768) scale *= 768 / shortest;
  }
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Image tokens billed for tile models (gpt-4o, gpt-4.1): low → 85; high (and auto, counted as high) → 85 + 170 per
 * 512-px tile of the size the service scales to. E.g. 2048×4096 high → 768×1536 → 6 tiles → 1105.
 */
export function estimateImageTokens(width: number, height: number, detail: Detail | undefined): number {
  if (detail === 'low') return 85;
  const { width: w, height: h } = targetSize(width, height, detail);
  return 85 + 170 * Math.ceil(w / 512) * Math.ceil(h / 512);
}

/**
 * Size for rendering a vector: its own size, enlarged so the longer side is at least 1024 px (small diagrams stay
 * legible without paying for the largest tiling), then kept within what the service would use.
 */
export function vectorRenderSize(width: number, height: number, detail: Detail | undefined): Size {
  const up = Math.max(1, 1024 / Math.max(width, height));
  return targetSize(Math.round(width * up), Math.round(height * up), detail);
}

// ---- BMP (sharp/libvips does not read it) ----------------------------------------------------------------------

export interface RawImage {
  readonly width: number;
  readonly height: number;
  /** RGBA, 8 bits per channel, top row first. */
  readonly data: Buffer;
}

/** Decode an uncompressed BMP (1/4/8-bit palette, 24-bit, 32-bit BI_RGB or BI_BITFIELDS with standard masks). */
export function decodeBmp(b: Uint8Array, name = 'BMP'): RawImage {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const fail = (why: string) => new DescribeError('bad-input', `${name}: ${why}; save it as PNG and try again.`);
  if (buf.length < 54 || buf.toString('latin1', 0, 2) !== 'BM') throw fail('not a readable BMP file');
  const dataOffset = buf.readUInt32LE(10);
  const headerSize = buf.readUInt32LE(14);
  const width = buf.readInt32LE(18);
  const rawHeight = buf.readInt32LE(22);
  const bpp = buf.readUInt16LE(28);
  const compression = buf.readUInt32LE(30);
  const height = Math.abs(rawHeight);
  const bottomUp = rawHeight > 0;
  if (width <= 0 || height === 0 || width * height > 100_000_000) throw fail(`its size ${width}×${height} is not supported`);
  if (!(compression === 0 || (compression === 3 && (bpp === 32 || bpp === 16)))) throw fail('it is a compressed BMP (RLE), which is not supported');
  if (![1, 4, 8, 24, 32].includes(bpp)) throw fail(`${bpp}-bit BMPs are not supported`);
  const paletteStart = 14 + headerSize;
  const colours = bpp <= 8 ? buf.readUInt32LE(46) || 1 << bpp : 0;
  const rowSize = Math.ceil((bpp * width) / 32) * 4;
  if (dataOffset + rowSize * height > buf.length) throw fail('the file is truncated');
  const out = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + rowSize * (bottomUp ? height - 1 - y : y);
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      let r = 0;
      let g = 0;
      let bl = 0;
      let a = 255;
      if (bpp === 24 || bpp === 32) {
        const p = row + x * (bpp / 8);
        bl = buf[p] ?? 0;
        g = buf[p + 1] ?? 0;
        r = buf[p + 2] ?? 0;
        if (bpp === 32 && compression === 0) a = 255; // BI_RGB 32-bit: the fourth byte is unused
      } else {
        const bitPos = x * bpp;
        const byte = buf[row + (bitPos >> 3)] ?? 0;
        const index = (byte >> (8 - bpp - (bitPos & 7))) & ((1 << bpp) - 1);
        if (index < colours) {
          const q = paletteStart + index * 4;
          bl = buf[q] ?? 0;
          g = buf[q + 1] ?? 0;
          r = buf[q + 2] ?? 0;
        }
      }
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = bl;
      out[o + 3] = a;
    }
  }
  return { width, height, data: out };
}

// ---- assets (fonts, resvg's wasm) -----------------------------------------------------------------------------

/** Find a file shipped beside the bundle (dist/assets/…) or, unbundled, in node_modules. */
function findAsset(distRelative: string, moduleSpecifier: string): string {
  const candidates = [path.join(__dirname, 'assets', distRelative), path.join(__dirname, '..', 'assets', distRelative)];
  for (const c of candidates) if (existsSync(c)) return c;
  return require.resolve(moduleSpecifier);
}

const FONT_FILES: readonly [string, string][] = [
  ['fonts/DejaVuSans.ttf', 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf'],
  ['fonts/DejaVuSans-Bold.ttf', 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'],
  ['fonts/DejaVuSerif.ttf', 'dejavu-fonts-ttf/ttf/DejaVuSerif.ttf'],
  ['fonts/DejaVuSansMono.ttf', 'dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf'],
];

type ResvgModule = typeof ResvgNs;
let resvgReady: Promise<{ mod: ResvgModule; fonts: Uint8Array[] }> | undefined;

function loadResvg(): Promise<{ mod: ResvgModule; fonts: Uint8Array[] }> {
  resvgReady ??= (async () => {
    const mod = (await import('@resvg/resvg-wasm')) as ResvgModule;
    await mod.initWasm(readFileSync(findAsset('resvg.wasm', '@resvg/resvg-wasm/index_bg.wasm')));
    const fonts = FONT_FILES.map(([dist, spec]) => new Uint8Array(readFileSync(findAsset(dist, spec))));
    return { mod, fonts };
  })();
  return resvgReady;
}

/** Rasterise an SVG to PNG with real fonts, at the largest size the service would keep. */
export async function rasteriseSvg(svg: Uint8Array, detail: Detail | undefined, name = 'SVG'): Promise<{ png: Buffer; width: number; height: number }> {
  const { mod, fonts } = await loadResvg();
  const options = {
    font: { fontBuffers: fonts, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans', serifFamily: 'DejaVu Serif', monospaceFamily: 'DejaVu Sans Mono' },
    background: 'white',
  };
  let probe: InstanceType<ResvgModule['Resvg']>;
  try {
    probe = new mod.Resvg(svg, options);
  } catch (e) {
    throw new DescribeError('bad-input', `${name} is not a valid SVG: ${e instanceof Error ? e.message : String(e)}`);
  }
  const size = vectorRenderSize(probe.width || 1, probe.height || 1, detail);
  probe.free();
  const renderer = new mod.Resvg(svg, { ...options, fitTo: { mode: 'width', value: size.width } });
  const rendered = renderer.render();
  const png = Buffer.from(rendered.asPng());
  const out = { png, width: rendered.width, height: rendered.height };
  rendered.free();
  renderer.free();
  return out;
}

// ---- the pipeline ---------------------------------------------------------------------------------------------

type Sharp = typeof sharpFactory;
let sharpModule: Sharp | undefined;
/**
 * sharp (WASM build), loaded on first use: activation and the CLI's --help stay fast. Shared with OCR decoding and
 * animations. libvips's operation cache is off: no pipeline here is ever run twice, and the cache kept every decoded
 * GIF page alive (its loader's frame buffers are not counted in the cache's memory limit) — 5 pages of a 4000×4000
 * GIF held 400 MB.
 */
export function sharp(): Sharp {
  if (!sharpModule) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    sharpModule = require('sharp') as Sharp;
    sharpModule.cache(false);
  }
  return sharpModule;
}

/** True when some pixel of RGBA data is not fully opaque. */
function hasTransparency(rgba: Buffer): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return true;
  return false;
}

/** The most pixels of one image decoded here (PNG and JPEG: libvips reads them line by line, JPEG shrunk on load). */
const MAX_DECODED_PIXELS = 512_000_000;
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

/** Types this pipeline can turn into something the service takes. */
export function isConvertible(mime: string): boolean {
  return ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/bmp', 'image/svg+xml', 'image/tiff', 'image/avif', 'image/heif'].includes(mime);
}

export interface PipelineOptions {
  readonly detail: Detail | undefined;
  /** Why an animated GIF sends only its first frame (default: that it is animated, with its frame count). */
  readonly firstFrameReason?: string | undefined;
}

/** Prepare one local image: resized to the service's size, oriented, converted and re-encoded as needed. */
export async function prepareLocalImage(image: LocalImage, options: PipelineOptions): Promise<PreparedImage> {
  const { sniffed, bytes } = image;
  const notes: string[] = [];
  if (image.nameMime && image.nameMime !== sniffed.mime && sniffed.mime !== 'image/svg+xml') {
    notes.push(`${image.name} is named as ${image.nameMime} but its bytes are ${sniffed.mime}.`);
  }
  const base = { source: image.source, name: image.name, kind: 'file' as const, path: image.path, originalMime: sniffed.mime, originalBytes: bytes.length };
  const detail = options.detail;
  const done = (out: Buffer, mime: string, width: number, height: number, origW: number | undefined, origH: number | undefined): PreparedImage => {
    if (out.length > MAX_IMAGE_BYTES) {
      throw new DescribeError('bad-input', `${image.source} is still ${formatBytes(out.length)} after preparing; the service takes at most 20 MB per image.`);
    }
    return { ...base, url: toDataUrl(mime, out), width: origW, height: origH, sentMime: mime, sentBytes: out.length, sentWidth: width, sentHeight: height, estimatedTokens: estimateImageTokens(width, height, detail), notes };
  };

  if (sniffed.mime === 'image/svg+xml') {
    const r = await rasteriseSvg(bytes, detail, image.source);
    notes.push(`${image.name} (SVG) was rendered to a ${r.width}×${r.height} PNG.`);
    return done(r.png, 'image/png', r.width, r.height, sniffed.width, sniffed.height);
  }

  const s = sharp();
  let input: SharpPipeline;
  let width = sniffed.width ?? 0;
  let height = sniffed.height ?? 0;
  let animated = false;
  if (sniffed.mime === 'image/bmp') {
    const raw = decodeBmp(bytes, image.source);
    input = s(raw.data, { raw: { width: raw.width, height: raw.height, channels: 4 } });
    width = raw.width;
    height = raw.height;
    notes.push(`${image.name} (BMP) was converted.`);
  } else {
    input = s(bytes, { pages: 1, limitInputPixels: MAX_DECODED_PIXELS });
    let meta: Metadata;
    try {
      meta = await input.metadata();
    } catch (e) {
      const kind = sniffed.mime.replace('image/', '').toUpperCase();
      throw new DescribeError('bad-input', `${image.source}: this ${kind} image can't be decoded here (${e instanceof Error ? e.message : String(e)}); save it as PNG or JPEG and try again.`);
    }
    width = meta.width ?? width;
    height = meta.pageHeight ?? meta.height ?? height;
    checkDecodeSize(image.source, sniffed.mime, width, height);
    animated = (meta.pages ?? 1) > 1 && sniffed.mime === 'image/gif';
    if (options.firstFrameReason) notes.push(`${image.name}: ${options.firstFrameReason}; only the first frame was sent.`);
    else if (animated) notes.push(`${image.name} is an animated GIF (${meta.pages} frames): only the first frame was sent.`);
  }
  const orientation = sniffed.orientation ?? 1;
  const swapped = orientation >= 5 && orientation <= 8;
  const [ow, oh] = swapped ? [height, width] : [width, height];
  const target = targetSize(ow, oh, detail);
  const needsResize = target.width !== ow || target.height !== oh;
  const needsRotate = orientation > 1;
  const needsConvert = !ACCEPTED_MIME_TYPES.includes(sniffed.mime) || animated;
  if (!needsResize && !needsRotate && !needsConvert && bytes.length <= MAX_IMAGE_BYTES) {
    return done(bytes, sniffed.mime, ow, oh, ow, oh);
  }
  if (needsResize) notes.push(`${image.name} was resized from ${ow}×${oh} to ${target.width}×${target.height}, the size the service uses for ${detail === 'low' ? 'low' : 'high'} detail.`);
  if (needsRotate) notes.push(`${image.name} was turned upright (EXIF orientation ${orientation}).`);
  // Decode, orient and resize once; encode the candidates from those pixels.
  const { data, info } = await input.rotate().resize(target.width, target.height, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer({ resolveWithObject: true });
  const hasAlpha = info.channels === 4 && hasTransparency(data);
  const pixels = () => s(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  const [png, alt] = await Promise.all([
    pixels().png({ compressionLevel: 6, adaptiveFiltering: true }).toBuffer(),
    hasAlpha ? pixels().webp({ quality: 80, alphaQuality: 100 }).toBuffer() : pixels().removeAlpha().jpeg({ quality: 80, mozjpeg: true }).toBuffer(),
  ]);
  // PNG keeps screenshots and line art sharp: prefer it unless it costs more than 1.5× the lossy encoding.
  if (png.length <= alt.length * 1.5) return done(png, 'image/png', target.width, target.height, ow, oh);
  return done(alt, hasAlpha ? 'image/webp' : 'image/jpeg', target.width, target.height, ow, oh);
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
