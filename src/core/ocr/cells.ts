/**
 * Doubtful words of monospaced text read again, cell by cell, against the region's own glyphs (in the OCR worker
 * thread, on Tesseract's words after glyphs.ts, before underscores.ts and spacing.ts).
 *
 * Found first (generated editors and terminals, DejaVu Sans Mono): where a short word stands alone on its line the
 * English model has no neighbours to read it by, and reads its glyphs as something else entirely: an indented `});`
 * as `H)8`, `3);` or `Hi` (one symbol over two glyphs), a gutter's `11` as `1`, a hash without its first letter. It
 * says so: such words get a low confidence (0–70 where the region's other words get 85–96). In a monospaced region every character has
 * a cell of one width and the same character the same pixels, so the rest of the region shows what each glyph is:
 * 1. the region's pitch is the one its monospaced lines agree on (spacing.ts's {@link linePitch}), at least
 *    {@link MIN_LINES} of them;
 * 2. its templates are the glyphs of the symbols it read surely ({@link TRUST_SYMBOL} in words of
 *    {@link TRUST_WORD}), up to {@link PER_READING} a reading;
 * 3. each word below {@link DOUBT}, or with one glyph read as two symbols, is cut into cells (glyphShapes.ts,
 *    wordCells: its ink on a grid of that pitch, or it is left), and each inked cell is read as the reading whose
 *    template is nearest — at the same height in the line ({@link SAME_LEVEL}), within {@link MATCH}, and nearer
 *    than any other reading's by {@link CLEAR}. A blank cell between marks is a space.
 * Only when every inked cell is read so does the word take the new reading: a character with no sure template in
 * the region (a `?` it never read surely, a backtick), a glyph between two readings, a proportional word, and the
 * word stays as the model read it. Pure functions, no I/O.
 */
import { backtickShaped, lineGlyphs, shapeDistance, sizesAlike, wordCells, type Cell, type Glyph } from './glyphShapes';
import { lineParts, mapLines, spelledBySymbols, symbolCentre as centre, symbolsText, type TesseractJsonBlock, type TesseractJsonLine, type TesseractJsonSymbol, type TesseractJsonWord } from './lines';
import type { GreyImage } from './protocol';
import { linePitch } from './spacing';

/** A word read with less confidence than this is read again. */
const DOUBT = 70;
/** Two symbols closer than this share of a cell are one glyph read twice (as in spacing.ts). */
const DOUBLE = 0.5;
/** Templates come from symbols read this surely, in words read this surely. */
const TRUST_SYMBOL = 95;
const TRUST_WORD = 85;
/** Templates kept for one reading (the same character at a few sub-pixel offsets). */
const PER_READING = 6;
/** A cell is read as a template's reading within this shape distance (share of ink that differs)… */
const MATCH = 0.17;
/** …and only when every other reading's template is further by this much. */
const CLEAR = 0.05;
/** Symbols of a word further apart than this many cells are read as two parts (see clusters). */
const CLUSTER_GAP = 2;
/**
 * Greys (a word's darkest) within this of each other are one syntax colour: templates are kept per colour, and a
 * letter the model read is judged against its own colour's (see readIn).
 */
const SAME_TONE = 40;
/** A template is compared only with a cell whose ink sits at its height in the line, within this share of the line. */
const SAME_LEVEL = 0.15;
/**
 * Pixels compared in one region (each pair of glyphs near enough in size costs nine times their common area) past
 * which the pass is given up: a 2000 × 2000 region of glyphs 100 px tall took 6.5–10 s; the regions of the bench's
 * dense 1080p screens compare at most 21 million (about 0.15 s), the generated test editor under a million.
 */
const MAX_COMPARED = 40_000_000;
/** The pixels compared so far in one region (see {@link MAX_COMPARED}). */
interface Budget {
  compared: number;
}
/**
 * A cell this near a template of the model's own reading is that reading, without looking further: another reading
 * clearly nearer ({@link CLEAR}) would have to lie within 0.07, a look-alike, where the model's reading is kept anyway.
 * On the dense screens 0.08, 0.10 and 0.12 change the same words; 0.12 compares a fifth less.
 */
const CONFIRM = 0.12;
/** A letter or digit the model read stays unless its templates in the cell's colour are all this unlike the cell. */
const UNLIKE = 0.2;
/** Monospaced lines that must agree on the pitch (within {@link SAME_PITCH}) for the region to have one. */
const MIN_LINES = 3;
const SAME_PITCH = 0.03;
/** Templates kept in all: every inked cell of a doubtful word is compared with each (most at once by their sizes). */
const MAX_TEMPLATES = 1000;

