/**
 * The size the service shrinks an image to, and the image tokens it bills for it: tile models at high detail fit
 * 2048×2048, then a shortest side of 768 px, 85 + 170 tokens per 512-px tile (85 at low detail).
 */
import type { Detail } from '../base';

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
