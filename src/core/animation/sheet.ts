/**
 * Sending (`compareSendModes`). The chosen frames go either as separate images (the service takes up to 10 per
 * request) or as ONE contact sheet: a grid with 4-px gutters, each frame numbered 1…n in reading order in its
 * top-left corner (DejaVu digits rendered by resvg). Both are compared at the same legibility: every frame at the size
 * the service gives that frame alone (`targetSize`: what the model would see of it sent by itself). A sheet is only
 * *legible* when the grid at that cell size still fits what the service keeps unscaled (2048 px and a shortest side of
 * 768 at high or auto detail, 512×512 at low); otherwise the service would shrink every cell. The rule: the sheet when
 * it is legible and costs fewer image tokens by the tile formula (85 a picture, plus 170 per 512-px tile at high),
 * otherwise the frames; a tie goes to the frames (no number covers any pixel). The best grid is searched over every
 * column count. Measured with 6 frames: a 1280×720 recording never fits a legible sheet (two cells side by side are
 * 2,564 px), so it goes as frames — 6,630 tokens at high or auto, 510 at low; a forced sheet would cost 1,445 (85 at
 * low) but show each frame at 681×383 (255×143). Nor do 960×540 and 800×450. The sheet wins at high/auto for frames up
 * to 640×360, by saving the 85 of every picture but one and packing partial tiles: 640×360 costs 2,550 as frames and
 * 1,445 as a 3×2 sheet of 1928×724 (−43 %); 480×270, 1,530 versus 765 as one column (−50 %); 320×180, 1,530 versus 425
 * (−72 %). At low detail a legible sheet must fit 512×512 with full-size cells: only frames up to about 250×140 (6 of
 * 240×135: 85 tokens instead of 510). Bytes on the wire are about the same either way for legible sheets.
 */
import type { Detail } from '../base';
import { estimateImageTokens, rasteriseSvg, sharp, targetSize, type RawImage, type Size } from '../images';
import type { SendModeCosts, SheetLayout } from './types';

/** Gutter between the cells of a contact sheet. */
export const SHEET_GUTTER = 4;

function layoutFor(count: number, cols: number, cell: Size): SheetLayout {
  const rows = Math.ceil(count / cols);
  return { cols, rows, cellWidth: cell.width, cellHeight: cell.height, gutter: SHEET_GUTTER, width: cols * cell.width + (cols - 1) * SHEET_GUTTER, height: rows * cell.height + (rows - 1) * SHEET_GUTTER };
}

/**
 * Image tokens of sending `count` frames of `width`×`height` as separate images or as one contact sheet, every frame
 * at the size the service gives it alone, and the cheaper of the two at that legibility.
 */
export function compareSendModes(width: number, height: number, count: number, detail: Detail | undefined): SendModeCosts {
  const frame = targetSize(width, height, detail);
  const framesTokens = count * estimateImageTokens(frame.width, frame.height, detail);
  const n = Math.max(1, count);
  let legible: { layout: SheetLayout; tokens: number } | undefined;
  let shrunk: { layout: SheetLayout; scale: number; tokens: number } | undefined;
  for (let cols = 1; cols <= n; cols++) {
    if (cols > 1 && Math.ceil(n / cols) === Math.ceil(n / (cols - 1))) continue; // same rows, wider: never better
    const layout = layoutFor(n, cols, frame);
    const sent = targetSize(layout.width, layout.height, detail);
    const tokens = estimateImageTokens(layout.width, layout.height, detail);
    if (sent.width === layout.width && sent.height === layout.height) {
      if (!legible || tokens < legible.tokens || (tokens === legible.tokens && layout.width * layout.height < legible.layout.width * legible.layout.height)) legible = { layout, tokens };
    } else {
      const scale = sent.width / layout.width;
      if (!shrunk || scale > shrunk.scale || (scale === shrunk.scale && tokens < shrunk.tokens)) shrunk = { layout, scale, tokens };
    }
  }
  const pick = legible ?? (shrunk as { layout: SheetLayout; tokens: number });
  const sheetSent = targetSize(pick.layout.width, pick.layout.height, detail);
  const sheetLegible = legible !== undefined;
  return { frame, framesTokens, sheet: pick.layout, sheetSent, sheetTokens: pick.tokens, sheetLegible, choice: count > 1 && sheetLegible && pick.tokens < framesTokens ? 'sheet' : 'frames' };
}

/** Number badges 1…n: black with white bold DejaVu digits, rendered once as a strip by resvg. */
async function renderBadges(count: number, fontSize: number): Promise<{ width: number; height: number; strip: Buffer }> {
  const digits = String(count).length;
  const width = Math.round(fontSize * (0.66 * digits + 0.7));
  const height = Math.round(fontSize * 1.36);
  const texts = Array.from({ length: count }, (_, k) => `<text x="${(k + 0.5) * width}" y="${Math.round(height * 0.75)}" text-anchor="middle" font-family="DejaVu Sans" font-weight="bold" font-size="${fontSize}" fill="#ffffff">${k + 1}</text>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width * count}" height="${height}" viewBox="0 0 ${width * count} ${height}"><rect width="100%" height="100%" fill="#000000"/>${texts.join('')}</svg>`;
  const { png } = await rasteriseSvg(Buffer.from(svg), 'high', 'frame numbers');
  const strip = await sharp()(png).resize(width * count, height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  return { width, height, strip };
}

/** Size of the number drawn on each cell. */
export function badgeFontSize(cell: Size): number {
  return Math.max(12, Math.min(48, Math.round(Math.min(cell.width, cell.height) * 0.09)));
}

/**
 * A contact sheet: the cells (RGBA, each `layout.cellWidth`×`layout.cellHeight`, flattened on white) in reading
 * order on a dark grid, each numbered 1…n in its top-left corner. Returns RGB pixels of `layout.width`×`layout.height`.
 */
export async function renderContactSheet(cells: readonly RawImage[], layout: SheetLayout): Promise<RawImage> {
  const { width, height, cellWidth: cw, cellHeight: ch, gutter } = layout;
  const sheet = Buffer.alloc(width * height * 3, 0x3c);
  const badges = await renderBadges(cells.length, badgeFontSize({ width: cw, height: ch }));
  cells.forEach((cell, k) => {
    if (cell.width !== cw || cell.height !== ch) throw new RangeError(`cell ${k} is ${cell.width}×${cell.height}, not ${cw}×${ch}`);
    const left = (k % layout.cols) * (cw + gutter);
    const top = Math.floor(k / layout.cols) * (ch + gutter);
    for (let y = 0; y < ch; y++) {
      for (let x = 0; x < cw; x++) {
        const s = (y * cw + x) * 4;
        const t = ((top + y) * width + left + x) * 3;
        const a = (cell.data[s + 3] ?? 255) / 255;
        for (let c = 0; c < 3; c++) sheet[t + c] = Math.round((cell.data[s + c] ?? 0) * a + 255 * (1 - a));
      }
    }
    const bw = Math.min(badges.width, cw);
    const bh = Math.min(badges.height, ch);
    for (let y = 0; y < bh; y++) {
      const s = (y * badges.width * cells.length + k * badges.width) * 3;
      badges.strip.copy(sheet, ((top + y) * width + left) * 3, s, s + bw * 3);
    }
  });
  return { width, height, data: sheet };
}