/**
 * The pitch most of the region's monospaced lines share, undefined when fewer than {@link MIN_LINES} agree; `pitches`
 * holds each line's own (spacing.ts, linePitch), measured once for both this and the templates.
 */
function regionPitch(pitches: readonly (number | undefined)[]): number | undefined {
  const measured = pitches.filter((p): p is number => p !== undefined);
  const median = [...measured].sort((a, b) => a - b)[measured.length >> 1];
  if (median === undefined) return undefined;
  return measured.filter((p) => Math.abs(p - median) <= SAME_PITCH * median).length >= MIN_LINES ? median : undefined;
}

/** The region's templates, reading → glyphs (see the header), up to {@link PER_READING} a reading and syntax colour. */
function templates(lines: readonly TesseractJsonLine[], pitches: readonly (number | undefined)[], image: GreyImage, pitch: number): Map<string, Glyph[]> {
  const out = new Map<string, Glyph[]>();
  let count = 0;
  for (const [i, line] of lines.entries()) {
    const own = pitches[i];
    if (own === undefined || Math.abs(own - pitch) > SAME_PITCH * pitch) continue;
    const sure = (line.words ?? []).filter((w) => w.confidence >= TRUST_WORD);
    const readings = new Set(sure.flatMap((w) => (w.symbols ?? []).filter((s) => s.confidence >= TRUST_SYMBOL && s.text.trim()).map((s) => s.text)));
    for (const g of readings.size ? lineGlyphs(image, { ...line, words: sure }, readings) : []) {
      const symbol = g.word.symbols?.[g.index];
      const kept = out.get(g.text) ?? [];
      if (!symbol || symbol.confidence < TRUST_SYMBOL || kept.filter((t) => Math.abs(t.dark - g.dark) <= SAME_TONE / 2).length >= PER_READING) continue;
      kept.push(g);
      out.set(g.text, kept);
      if (++count >= MAX_TEMPLATES) return out;
    }
  }
  return out;
}

/**
 * The distance to the nearest of the templates, 1 when there is none nearer than `bound`. Two glyphs differ by at
 * least the share of ink one has more than the other (|a − b| / (a + b)): a template further than `bound` by that
 * alone is not compared (most of a region's templates, for each cell). 1 too once the region's budget is spent (the
 * pass is then given up).
 */
function nearest(glyph: Glyph, templates: readonly Glyph[] | undefined, budget: Budget, bound = 1): number {
  let d = 1;
  for (const t of templates ?? []) {
    // Shapes are compared centre on centre: where they sit in the line tells `'` from `,` and `-` from `_`.
    if (Math.abs(glyph.level - t.level) > SAME_LEVEL) continue;
    if (!sizesAlike(glyph, t) || Math.abs(glyph.total - t.total) / (glyph.total + t.total) >= Math.min(d, bound)) continue;
    budget.compared += 9 * Math.min(glyph.width, t.width) * Math.min(glyph.height, t.height);
    if (budget.compared > MAX_COMPARED) return 1;
    d = Math.min(d, shapeDistance(glyph, t));
  }
  return d;
}

/** What a cell's glyph is, and how sure (its shape distance), or undefined when no reading is clearly nearest. */
function readCell(glyph: Glyph, known: Map<string, Glyph[]>, budget: Budget): { text: string; distance: number } | undefined {
  // A backtick is known by its lean, template or not (the model rarely reads one surely).
  if (backtickShaped(glyph)) return { text: '`', distance: nearest(glyph, known.get('`'), budget) };
  let [best, second] = [1, 1];
  let text: string | undefined;
  // A reading further than CLEAR beyond the nearest so far (and beyond MATCH) can neither be read nor stand in its way.
  for (const [reading, glyphs] of known) {
    const d = nearest(glyph, glyphs, budget, Math.min(MATCH, best) + CLEAR);
    if (d < best) [second, best, text] = [best, d, reading];
    else if (d < second) second = d;
  }
  return text !== undefined && best <= MATCH && second - best >= CLEAR ? { text, distance: best } : undefined;
}

/** Letters, digits and the signs the model gives for them (`©` for a zero). */
const letterLike = (text: string): boolean => /^[\p{L}\p{N}©®¢£]$/u.test(text);

