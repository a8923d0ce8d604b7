/** sharp (libvips), its WASM build `@img/sharp-wasm32` in the VSIX, loaded once, on first use. */
import type sharpFactory from 'sharp';

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
