/**
 * Glyphs read by their shapes (in the OCR worker thread, on Tesseract's words before underscores.ts).
 *
 * Found first (generated editor and terminal, DejaVu Sans Mono): the English model reads a glyph by its neighbours as
 * much as by its ink. The same lowercase L is read `l` in `readFile` and `1` in `l1.get(` and `ls`; the same closing
 * brace `}` in `{ a }` and `1` in an indented `});`; an `i` is read `1` in `i < 3`. Within one region of one screen a
 * character is drawn with the same pixels (give or take its sub-pixel offset), so the image itself says which
 * readings disagree:
 * 1. each contested symbol's glyph is the ink of the connected shapes under its box, cut at its word's own grey
 *    level (syntax colours come out of preparing as different greys), kept as shares of ink with its anti-aliased
 *    edge (glyphShapes.ts);
 * 2. glyphs are compared centre of mass on centre of mass, and grouped by shape (average linkage, {@link SAME});
 * 3. each reading's home is, of the groups mostly read so, the one with most such glyphs (at least
 *    {@link MIN_AGREE}): one character, one shape. A group's reading is the one it is home to; a group home to none
 *    takes the nearest home's ({@link NEAR}), but keeps what most of its glyphs were read as unless another home is
 *    clearly nearer ({@link MARGIN});
 * 4. a glyph read X in a group whose reading is Y becomes Y only when X and Y are a pair the model confuses and fonts
 *    draw apart (`1`/`l`, `1`/`i`, `1`/`}`, `0`/`©`, …), and X's home is another group (this font draws X otherwise)
 *    or X is read nowhere else in the region and Y at least {@link LONE_VOTES} times in the group (`aa®b604`).
 *    Where a font draws two characters alike (`l` and `I` in a sans-serif, a zero like a capital O) the pair is not
 *    listed or the two share one home, and nothing changes.
 * Measured on the generated dense screens (dev, held-out and a third draw), every change it made was checked right;
 * alone it took the held-out editor from 94.6 to 97.0 % of the words and the terminal from 97.8 to 99.0 %.
 * Pure functions, no I/O.
 */
import { lineGlyphs, shapeDistance, type Glyph } from './glyphShapes';
import { mapLines, respelled, symbolsText, type TesseractJsonBlock, type TesseractJsonLine, type TesseractJsonWord } from './lines';
import { restoreBackticks } from './dropped';
import { linePitch } from './spacing';
import { QUOTES, quoteReadings } from './quotes';
import type { GreyImage } from './protocol';

/** Groups this alike or closer on average (share of their ink that differs, see shapeDistance) are one shape. */
const SAME = 0.1;
/** A group with no reading of its own takes the nearest home's within this average distance. */
const NEAR = 0.2;
/** How much nearer another home must be for a group to leave the reading most of its glyphs were given. */
const MARGIN = 0.08;
/**
 * More contested glyphs than this in one region (a long log of digits) and the pass is skipped: grouping compares
 * every pair and merges one pair at a time (cubic). 250 glyphs of one shape, the worst case, took 0.3–0.4 s on this
 * shared two-core machine; the dense screens hold 20 to 200 per region (30–200 ms).
 */
export const MAX_GLYPHS = 250;
/**
 * Nor the count alone: comparing two glyphs costs their common area (nine times over). Past this many pixels compared
 * in one region (big glyphs: text 100 px tall in the prepared image, letters merged with a background pattern) the
 * pass is given up: 240 glyphs 60 × 100 took 8 s. The generated editors compare at most 1.2 million (65 ms).
 */
const MAX_COMPARED = 20_000_000;
/** How many glyphs must agree (see the header). */
const MIN_AGREE = 2;
/** A reading given once in a region (`©` in `i = ©;`) goes to its group's when that group's has this many votes. */
const LONE_VOTES = 3;

/** The pairs of readings that may be changed into one another (each string: the characters of one pair). */
const PAIRS = ['1l', '1i', '1}', '1]', '1|', '1!', '0©', '0®', 'lL'];
/**
 * Pairs with a rare reading the model gives for a common letter (`7¢575f1`, `£4929d0`): their glyphs are looked at
 * only in a region where the rare reading occurs (every `c` and `f` of a page would crowd the grouping otherwise).
 */
const RARE_PAIRS = ['c¢', 'f£'];
/**
 * Pairs looked at only in monospaced lines (spacing.ts, linePitch) of a region where `$` occurs: a shell variable's `$`
 * read `S` (`$PORT` → `SPORT`). In proportional text (tab titles, `PROBLEMS`) an `S` beside a `$` home was read `$`.
 */
const CODE_PAIRS = ['S$'];
const PAIR_SET = new Set([...PAIRS, ...RARE_PAIRS, ...CODE_PAIRS].flatMap((p) => [p, `${p[1]}${p[0]}`]));
const CONTESTED = new Set([...PAIRS.flatMap((p) => [...p]), ...QUOTES]);

