/**
 * Images the service does not take, turned into pixels it does: BMP decoded here, SVG rendered by
 * `@resvg/resvg-wasm` with the bundled DejaVu fonts (renderers without fonts silently drop all text).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as ResvgNs from '@resvg/resvg-wasm';
import { DescribeError, type Detail } from '../base';
import { DamagedImageError } from './damage';
import { vectorRenderSize } from './tokens';

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
  if (dataOffset + rowSize * height > buf.length) throw new DamagedImageError(name, `its pixel data ends after ${Math.max(0, buf.length - dataOffset)} of ${rowSize * height} bytes`);
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

type SvgOptions = ConstructorParameters<ResvgModule['Resvg']>[1];

/** The SVG parsed once to learn its own size (resvg's reading of width, height and viewBox), with the render options. */
async function openSvg(svg: Uint8Array, name: string): Promise<{ mod: ResvgModule; options: SvgOptions; width: number; height: number }> {
  const { mod, fonts } = await loadResvg();
  const options = {
    font: { fontBuffers: fonts, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans', serifFamily: 'DejaVu Serif', monospaceFamily: 'DejaVu Sans Mono' },
    background: 'white',
  };
  let probe: InstanceType<ResvgModule['Resvg']>;
  try {
    probe = new mod.Resvg(svg, options);
  } catch (e) {
    throw new DamagedImageError(name, `not valid SVG: ${e instanceof Error ? e.message : String(e)}`, 'sent', e);
  }
  const { width, height } = probe;
  probe.free();
  return { mod, options, width: width || 1, height: height || 1 };
}

/** Rasterise an SVG to PNG with real fonts, at the largest size the service would keep. */
export async function rasteriseSvg(svg: Uint8Array, detail: Detail | undefined, name = 'SVG'): Promise<{ png: Buffer; width: number; height: number }> {
  const { mod, options, width, height } = await openSvg(svg, name);
  const size = vectorRenderSize(width, height, detail);
  const renderer = new mod.Resvg(svg, { ...options, fitTo: { mode: 'width', value: size.width } });
  const rendered = renderer.render();
  const png = Buffer.from(rendered.asPng());
  const out = { png, width: rendered.width, height: rendered.height };
  rendered.free();
  renderer.free();
  return out;
}

/**
 * Render an SVG with real fonts to RGBA pixels, `zoom(width, height)` times its own size (`width`×`height`, what
 * resvg reads from its width, height and viewBox): the caller chooses the size from the SVG's own, e.g. to keep the
 * pixels within a budget whatever the SVG claims. Returns the pixels and the SVG's own size.
 */
export async function renderSvgPixels(svg: Uint8Array, zoom: (width: number, height: number) => number, name = 'SVG'): Promise<{ raw: RawImage; width: number; height: number }> {
  const { mod, options, width, height } = await openSvg(svg, name);
  const renderer = new mod.Resvg(svg, { ...options, fitTo: { mode: 'zoom', value: zoom(width, height) } });
  try {
    const rendered = renderer.render();
    const raw = { width: rendered.width, height: rendered.height, data: Buffer.from(rendered.pixels) };
    rendered.free();
    return { raw, width, height };
  } catch (e) {
    throw new DamagedImageError(name, `it could not be rendered: ${e instanceof Error ? e.message : String(e)}`, 'read', e);
  } finally {
    renderer.free();
  }
}
