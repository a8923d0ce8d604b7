/** sharp (libvips), its WASM build `@img/sharp-wasm32` in the VSIX, loaded once, on first use. */
import type sharpFactory from 'sharp';

type Sharp = typeof sharpFactory;
let sharpModule: Sharp | undefined;
/** sharp (WASM build), loaded on first use: activation and the CLI's --help stay fast. Shared with OCR decoding. */
export function sharp(): Sharp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  sharpModule ??= require('sharp') as Sharp;
  return sharpModule;
}
