/**
 * Underscores read back from the pixels (in the OCR worker thread, on Tesseract's words before lines.ts).
 *
 * Found first (dev screens, DejaVu Sans Mono): the English model reads an underscore in code as a space between two
 * words (`MAX_ENTRIES` → `MAX ENTRIES`, `60_000` → `60 000`) or keeps it but puts a space before it
 * (`node_modules` → `node _modules`, `$NODE_ENV` → `$NODE _ENV`). The word boxes say where the gap is; the prepared
 * image (dark ink on white) says what is in it. Two words of one line are joined with an underscore when the gap
 * between their boxes holds
 * - a horizontal run of ink in its lower part (below the middle of the line's letters) across most of its width,
 * - and nothing else: no ink above the run (a space is blank; a dropped hyphen or equals sign sits higher),
 * - and the run does not go on under the words' own letters: an underline (a link) runs under the whole words,
 *   an underscore only across its own cell.
 * A word that starts or ends with the underscore Tesseract did read is joined to its neighbour when the two boxes all
 * but touch (a real space in between is a wide blank). Pure functions, no I/O.
 */
import { joinWords, mapLines, type TesseractJsonBlock } from './lines';
import type { GreyImage } from './protocol';

/** Where a word is in the prepared image (Tesseract's bbox: x1, y1 exclusive). */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
export interface BoxedWord {
  text: string;
  confidence: number;
  bbox: Box;
}

/**
 * Below this grey level a prepared pixel counts as ink here. Fainter than Tesseract's own threshold on purpose: an
 * underscore of 13-px monospaced text is about one pixel thick, anti-aliased, and comes out of preparing as a grey
 * line (about 200 on a white of 251–255) that Tesseract's binarisation drops: the model never sees it.
 */
const INK = 230;
/** Share of the gap's width a row above the underscore may hold (anti-aliased edges of the letters either side). */
const ABOVE_COVER = 0.3;
/** Share of the gap's width a row's ink must cover to be an underscore's. */
const RUN_COVER = 0.6;
/** Share of a word's width under which an underscore's row may hold ink (letters' descenders, its own cell's ends). */
const UNDER_WORD_COVER = 0.5;

/** Ink pixels in row y between x0 and x1 (exclusive). */
function inkIn(image: GreyImage, y: number, x0: number, x1: number): number {
  let n = 0;
  const row = y * image.width;
  for (let x = Math.max(0, x0); x < Math.min(image.width, x1); x++) if ((image.data[row + x] ?? 255) < INK) n++;
  return n;
}

/** The line's letters' height: the median of its words' box heights (descenders and capitals either way). */
function letterHeight(words: readonly BoxedWord[]): number {
  const heights = words.map((w) => w.bbox.y1 - w.bbox.y0).sort((a, b) => a - b);
  return heights[heights.length >> 1] ?? 0;
}

/**
 * Rows [top, bottom) of an underscore in the blank between a and b (columns x0..x1 of the prepared image): a run of
 * covered rows in the lower part with no ink above it in the gap; undefined when the gap holds anything else.
 */
export function underscoreRows(image: GreyImage, a: Box, b: Box, height: number): { top: number; bottom: number } | undefined {
  const x0 = a.x1;
  const x1 = b.x0;
  const width = x1 - x0;
  if (width < 2 || height < 4) return undefined;
  const middle = Math.round((Math.max(a.y0, b.y0) + Math.min(a.y1, b.y1)) / 2);
  // The baseline, or below it where both words hang below it (g, y): an underscore starts no lower than a third of
  // the letters' height under it, and is over within half of it (the next line's capitals are further down).
  const baseline = Math.min(a.y1, b.y1);
  const limit = Math.min(image.height, baseline + Math.ceil(height * 0.5));
  let run: { top: number; bottom: number } | undefined;
  for (let y = Math.max(0, Math.min(a.y0, b.y0)); y < limit; y++) {
    const ink = inkIn(image, y, x0, x1);
    if (ink >= RUN_COVER * width) {
      if (y < middle || (!run && y > baseline + height / 3)) return undefined;
      run = run ? { top: run.top, bottom: y + 1 } : { top: y, bottom: y + 1 };
    } else if (run) return ink <= ABOVE_COVER * width ? run : undefined;
    else if (ink > ABOVE_COVER * width) return undefined;
  }
  return undefined;
}

/**
 * Whether the rows of a run go on under a word's letters (an underline): more than half the word's width inked there,
 * or, with `near` columns given, most of the columns of the word next to the blank (an underline broken around
 * descenders, as browsers draw it, still runs on right past the blank; an underscore stops at its own cell).
 */
function runsUnder(image: GreyImage, word: Box, rows: { top: number; bottom: number }, near?: { x0: number; x1: number }): boolean {
  const width = word.x1 - word.x0;
  for (let y = rows.top; y < rows.bottom; y++) {
    if (inkIn(image, y, word.x0, word.x1) > UNDER_WORD_COVER * width) return true;
    if (near && near.x1 > near.x0 && inkIn(image, y, near.x0, near.x1) > RUN_COVER * (near.x1 - near.x0)) return true;
  }
  return false;
}

