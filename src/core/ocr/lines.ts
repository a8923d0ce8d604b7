/**
 * Tesseract's layout (blocks in reading order, their paragraphs, lines and words, boxes in the prepared image's
 * pixels) turned into our lines, with boxes in the original image's pixels. Runs in the worker thread.
 */
import type { OcrBox, OcrLine, OcrWord } from './protocol';

interface TesseractBbox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
interface TesseractJsonWord {
  text: string;
  confidence: number;
  bbox: TesseractBbox;
}
interface TesseractJsonLine extends TesseractJsonWord {
  words?: TesseractJsonWord[];
}
/** A block of tesseract.js's JSON output (`output: { blocks: true }`), as far as it is read here. */
export interface TesseractJsonBlock {
  paragraphs?: { lines?: TesseractJsonLine[] }[];
}

/**
 * Tesseract's blocks → our lines, in reading order (block by block, then as Tesseract ordered them), boxes multiplied
 * by `factor` (original pixels per prepared pixel), trailing spaces and empty lines and words dropped.
 */
export function toLines(blocks: readonly TesseractJsonBlock[], factor: number): OcrLine[] {
  const box = (b: TesseractBbox): OcrBox => {
    const x = Math.round(b.x0 * factor);
    const y = Math.round(b.y0 * factor);
    return { x, y, width: Math.max(1, Math.round(b.x1 * factor) - x), height: Math.max(1, Math.round(b.y1 * factor) - y) };
  };
  const lines: OcrLine[] = [];
  blocks.forEach((block, index) => {
    for (const paragraph of block.paragraphs ?? []) {
      for (const line of paragraph.lines ?? []) {
        const text = line.text.replace(/\s+$/, '');
        if (!text.trim()) continue;
        const words: OcrWord[] = (line.words ?? []).filter((w) => w.text.trim()).map((w) => ({ text: w.text, confidence: Math.round(w.confidence), box: box(w.bbox) }));
        lines.push({ text, confidence: Math.round(line.confidence), box: box(line.bbox), words, block: index });
      }
    }
  });
  return lines;
}