/** The readings whose glyphs are looked at in these lines: the usual ones, and a rare pair where its rare reading is. */
function contestedIn(lines: readonly TesseractJsonLine[]): ReadonlySet<string> {
  const rare = RARE_PAIRS.filter((p) => lines.some((l) => l.text.includes(p[1] as string)));
  return rare.length ? new Set([...CONTESTED, ...rare.flatMap((p) => [...p])]) : CONTESTED;
}
/** Readings whose shapes are compared: the same, a pair, or two quotes. */
const COMPARED = new Set([...PAIR_SET, ...QUOTES.flatMap((a) => QUOTES.map((b) => `${a}${b}`))]);

/**
 * Every pair's shape distance (see {@link shapeDistance}), n × n; 1 without looking between two readings that are
 * neither the same nor a pair (an `i` and a `0` can never be read as each other here). Undefined past
 * {@link MAX_COMPARED}.
 */
function distances(glyphs: readonly Glyph[]): Float64Array | undefined {
  const n = glyphs.length;
  const d = new Float64Array(n * n);
  let compared = 0;
  for (let i = 0; i < n; i++) {
    const a = glyphs[i] as Glyph;
    for (let j = i + 1; j < n; j++) {
      const b = glyphs[j] as Glyph;
      if (a.text !== b.text && !COMPARED.has(`${a.text}${b.text}`)) {
        d[i * n + j] = d[j * n + i] = 1;
        continue;
      }
      compared += Math.min(a.width, b.width) * Math.min(a.height, b.height);
      if (compared > MAX_COMPARED) return undefined;
      d[i * n + j] = d[j * n + i] = shapeDistance(a, b);
    }
  }
  return d;
}

/**
 * The glyphs grouped by shape: average-linkage clustering, merging the two closest groups while their glyphs differ
 * by {@link SAME} or less on average. Averages, not nearest pairs: the same character drawn at another sub-pixel
 * offset differs by a few pixels, and a chain of such near pairs would join two characters.
 */
function groups(n: number, distance: Float64Array): number[][] {
  const d = distance.slice();
  const members: (number[] | undefined)[] = Array.from({ length: n }, (_, i) => [i]);
  for (;;) {
    let best = SAME;
    let pair: [number, number] | undefined;
    for (let i = 0; i < n; i++) {
      if (!members[i]) continue;
      for (let j = i + 1; j < n; j++) {
        if (members[j] && (d[i * n + j] as number) <= best) [best, pair] = [d[i * n + j] as number, [i, j]];
      }
    }
    if (!pair) break;
    const [a, b] = pair;
    const sa = (members[a] as number[]).length;
    const sb = (members[b] as number[]).length;
    // Lance–Williams: the merged group's average distance to every other group.
    for (let k = 0; k < n; k++) {
      if (!members[k] || k === a || k === b) continue;
      const v = (sa * (d[a * n + k] as number) + sb * (d[b * n + k] as number)) / (sa + sb);
      d[a * n + k] = d[k * n + a] = v;
    }
    members[a] = [...(members[a] as number[]), ...(members[b] as number[])];
    members[b] = undefined;
  }
  return members.filter((m): m is number[] => m !== undefined);
}

interface Group {
  readonly members: readonly number[];
  /** How many of its glyphs were read as each text. */
  readonly counts: Map<string, number>;
}

/**
 * Each reading's home: of the groups most of whose glyphs were read so (at least {@link MIN_AGREE}), the one with the
 * most. In one region one character has one shape: where a reading has a home, a glyph read so in another group was
 * read by its neighbours. A group is home only to its majority: the same character at another sub-pixel offset may
 * form a second group, and the misreadings in it must not make it the home of what they misread.
 */
function homes(found: readonly Group[]): Map<string, Group> {
  const home = new Map<string, Group>();
  for (const g of found) {
    const [text, n] = majority(g.counts) ?? [];
    if (text !== undefined && n !== undefined && n >= MIN_AGREE && n > (home.get(text)?.counts.get(text) ?? 0)) home.set(text, g);
  }
  return home;
}

/** The reading more of the group's glyphs were read as than any other, with its count (undefined on a tie). */
function majority(counts: Map<string, number>): [string, number] | undefined {
  const [first, second] = [...counts].sort((a, b) => b[1] - a[1]);
  return first && (!second || second[1] < first[1]) ? first : undefined;
}

/** Average shape distance between two groups' glyphs. */
function between(a: Group, b: Group, n: number, d: Float64Array): number {
  let sum = 0;
  for (const i of a.members) for (const j of b.members) sum += d[i * n + j] as number;
  return sum / (a.members.length * b.members.length);
}

/**
 * A group's reading: the reading it is home to that most of its glyphs were read as. A group home to none (all its
 * readings live in other groups) takes the reading of the nearest home within {@link NEAR}; but a group read one way
 * by most of its glyphs keeps that reading unless another home is nearer than that reading's home by
 * {@link MARGIN}: the same character at another sub-pixel offset can sit almost as near a look-alike's home.
 */