/** Whether the symbol's centre is in the cell. */
const inCell = (s: TesseractJsonSymbol, cell: Cell): boolean => centre(s) >= cell.x0 && centre(s) < cell.x1;

/** The model's reading of the cell: the text of the one symbol whose centre is in it, if there is exactly one. */
function modelReading(cell: Cell, word: TesseractJsonWord): string | undefined {
  const own = (word.symbols ?? []).filter((s) => inCell(s, cell));
  return own.length === 1 ? (own[0] as TesseractJsonSymbol).text : undefined;
}

/**
 * A cell's reading, or undefined when it has none for sure:
 * - the model's own where a template of it is within {@link CONFIRM} (most cells of a doubtful word: compared with
 *   a few templates, not the region's hundreds);
 * - else the templates' ({@link readCell}), except where the model read one symbol there and both readings are
 *   letters or digits: the model's stays unless it has templates in the cell's colour and all are further than
 *   {@link UNLIKE} (none in that colour: it stays too). Letters and digits are where the model reads best (it knows
 *   words), and where the templates can be missing: a numeric literal's `1` in its own colour may never have been
 *   read surely, and an `I` of another string is nearest. A glyph read as a sign, or over two cells, is the
 *   templates' to say.
 */
function readIn(cell: Cell & { glyph: Glyph }, word: TesseractJsonWord, known: Map<string, Glyph[]>, budget: Budget): { text: string; distance: number } | undefined {
  const { glyph } = cell;
  const model = modelReading(cell, word);
  if (model !== undefined && !backtickShaped(glyph)) {
    const distance = nearest(glyph, known.get(model), budget, CONFIRM);
    if (distance <= CONFIRM) return { text: model, distance };
  }
  const read = readCell(glyph, known, budget);
  if (!read || model === undefined || model === read.text || !letterLike(model) || !letterLike(read.text)) return read;
  const same = (known.get(model) ?? []).filter((t) => Math.abs(t.dark - glyph.dark) <= SAME_TONE);
  const distance = nearest(glyph, same, budget);
  return same.length && distance > UNLIKE ? read : { text: model, distance };
}

/**
 * The columns of the word's clusters of symbols: a word the model ran over a wide blank (a gutter's line number and
 * the code after it) is cut there, and each part's ink is measured at its own grey level (a gutter is fainter).
 */
function clusters(word: TesseractJsonWord, pitch: number): { x0: number; x1: number }[] {
  const symbols = [...(word.symbols ?? [])].sort((a, b) => a.bbox.x0 - b.bbox.x0);
  const out: { x0: number; x1: number }[] = [];
  let reach = -Infinity;
  for (const s of symbols) {
    const last = out[out.length - 1];
    if (!last || s.bbox.x0 - reach > CLUSTER_GAP * pitch) out.push({ x0: last ? s.bbox.x0 : word.bbox.x0, x1: s.bbox.x1 });
    else last.x1 = Math.max(last.x1, s.bbox.x1);
    reach = Math.max(reach, s.bbox.x1);
  }
  const last = out[out.length - 1];
  if (last) last.x1 = Math.max(last.x1, word.bbox.x1);
  return out;
}

/**
 * Whether the cells only say what the model said: one run without blanks, each inked cell holding the centre of one
 * symbol read surely ({@link TRUST_SYMBOL}), each symbol in one. A word scored low as a whole (its line was hard)
 * whose every glyph the model is sure of is not compared cell by cell (most of the comparing, otherwise).
 */
function modelAgrees(runs: readonly Cell[][], word: TesseractJsonWord): boolean {
  const [run, ...more] = runs;
  const symbols = word.symbols ?? [];
  if (!run || more.length || run.length !== symbols.length || run.some((c) => !c.glyph)) return false;
  return symbols.every((s) => s.confidence >= TRUST_SYMBOL && run.filter((c) => inCell(s, c)).length === 1) && run.every((c) => symbols.some((s) => inCell(s, c)));
}

