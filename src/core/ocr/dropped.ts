/**
 * Backticks the model dropped (in the OCR worker thread, at the end of glyphs.ts).
 *
 * Found first (generated editor, DejaVu Sans Mono): in ``info(`region ${r}`);`` the model reads neither backtick
 * (`info( region ${r});`); their marks are there, in a blank no symbol holds: between two words, or between two
 * symbols of a word two cells apart. Where glyphs.ts has found this region's backtick (a one-mark "double quote"
 * unlike its single quotes), a mark in such a blank of a monospaced line with that shape (within {@link LIKE}), or
 * shaped like a backtick by itself (one mark leaning down to the right, glyphShapes.ts backtickShaped), is a
 * backtick: it goes into the word, or on the word before it when it is in that word's next cell, else on the word
 * after it when it is in the cell before that one's (spacing.ts then joins the two words when nothing else lies
 * between them). Pure functions, no I/O.
 */
import { backtickShaped, blankMark, shapeDistance, type Glyph } from './glyphShapes';
import { mapLines, respelled, spelledBySymbols, symbolCentre as centre, symbolsText, type TesseractJsonBlock, type TesseractJsonLine, type TesseractJsonSymbol, type TesseractJsonWord } from './lines';
import type { GreyImage } from './protocol';
import { linePitch } from './spacing';

/** A mark this alike to one of the region's backticks (share of ink that differs) is one. */
const LIKE = 0.2;
/** Within this many cells of a word's facing symbol, a mark is that word's next (or previous) character. */
const NEXT_CELL = 1.5;

/** A backtick to put into word `word` before its symbol `before` (its length: at its end), centred at `at`. */
interface Insertion {
  readonly word: number;
  readonly before: number;
  readonly at: number;
}

/** Where the line's dropped backticks go (see the header). */
function insertions(line: TesseractJsonLine, image: GreyImage, backticks: readonly Glyph[], pitch: number): Insertion[] {
  const words = line.words ?? [];
  const isBacktick = (g: Glyph | undefined): g is Glyph => g !== undefined && (backtickShaped(g) || backticks.some((b) => shapeDistance(g, b) <= LIKE));
  const out: Insertion[] = [];
  words.forEach((word, w) => {
    const symbols = word.symbols ?? [];
    if (!spelledBySymbols(word)) return;
    // Inside the word: two symbols two cells apart.
    for (let j = 0; j + 1 < symbols.length; j++) {
      const [a, b] = [symbols[j] as TesseractJsonSymbol, symbols[j + 1] as TesseractJsonSymbol];
      if ((centre(b) - centre(a)) / pitch < NEXT_CELL) continue;
      const mark = blankMark(image, line, word, a.bbox.x1, b.bbox.x0);
      if (isBacktick(mark)) out.push({ word: w, before: j + 1, at: mark.x + mark.cx });
    }
    // After the word, before the next one.
    const next = words[w + 1];
    const last = symbols.at(-1);
    const first = next?.symbols?.[0];
    if (!next || !last || !first) return;
    const mark = blankMark(image, line, word, word.bbox.x1, next.bbox.x0);
    if (!isBacktick(mark)) return;
    const at = mark.x + mark.cx;
    if ((at - centre(last)) / pitch < NEXT_CELL) out.push({ word: w, before: symbols.length, at });
    else if ((centre(first) - at) / pitch < NEXT_CELL && spelledBySymbols(next)) out.push({ word: w + 1, before: 0, at });
  });
  return out;
}

function withBackticks(line: TesseractJsonLine, image: GreyImage, backticks: readonly Glyph[]): TesseractJsonLine {
  const words = line.words ?? [];
  const pitch = linePitch(words);
  if (pitch === undefined) return line;
  const found = insertions(line, image, backticks, pitch);
  if (!found.length) return line;
  const mended = words.map((w, i): TesseractJsonWord => {
    const here = found.filter((f) => f.word === i).sort((a, b) => b.before - a.before);
    if (!here.length) return w;
    const symbols = [...(w.symbols ?? [])];
    // A symbol a cell wide around the mark's centre, so spacing.ts counts its cell.
    for (const f of here) symbols.splice(f.before, 0, { text: '`', confidence: 0, bbox: { x0: f.at - pitch / 2 + 1, y0: w.bbox.y0, x1: f.at + pitch / 2 - 1, y1: w.bbox.y1 } });
    return { ...w, symbols, text: symbolsText(symbols) };
  });
  return { ...line, words: mended, text: respelled(line.text, words, mended) };
}

/** The blocks with each dropped backtick put back (see the header); `backticks`: the region's backtick glyphs. */
export function restoreBackticks(blocks: readonly TesseractJsonBlock[], image: GreyImage, backticks: readonly Glyph[]): TesseractJsonBlock[] {
  let changed = false;
  const out = mapLines(blocks, (l) => {
    const mended = withBackticks(l, image, backticks);
    changed ||= mended !== l;
    return mended;
  });
  return changed ? out : (blocks as TesseractJsonBlock[]);
}