/**
 * Whether the blank between a and b is an underscore the model read as a space (see the header). `edges`: the boxes
 * end where the letters end, so a run going on under the letters next to the blank is an underline's.
 */
export function gapIsUnderscore(image: GreyImage, a: Box, b: Box, height: number, edges = true): boolean {
  const rows = underscoreRows(image, a, b, height);
  if (rows === undefined || rows.bottom - rows.top > Math.max(2, height * 0.2)) return false;
  const k = Math.ceil(height * 0.3);
  const nearA = edges ? { x0: Math.max(a.x0, a.x1 - k), x1: a.x1 } : undefined;
  const nearB = edges ? { x0: b.x0, x1: Math.min(b.x1, b.x0 + k) } : undefined;
  return !runsUnder(image, a, rows, nearA) && !runsUnder(image, b, rows, nearB);
}

/** Whether two words' boxes all but touch: far closer than any space between words. */
function touches(a: BoxedWord, b: BoxedWord, height: number): boolean {
  return b.bbox.x0 - a.bbox.x1 <= height * 0.15;
}

/**
 * Whether an underscore the model did not read lies between a and b: in the blank between their boxes, or, when the
 * boxes all but touch, at the start of b's box or the end of a's (the box took the underscore's ink, the text did not).
 * `edges`: look under the letters next to the blank for an underline (not when a word holds the underscore there).
 */
function underscoreBetween(image: GreyImage, a: Box, b: Box, height: number, edges: boolean): boolean {
  if (a.x1 > b.x0) a = { ...a, x1: inkEnd(image, a, b) };
  if (b.x0 - a.x1 > height * 0.15) return gapIsUnderscore(image, a, b, height, edges);
  const cell = Math.ceil(height * 0.3);
  return gapIsUnderscore(image, { ...a, x1: b.x0 }, { ...b, x0: b.x0 + cell }, height, false) || gapIsUnderscore(image, { ...a, x1: a.x1 - cell }, b, height, false);
}

/**
 * Where a's letters end when Tesseract's box for a runs over b's (it does, around an underscore it did not read): the
 * column after the last one before b with ink in the upper half of the line (an underscore has none there).
 */
function inkEnd(image: GreyImage, a: Box, b: Box): number {
  const top = Math.max(0, Math.min(a.y0, b.y0));
  const middle = Math.round((Math.max(a.y0, b.y0) + Math.min(a.y1, b.y1)) / 2);
  for (let x = Math.min(b.x0, image.width) - 1; x > a.x0; x--) {
    for (let y = top; y < middle; y++) if ((image.data[y * image.width + x] ?? 255) < INK) return x + 1;
  }
  return a.x0 + 1;
}

/** Whether a ends or b starts with an underscore Tesseract did read (then the two join with nothing between). */
function underscoreAtJoin(a: BoxedWord, b: BoxedWord): boolean {
  return a.text.endsWith('_') || b.text.startsWith('_');
}

/**
 * What joins each word to the one before it (see the header): `'_'` where the gap between them is an underscore,
 * `''` where one of them already holds the underscore at the join and their boxes all but touch, undefined where they
 * stay apart (always for the first word).
 */
export function underscoreJoins(words: readonly BoxedWord[], image: GreyImage): (string | undefined)[] {
  const height = letterHeight(words);
  const joins: (string | undefined)[] = [];
  let last: BoxedWord | undefined;
  for (const word of words) {
    const held = last !== undefined && underscoreAtJoin(last, word);
    if (last && ((held && touches(last, word, height)) || underscoreBetween(image, last.bbox, word.bbox, height, !held))) {
      joins.push(held ? '' : '_');
      last = joined(last, word, held ? '' : '_');
    } else {
      joins.push(undefined);
      last = word;
    }
  }
  return joins;
}

/** A line's words with underscores mended (see {@link underscoreJoins}); a joined word gets both boxes and the lower confidence. */
export function mendUnderscores(words: readonly BoxedWord[], image: GreyImage): BoxedWord[] {
  const line = { text: words.map((w) => w.text).join(' '), confidence: 0, bbox: { x0: 0, y0: 0, x1: 0, y1: 0 }, words: [...words] };
  return joinWords(line, underscoreJoins(words, image), false).words ?? [];
}

function joined(a: BoxedWord, b: BoxedWord, between: string): BoxedWord {
  const bbox = { x0: Math.min(a.bbox.x0, b.bbox.x0), y0: Math.min(a.bbox.y0, b.bbox.y0), x1: Math.max(a.bbox.x1, b.bbox.x1), y1: Math.max(a.bbox.y1, b.bbox.y1) };
  return { text: `${a.text}${between}${b.text}`, confidence: Math.min(a.confidence, b.confidence), bbox };
}

/**
 * Tesseract's blocks with each line's words mended (see {@link underscoreJoins}), joined as lines.ts joins words: the
 * line keeps its indentation; a mended word has no symbols (the passes after this one that go by symbols leave it).
 */
export function mendBlocks(blocks: readonly TesseractJsonBlock[], image: GreyImage): TesseractJsonBlock[] {
  return mapLines(blocks, (line) => joinWords(line, underscoreJoins(line.words ?? [], image), false));
}
