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
/** One character as Tesseract read it; its box is rough (the model's steps), wider than its ink. */
export interface TesseractJsonSymbol {
  text: string;
  confidence: number;
  bbox: TesseractBbox;
}
export interface TesseractJsonWord {
  text: string;
  confidence: number;
  bbox: TesseractBbox;
  symbols?: TesseractJsonSymbol[];
}
export interface TesseractJsonLine extends TesseractJsonWord {
  words?: TesseractJsonWord[];
}
/** A block of tesseract.js's JSON output (`output: { blocks: true }`), as far as it is read here. */
export interface TesseractJsonBlock {
  paragraphs?: { lines?: TesseractJsonLine[] }[];
}

/** Where a region's prepared pixels are in the original image: decoded pixels per prepared pixel, the region's place. */
export interface Placement {
  /** Decoded pixels per prepared pixel. */
  readonly factor: number;
  /** The region's top left corner, decoded pixels. */
  readonly x: number;
  readonly y: number;
  /** Original pixels per decoded pixel. */
  readonly unit: number;
}

/**
 * Tesseract's blocks → our lines, in reading order (block by block, then as Tesseract ordered them), boxes placed in
 * the original image (see {@link Placement}), trailing spaces and empty lines and words dropped.
 */
export function toLines(blocks: readonly TesseractJsonBlock[], at: Placement): OcrLine[] {
  const box = (b: TesseractBbox): OcrBox => {
    const x = Math.round((b.x0 * at.factor + at.x) * at.unit);
    const y = Math.round((b.y0 * at.factor + at.y) * at.unit);
    return { x, y, width: Math.max(1, Math.round((b.x1 * at.factor + at.x) * at.unit) - x), height: Math.max(1, Math.round((b.y1 * at.factor + at.y) * at.unit) - y) };
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

/**
 * The line's text with its words' new spelling, its runs of spaces (indentation) kept: word by word where the text's
 * words are the line's words, else the words joined by one space.
 */
export function respelled(text: string, before: readonly TesseractJsonWord[], after: readonly TesseractJsonWord[]): string {
  const parts = text.split(/(\s+)/);
  let k = 0;
  const out = parts.map((part) => {
    if (!part || /^\s+$/.test(part)) return part;
    const i = k++;
    return part === before[i]?.text ? (after[i]?.text ?? part) : undefined;
  });
  return k === before.length && out.every((p) => p !== undefined) ? out.join('') : after.map((w) => w.text).join(' ');
}

/** A symbol's middle column (its box is rough, but centred on its glyph). */
export const symbolCentre = (s: TesseractJsonSymbol): number => (s.bbox.x0 + s.bbox.x1) / 2;

/** The text the symbols spell. */
export const symbolsText = (symbols: readonly TesseractJsonSymbol[]): string => symbols.map((s) => s.text).join('');

/** Whether the word's text is its symbols' text (only such a word can be changed symbol by symbol). */
export const spelledBySymbols = (word: TesseractJsonWord): boolean => symbolsText(word.symbols ?? []) === word.text;

/** The blocks with each line replaced by `f(line)`, everything else kept. */
export function mapLines(blocks: readonly TesseractJsonBlock[], f: (line: TesseractJsonLine) => TesseractJsonLine): TesseractJsonBlock[] {
  return blocks.map((block) => ({ ...block, paragraphs: (block.paragraphs ?? []).map((p) => ({ ...p, lines: (p.lines ?? []).map(f) })) }));
}
