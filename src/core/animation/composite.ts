/**
 * APNG compositing: frames drawn one by one onto one canvas, blended and disposed as the APNG spec says, and the region
 * each frame changed on it (so only the thumbnail pixels a frame touched are recomputed).
 */
import type { Rect } from './types';

/** What compositing needs of an APNG frame: its region, and how it is blended and disposed of. */
export interface FrameRegion extends Rect {
  /** 0: leave it; 1: clear it to transparent black; 2: restore what was under it. */
  readonly dispose: number;
  /** 0: replace the pixels; 1: alpha-blend over them. */
  readonly blend: number;
}

/** A frame drawn on the canvas: its index, the canvas (copy what you keep: it changes after), the region changed. */
export type Visit = (i: number, canvas: Uint8Array, dirty: Rect) => void | Promise<void>;

function union(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

function copyRect(canvas: Uint8Array, cw: number, r: Rect): Uint8Array {
  const out = new Uint8Array(r.width * r.height * 4);
  for (let y = 0; y < r.height; y++) out.set(canvas.subarray(((r.y + y) * cw + r.x) * 4, ((r.y + y) * cw + r.x + r.width) * 4), y * r.width * 4);
  return out;
}

function clearRect(canvas: Uint8Array, cw: number, r: Rect): void {
  for (let y = 0; y < r.height; y++) canvas.fill(0, ((r.y + y) * cw + r.x) * 4, ((r.y + y) * cw + r.x + r.width) * 4);
}

/** Draw RGBA pixels over a rectangle: replace them, or alpha-blend over (the formula upng-js uses). */
function drawRect(canvas: Uint8Array, cw: number, r: Rect, src: Uint8Array, over: boolean): void {
  for (let y = 0; y < r.height; y++) {
    const s0 = y * r.width * 4;
    const t0 = ((r.y + y) * cw + r.x) * 4;
    if (!over) {
      canvas.set(src.subarray(s0, s0 + r.width * 4), t0);
      continue;
    }
    for (let x = 0; x < r.width; x++) {
      const si = s0 + x * 4;
      const ti = t0 + x * 4;
      const fa = (src[si + 3] ?? 0) / 255;
      if (fa === 1) {
        canvas[ti] = src[si] ?? 0;
        canvas[ti + 1] = src[si + 1] ?? 0;
        canvas[ti + 2] = src[si + 2] ?? 0;
        canvas[ti + 3] = 255;
        continue;
      }
      if (fa === 0) continue;
      const ba = (canvas[ti + 3] ?? 0) / 255;
      const ifa = 1 - fa;
      const oa = fa + ba * ifa;
      const ioa = oa === 0 ? 0 : 1 / oa;
      canvas[ti + 3] = 255 * oa;
      for (let c = 0; c < 3; c++) canvas[ti + c] = ((src[si + c] ?? 0) * fa + (canvas[ti + c] ?? 0) * ba * ifa) * ioa;
    }
  }
}

/**
 * Composite frames 0…`last` in turn on one `width`×`height` canvas (APNG blend and dispose); `visit` sees the canvas
 * after each frame is drawn, with the region that changed since the previous visit.
 */
export async function play<F extends FrameRegion>(frames: readonly F[], width: number, height: number, decode: (f: F) => Promise<Uint8Array>, last: number, visit: Visit): Promise<void> {
  const canvas = new Uint8Array(width * height * 4);
  let pending: Rect | undefined; // region the previous frame's disposal changed
  for (let i = 0; i <= last; i++) {
    const f = frames[i] as F;
    const dispose = i === 0 && f.dispose === 2 ? 1 : f.dispose;
    const saved = dispose === 2 ? copyRect(canvas, width, f) : undefined;
    const pixels = await decode(f);
    drawRect(canvas, width, f, pixels, f.blend === 1);
    const rect: Rect = { x: f.x, y: f.y, width: f.width, height: f.height };
    await visit(i, canvas, pending ? union(pending, rect) : i === 0 ? { x: 0, y: 0, width, height } : rect);
    pending = undefined;
    if (dispose === 1) {
      clearRect(canvas, width, f);
      pending = rect;
    } else if (dispose === 2 && saved) {
      drawRect(canvas, width, f, saved, false);
      pending = rect;
    }
  }
}
