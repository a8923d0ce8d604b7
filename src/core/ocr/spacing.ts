/**
 * Spaces in monospaced lines read from the character grid (in the OCR worker thread, on Tesseract's words after
 * glyphs.ts and underscores.ts: a blank that holds an underscore is joined there, with its `_`).
 *
 * Found first (generated editor, DejaVu Sans Mono): the model puts a space before an opening parenthesis or a dot
 * that follows a word in code (`expect (read) .toHaveBeenCalledTimes (1);`): a narrow glyph drawn in the middle of
 * its cell leaves a blank as wide as a space in a proportional font. In a monospaced line every character has a cell
 * of the same width, so the symbols' centres say how many cells lie between two words: one cell apart, the two are
 * one word; two or more, a space. A line counts as monospaced when the centres of its words' consecutive symbols, all
 * but a few, lie within a fifth of a cell of the same pitch, over at least {@link MIN_STEPS} steps, and the blanks
 * between its words (up to a few cells: a gutter sits on a grid of its own) are whole cells; a proportional line (an
 * `i` beside an `m`, spaces a third of a letter wide) does not. On the same grid, two symbols under half a cell apart
 * are one glyph read twice (`retrylLater`): the less sure goes. Pure functions, no I/O.
 */
import { joinWords, lineParts, mapLines, respelled, spelledBySymbols, symbolCentre as centre, symbolsText, type TesseractJsonBlock, type TesseractJsonLine, type TesseractJsonSymbol, type TesseractJsonWord } from './lines';

/** Steps between consecutive symbols a line needs before its pitch is trusted. */
const MIN_STEPS = 12;
/** Share of a cell a step may differ from the pitch and the line still be monospaced. */
const STEP_TOLERANCE = 0.2;
/** Two symbols of a monospaced line closer than this share of a cell are one glyph read twice. */
const DOUBLE_BELOW = 0.5;
/** Share of the steps that must be regular (the model's boxes are rough: a step now and then is off). */
const REGULAR_SHARE = 0.9;
/**
 * Between these many cells from one word's last symbol to the next word's first, the two are one word (a space would
 * make two cells); so are two words whose boxes overlap (the model's boxes of a word and its neighbour sometimes do).
 */
const JOIN_ABOVE = 0.6;
const JOIN_BELOW = 1.2;
/**
 * In a monospaced line the blanks between words are whole cells: this share of them must lie within
 * {@link WHOLE_CELLS} of a whole number of cells (a proportional line's spaces, a third of a letter wide, do not).
 */
const WHOLE_SHARE = 0.8;
const WHOLE_CELLS = 0.25;
/** Blanks of more cells than this are not counted in that share. */
const WIDEST_GAP = 3.5;

/** The line's pitch when it is monospaced (see the header), else undefined. */
export function linePitch(words: readonly TesseractJsonWord[]): number | undefined {
  const steps: number[] = [];
  for (const w of words) {
    const symbols = w.symbols ?? [];
    for (let i = 1; i < symbols.length; i++) steps.push(centre(symbols[i] as TesseractJsonSymbol) - centre(symbols[i - 1] as TesseractJsonSymbol));
  }
  if (steps.length < MIN_STEPS) return undefined;
  const sorted = [...steps].sort((a, b) => a - b);
  const pitch = sorted[sorted.length >> 1] as number;
  if (!(pitch > 0)) return undefined;
  const regular = steps.filter((s) => Math.abs(s - pitch) <= STEP_TOLERANCE * pitch).length;
  if (regular < REGULAR_SHARE * steps.length) return undefined;
  // Wider blanks are left out: a gutter's numbers or a table's columns sit on a grid of their own.
  const gaps = wordGaps(words, pitch).filter((g) => g > JOIN_ABOVE && g <= WIDEST_GAP);
  const whole = gaps.filter((g) => Math.abs(g - Math.round(g)) <= WHOLE_CELLS).length;
  return whole >= WHOLE_SHARE * gaps.length ? pitch : undefined;
}

/** Cells from each word's last symbol to the next word's first. */
function wordGaps(words: readonly TesseractJsonWord[], pitch: number): number[] {
  const gaps: number[] = [];
  for (let i = 1; i < words.length; i++) {
    const a = words[i - 1]?.symbols?.at(-1);
    const b = words[i]?.symbols?.[0];
    if (a && b) gaps.push((centre(b) - centre(a)) / pitch);
  }
  return gaps;
}

/**
 * The line with words one cell apart joined (see the header); its text loses the blank between them and keeps every
 * other run of spaces (indentation). A proportional line is left: there the model's last box of a word often runs
 * into the space after it (`Col 4`, `Spaces: 2` in a status bar), so overlapping boxes say nothing. A line whose text
 * is not its words in order is left as it is.
 */
export function joinCells(given: TesseractJsonLine): TesseractJsonLine {
  const pitch = linePitch(given.words ?? []);
  if (pitch === undefined) return given;
  const line = withoutDoubles(given, pitch);
  const together = (last: TesseractJsonWord, word: TesseractJsonWord): boolean => {
    const a = last.symbols?.[last.symbols.length - 1];
    const b = word.symbols?.[0];
    if (!a || !b) return false;
    const cells = (centre(b) - centre(a)) / pitch;
    return word.bbox.x0 < last.bbox.x1 || (cells > JOIN_ABOVE && cells < JOIN_BELOW);
  };
  if (!lineParts(line)) return line;
  const joins: (string | undefined)[] = [];
  let last: TesseractJsonWord | undefined;
  for (const word of line.words ?? []) {
    const join = last !== undefined && together(last, word);
    joins.push(join ? '' : undefined);
    // The word so far: its first box's start, this word's end and last symbol.
    last = join && last ? { ...word, bbox: { ...word.bbox, x0: Math.min(last.bbox.x0, word.bbox.x0), x1: Math.max(last.bbox.x1, word.bbox.x1) } } : word;
  }
  return joinWords(line, joins);
}

/**
 * A monospaced line without the second readings of one glyph: the model sometimes reads one glyph as two symbols
 * (`L` as `lL` in `retryLater`, `1` as `1l` in `/v1/`), their centres well under half a cell apart where every
 * other pair is a cell apart. Of the two, the one read with less confidence goes. Words whose text is not their
 * symbols' are left.
 */
function withoutDoubles(line: TesseractJsonLine, pitch: number): TesseractJsonLine {
  let changed = false;
  const words = (line.words ?? []).map((word) => {
    const symbols = word.symbols ?? [];
    if (symbols.length < 2 || !spelledBySymbols(word)) return word;
    const kept: TesseractJsonSymbol[] = [];
    for (const s of symbols) {
      const last = kept[kept.length - 1];
      if (last && centre(s) - centre(last) < DOUBLE_BELOW * pitch) {
        if (s.confidence > last.confidence) kept[kept.length - 1] = s;
        continue;
      }
      kept.push(s);
    }
    if (kept.length === symbols.length) return word;
    changed = true;
    return { ...word, symbols: kept, text: symbolsText(kept) };
  });
  return changed ? { ...line, words, text: respelled(line.text, line.words ?? [], words) } : line;
}

/** Tesseract's blocks with every monospaced line's words joined where they are one cell apart. */
export function joinBlocks(blocks: readonly TesseractJsonBlock[]): TesseractJsonBlock[] {
  return mapLines(blocks, joinCells);
}