/** The word read again, as one or more words with the blanks between them (cells), or undefined to keep it. */
function reread(image: GreyImage, line: TesseractJsonLine, word: TesseractJsonWord, pitch: number, known: Map<string, Glyph[]>, budget: Budget): { words: TesseractJsonWord[]; blanks: number[] } | undefined {
  const runs: Cell[][] = [];
  for (const columns of clusters(word, pitch)) {
    const found = wordCells(image, line, word, columns, pitch);
    if (!found) return undefined;
    runs.push(...found);
  }
  if (modelAgrees(runs, word)) return undefined;
  const words: TesseractJsonWord[] = [];
  const blanks: number[] = [];
  let symbols: TesseractJsonSymbol[] = [];
  let blank = 0;
  let lastEnd: number | undefined;
  const flush = (): void => {
    if (!symbols.length) return;
    if (words.length) blanks.push(blank);
    const confidence = Math.min(...symbols.map((s) => s.confidence));
    const bbox = { x0: (symbols[0] as TesseractJsonSymbol).bbox.x0, y0: word.bbox.y0, x1: (symbols.at(-1) as TesseractJsonSymbol).bbox.x1, y1: word.bbox.y1 };
    words.push({ text: symbolsText(symbols), confidence, bbox, symbols });
    [symbols, blank] = [[], 0];
  };
  for (const run of runs) {
    if (lastEnd !== undefined) {
      flush();
      blank = Math.max(1, Math.round(((run[0] as Cell).x0 - lastEnd) / pitch));
    }
    for (const cell of run) {
      if (!cell.glyph) {
        flush();
        blank++;
        continue;
      }
      const read = readIn({ ...cell, glyph: cell.glyph }, word, known, budget);
      if (!read) return undefined;
      symbols.push({ text: read.text, confidence: Math.round(100 * (1 - read.distance)), bbox: { x0: Math.round(cell.x0), y0: word.bbox.y0, x1: Math.round(cell.x1), y1: word.bbox.y1 } });
    }
    lastEnd = (run.at(-1) as Cell).x1;
  }
  flush();
  const text = words.map((w) => w.text).join(' ');
  return words.length && text !== word.text ? { words, blanks } : undefined;
}

/**
 * Whether a word is read again: its confidence is below {@link DOUBT}, or two of its symbols are under half a cell
 * apart — one glyph read twice, the model sure of both (`retrylLater`, `l` and `L` at 97 each, where spacing.ts could
 * only keep the first).
 */
function doubtful(word: TesseractJsonWord, pitch: number): boolean {
  if (word.confidence < DOUBT) return true;
  const symbols = word.symbols ?? [];
  return symbols.some((s, i) => i > 0 && centre(s) - centre(symbols[i - 1] as TesseractJsonSymbol) < DOUBLE * pitch);
}

/** The line with its doubtful words read again (see the header); a line whose text is not its words is left. */
function rereadLine(line: TesseractJsonLine, image: GreyImage, pitch: number, known: Map<string, Glyph[]>, budget: Budget): TesseractJsonLine {
  const words = line.words ?? [];
  const parts = words.some((w) => doubtful(w, pitch)) ? lineParts(line) : undefined;
  if (!parts) return line;
  const out: TesseractJsonWord[] = [];
  let k = 0;
  let changed = false;
  const text = parts
    .map((part) => {
      if (/^\s+$/.test(part)) return part;
      const word = words[k++] as TesseractJsonWord;
      const again = doubtful(word, pitch) && spelledBySymbols(word) ? reread(image, line, word, pitch, known, budget) : undefined;
      if (!again) {
        out.push(word);
        return part;
      }
      changed = true;
      out.push(...again.words);
      return again.words.map((w, i) => (i ? ' '.repeat(again.blanks[i - 1] ?? 1) : '') + w.text).join('');
    })
    .join('');
  return changed ? { ...line, words: out, text } : line;
}

/** Tesseract's blocks with the doubtful words of a monospaced region read again cell by cell (see the header). */
export function rereadCells(blocks: readonly TesseractJsonBlock[], image: GreyImage): TesseractJsonBlock[] {
  const lines = blocks.flatMap((b) => (b.paragraphs ?? []).flatMap((p) => p.lines ?? []));
  const pitches = lines.map((l) => linePitch(l.words ?? []));
  const pitch = regionPitch(pitches);
  if (pitch === undefined || !lines.some((l) => (l.words ?? []).some((w) => doubtful(w, pitch)))) return blocks as TesseractJsonBlock[];
  const known = templates(lines, pitches, image, pitch);
  if (!known.size) return blocks as TesseractJsonBlock[];
  const budget: Budget = { compared: 0 };
  const out = mapLines(blocks, (line) => rereadLine(line, image, pitch, known, budget));
  // Past the budget every reading is in doubt: the pass is given up, not left half done.
  return budget.compared > MAX_COMPARED ? (blocks as TesseractJsonBlock[]) : out;
}