function groupReading(group: Group, home: Map<string, Group>, n: number, d: Float64Array): string | undefined {
  const own = [...group.counts].filter(([text]) => home.get(text) === group).sort((a, b) => b[1] - a[1])[0];
  if (own) return own[0];
  let reading: string | undefined;
  let best = NEAR;
  for (const [text, h] of home) {
    const distance = between(group, h, n, d);
    if (distance < best) [reading, best] = [text, distance];
  }
  const [read] = majority(group.counts) ?? [];
  const readHome = read === undefined ? undefined : home.get(read);
  if (read === undefined || reading === undefined || read === reading || !readHome) return reading;
  return best + MARGIN < between(group, readHome, n, d) ? reading : read;
}

/** The region's glyphs, every pair's shape distance, their groups and each reading's home. */
interface Analysis {
  readonly glyphs: readonly Glyph[];
  readonly n: number;
  readonly d: Float64Array;
  readonly found: readonly Group[];
  readonly home: Map<string, Group>;
}

function analyse(glyphs: readonly Glyph[]): Analysis | undefined {
  const n = glyphs.length;
  const d = distances(glyphs);
  if (!d) return undefined;
  const found: Group[] = groups(n, d).map((members) => {
    const counts = new Map<string, number>();
    for (const i of members) counts.set((glyphs[i] as Glyph).text, (counts.get((glyphs[i] as Glyph).text) ?? 0) + 1);
    return { members, counts };
  });
  return { glyphs, n, d, found, home: homes(found) };
}

/** Each glyph's agreed reading where it differs from what it was read as (see the header). */
function agreedReadings({ glyphs, n, d, found, home }: Analysis): Map<Glyph, string> {
  const total = new Map<string, number>();
  for (const g of glyphs) total.set(g.text, (total.get(g.text) ?? 0) + 1);
  const out = new Map<Glyph, string>();
  for (const group of found) {
    const reading = groupReading(group, home, n, d);
    if (reading === undefined) continue;
    const votes = group.counts.get(reading) ?? 0;
    for (const i of group.members) {
      const g = glyphs[i] as Glyph;
      if (g.text === reading || !PAIR_SET.has(`${g.text}${reading}`)) continue;
      // Changed only between a pair the model confuses, and only away from a reading whose shape is drawn elsewhere,
      // or from a reading given once in the whole region, to one given at least LONE_VOTES times in this group.
      const elsewhere = home.has(g.text) && home.get(g.text) !== group;
      const lone = (total.get(g.text) ?? 0) === 1 && votes >= LONE_VOTES;
      if (elsewhere || lone) out.set(g, reading);
    }
  }
  return out;
}

/**
 * Tesseract's blocks with each contested symbol read by its shape (see the header). A word whose symbols changed
 * gets its text from them, and its line's text the word's new spelling.
 */
export function agreeGlyphs(blocks: readonly TesseractJsonBlock[], image: GreyImage): TesseractJsonBlock[] {
  const lines = blocks.flatMap((b) => (b.paragraphs ?? []).flatMap((p) => p.lines ?? []));
  const contested = contestedIn(lines);
  const code = lines.some((l) => l.text.includes('$')) ? new Set([...contested, ...CODE_PAIRS.flatMap((p) => [...p])]) : undefined;
  const glyphs = lines.flatMap((line) => lineGlyphs(image, line, code && linePitch(line.words ?? []) !== undefined ? code : contested));
  if (glyphs.length > MAX_GLYPHS) return blocks as TesseractJsonBlock[];
  const changes = new Map<TesseractJsonWord, Map<number, string>>();
  const analysis = analyse(glyphs);
  if (!analysis) return blocks as TesseractJsonBlock[];
  const quotes = quoteReadings(glyphs, analysis.d, analysis.home.get("'")?.members);
  for (const [g, reading] of [...agreedReadings(analysis), ...quotes]) {
    const forWord = changes.get(g.word) ?? new Map<number, string>();
    forWord.set(g.index, reading);
    changes.set(g.word, forWord);
  }
  const backticks = glyphs.filter((g) => g.text === '`' || changes.get(g.word)?.get(g.index) === '`');
  return restoreBackticks(relabelled(blocks, changes), image, backticks);
}

/** The blocks with the symbols in `changes` (word → symbol index → new text) read again. */
function relabelled(blocks: readonly TesseractJsonBlock[], changes: Map<TesseractJsonWord, Map<number, string>>): TesseractJsonBlock[] {
  if (!changes.size) return blocks as TesseractJsonBlock[];
  const changed = (word: TesseractJsonWord): TesseractJsonWord => {
    const forWord = changes.get(word);
    if (!forWord) return word;
    const symbols = (word.symbols ?? []).map((s, i) => (forWord.has(i) ? { ...s, text: forWord.get(i) as string } : s));
    return { ...word, symbols, text: symbolsText(symbols) };
  };
  return mapLines(blocks, (line) => {
    if (!(line.words ?? []).some((w) => changes.has(w))) return line;
    const words = (line.words ?? []).map(changed);
    return { ...line, words, text: respelled(line.text, line.words ?? [], words) };
  });
}
