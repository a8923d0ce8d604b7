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

/**
 * The line's text cut into words and the runs of spaces between them, when its words are the line's words in order
 * (only then can a word be changed in place, the spaces kept); undefined otherwise.
 */
export function lineParts(line: TesseractJsonLine): string[] | undefined {
  const words = line.words ?? [];
  const parts = line.text.split(/(\s+)/).filter((p) => p !== '');
  const texts = parts.filter((p) => !/^\s+$/.test(p));
  return texts.length === words.length && texts.every((t, i) => t === words[i]?.text) ? parts : undefined;
}

/** Whether the word's text is its symbols' text (only such a word can be changed symbol by symbol). */
export const spelledBySymbols = (word: TesseractJsonWord): boolean => symbolsText(word.symbols ?? []) === word.text;

/** The blocks with each line replaced by `f(line)`, everything else kept. */
export function mapLines(blocks: readonly TesseractJsonBlock[], f: (line: TesseractJsonLine) => TesseractJsonLine): TesseractJsonBlock[] {
  return blocks.map((block) => ({ ...block, paragraphs: (block.paragraphs ?? []).map((p) => ({ ...p, lines: (p.lines ?? []).map(f) })) }));
}

/**
 * Neighbouring words as one: `between[i]` (nothing, or a character the model did not read) goes between words i and
 * i + 1; the symbols go along where `symbols` says so and nothing goes between any two (else the word has none, and
 * the passes that go by symbols leave it). All at once: joined pair by pair, a long run copied its symbols at every
 * step (quadratic).
 */
function merged(group: readonly TesseractJsonWord[], between: readonly string[], symbols: boolean): TesseractJsonWord {
  const first = group[0] as TesseractJsonWord;
  if (group.length === 1) return first;
  const bbox = { ...first.bbox };
  let text = first.text;
  let confidence = first.confidence;
  group.forEach((w, i) => {
    if (i === 0) return;
    bbox.x0 = Math.min(bbox.x0, w.bbox.x0);
    bbox.y0 = Math.min(bbox.y0, w.bbox.y0);
    bbox.x1 = Math.max(bbox.x1, w.bbox.x1);
    bbox.y1 = Math.max(bbox.y1, w.bbox.y1);
    text += `${between[i - 1] ?? ''}${w.text}`;
    confidence = Math.min(confidence, w.confidence);
  });
  const keep = symbols && between.every((b) => !b) && group.every((w) => w.symbols);
  return keep ? { text, confidence, bbox, symbols: group.flatMap((w) => w.symbols ?? []) } : { text, confidence, bbox };
}

/**
 * The line with neighbouring words joined: `joins[k]` (k ≥ 1) is what goes between words k − 1 and k when they become
 * one (`''` or a character the model did not read, such as an underscore; undefined: they stay apart). The text loses
 * the blank between joined words and keeps every other run of spaces (indentation); where the text is not the line's
 * words in order, it becomes the words with one space between. The same line back when nothing is joined. With
 * `symbols`, words joined with nothing between keep their symbols; otherwise a joined word has none (an underscore the
 * model did not read has no box of its own, and one it read has a rough box the symbol passes would misjudge).
 */
export function joinWords(line: TesseractJsonLine, joins: readonly (string | undefined)[], symbols = true): TesseractJsonLine {
  const words = line.words ?? [];
  if (!joins.some((j, k) => k > 0 && k < words.length && j !== undefined)) return line;
  const out: TesseractJsonWord[] = [];
  let group: TesseractJsonWord[] = [];
  let between: string[] = [];
  words.forEach((word, k) => {
    const join = k > 0 ? joins[k] : undefined;
    if (join !== undefined) {
      group.push(word);
      between.push(join);
      return;
    }
    if (group.length) out.push(merged(group, between, symbols));
    group = [word];
    between = [];
  });
  if (group.length) out.push(merged(group, between, symbols));
  const parts = lineParts(line);
  if (!parts) return { ...line, words: out, text: out.map((w) => w.text).join(' ') };
  // Pieces, not a string trimmed at every join: trimming the text so far made a long line quadratic.
  const pieces: string[] = [];
  let k = 0;
  for (const part of parts) {
    if (/^\s+$/.test(part)) {
      pieces.push(part);
      continue;
    }
    const between = k > 0 ? joins[k] : undefined;
    if (between !== undefined) {
      while (pieces.length && /^\s+$/.test(pieces[pieces.length - 1] as string)) pieces.pop();
      pieces.push(between);
    }
    pieces.push(part);
    k++;
  }
  return { ...line, words: out, text: pieces.join('') };
}
