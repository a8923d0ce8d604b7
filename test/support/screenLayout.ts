/**
 * The layout of a generated screen as it really is (its panels, each panel's lines in reading order, its table rows,
 * its numbered items), and {@link layoutViolations}: given the lines a reader gave back, where it broke that layout —
 * two side-by-side panels on one line, a number apart from its item, a table row spread over lines. Used by the dense
 * screens (denseScreens.ts), their tests and the OCR bench section. Plain Node: no test framework here.
 */
import type { Placed } from './screens';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A panel of the screen (sidebar, table, editor, terminal…): its rectangle and its lines in reading order. */
export interface RegionTruth {
  readonly name: string;
  readonly rect: Rect;
  /** Texts drawn on one baseline inside the panel, left to right, joined by a space; top to bottom. */
  readonly lines: readonly string[];
}

/** A numbered list item, or a line of code with its line number in the gutter. */
export interface NumberedTruth {
  readonly region: string;
  readonly kind: 'list' | 'gutter';
  /** As drawn: "3." in a list, "12" in a gutter. */
  readonly number: string;
  /** The item's text as drawn after the number. */
  readonly item: string;
}

/** A table (an `ls -l` listing counts): each row's whole text, cells joined by a space, the header row first. */
export interface TableTruth {
  readonly region: string;
  readonly rows: readonly string[];
}

export interface ScreenLayout {
  readonly regions: readonly RegionTruth[];
  readonly tables: readonly TableTruth[];
  readonly numbered: readonly NumberedTruth[];
}

const inside = (r: Rect, x: number, y: number): boolean => x >= r.x && x < r.x + r.width && y >= r.y && y <= r.y + r.height;

/**
 * Each panel's lines, from where every text was drawn (a text belongs to the panel holding its start point; texts on
 * one baseline form a line). Throws when a text lies in no panel or in two: the screen's truth would be wrong.
 */
export function regionsFromPlaced(placed: readonly Placed[], panels: readonly { name: string; rect: Rect }[]): RegionTruth[] {
  const byPanel = new Map<string, Placed[]>(panels.map((p) => [p.name, []]));
  for (const p of placed) {
    const [text, x, y] = p;
    const holders = panels.filter((panel) => inside(panel.rect, x, y));
    if (holders.length !== 1) throw new Error(`"${text}" at (${x}, ${y}) lies in ${holders.length} panels (${holders.map((h) => h.name).join(', ') || 'none'})`);
    byPanel.get(holders[0]?.name ?? '')?.push(p);
  }
  return panels.map(({ name, rect }) => {
    const rows = new Map<number, Placed[]>();
    for (const p of byPanel.get(name) ?? []) {
      const key = Math.round(p[2]);
      rows.set(key, [...(rows.get(key) ?? []), p]);
    }
    const lines = [...rows.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, row]) => row.sort((a, b) => a[1] - b[1]).map(([t]) => t).join(' '))
      .filter((l) => l.trim() !== '');
    return { name, rect, lines };
  });
}

// ---- checking a reader's lines -------------------------------------------------------------------------------------

export interface LayoutViolation {
  readonly kind: 'panels-joined' | 'lines-joined' | 'number-apart' | 'row-split';
  /** What is wrong, quoting the lines concerned (trimmed). */
  readonly message: string;
}

export interface LayoutCheckOptions {
  /** Whether the reader keeps a line-number gutter with its lines (default) or drops it: then no line may start with it. */
  readonly gutter?: 'kept' | 'dropped';
}

/** A word as compared: lower case, without the punctuation around it ("3." → "3", "(req," → "req"). */
export const normaliseWord = (w: string): string => w.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
/** The words of a line as compared; a word of punctuation only ("});") is kept as it is. */
const wordsOf = (line: string): string[] => line.split(/\s+/).filter(Boolean).map((w) => normaliseWord(w) || w);
const hasLetterOrDigit = (w: string): boolean => /[\p{L}\p{N}]/u.test(w);
const clip = (s: string, n = 90): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Side by side: they share some height and not any width. */
export function sideBySide(a: Rect, b: Rect): boolean {
  const shareHeight = Math.min(a.y + a.height, b.y + b.height) > Math.max(a.y, b.y);
  const shareWidth = Math.min(a.x + a.width, b.x + b.width) > Math.max(a.x, b.x);
  return shareHeight && !shareWidth;
}

/**
 * Where a reader's lines break the screen's layout:
 * (a) a line holding words of two side-by-side panels (words of 3+ characters found in one panel only);
 * (b) a numbered item whose number is not on its line, right before its first word (with the gutter dropped: a code
 *     line that still starts with its number);
 * (c) a table row spread over lines: its words found only once on the screen lie on two lines, a word of it is cut
 *     between lines ("E" / "urope"), or none of it is found;
 * (d) a line holding two lines of one panel (two table rows, two code lines, a whole terminal on one line).
 * Words found only once on the screen tell which panel and line a word comes from; misread words are simply not used.
 */
export function layoutViolations(layout: ScreenLayout, lines: readonly string[], options: LayoutCheckOptions = {}): LayoutViolation[] {
  const screen = new Set(layout.regions.flatMap((r) => r.lines.flatMap(wordsOf)));
  const read = lines.map((line) => mendSplits(line.split(/\s+/).filter(Boolean), screen));
  return [...joinedPanels(layout, lines, read), ...joinedLines(layout, lines, read), ...numbersApart(layout, lines, read, options), ...splitRows(layout, lines, read)];
}

/**
 * A reader's words, with a word it split in two where the screen has it whole ("MAX ENTRIES" for MAX_ENTRIES, "node
 * modules" for node_modules, "$NODE _ENV") taken as the whole word: its halves are not words of the screen's other
 * lines, and must not be counted as such.
 */
function mendSplits(raw: readonly string[], screen: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const [a = '', b] = [raw[i], raw[i + 1]];
    const whole = b === undefined ? undefined : [`${a}_${b}`, `${a}${b}`, `${a}-${b}`].map((w) => normaliseWord(w) || w).find((w) => screen.has(w));
    if (whole !== undefined) {
      out.push(whole);
      i++;
    } else out.push(normaliseWord(a) || a);
  }
  return out;
}

/** How often each word occurs on the whole screen, and in which panels. */
function wordCounts(layout: ScreenLayout): { count: Map<string, number>; panels: Map<string, Set<string>> } {
  const count = new Map<string, number>();
  const panels = new Map<string, Set<string>>();
  for (const region of layout.regions) {
    for (const w of region.lines.flatMap(wordsOf)) {
      count.set(w, (count.get(w) ?? 0) + 1);
      panels.set(w, (panels.get(w) ?? new Set()).add(region.name));
    }
  }
  return { count, panels };
}

function joinedPanels(layout: ScreenLayout, lines: readonly string[], read: readonly string[][]): LayoutViolation[] {
  const { panels } = wordCounts(layout);
  const rect = new Map(layout.regions.map((r) => [r.name, r.rect]));
  const out: LayoutViolation[] = [];
  read.forEach((words, i) => {
    const seen = new Map<string, string>(); // panel → a word of it on this line
    for (const w of words) {
      const holders = panels.get(w);
      if (w.length >= 3 && hasLetterOrDigit(w) && holders?.size === 1) {
        const [panel] = holders;
        if (panel !== undefined && !seen.has(panel)) seen.set(panel, w);
      }
    }
    const names = [...seen.keys()];
    for (let a = 0; a < names.length; a++) {
      for (let b = a + 1; b < names.length; b++) {
        const [p, q] = [names[a] ?? '', names[b] ?? ''];
        const [rp, rq] = [rect.get(p), rect.get(q)];
        if (rp && rq && sideBySide(rp, rq)) {
          out.push({ kind: 'panels-joined', message: `line ${i + 1} joins ${p} ("${seen.get(p)}") and ${q} ("${seen.get(q)}"): ${clip(lines[i] ?? '')}` });
        }
      }
    }
  });
  return out;
}

/**
 * (d): lines of one panel on one line, told by words found only once on the screen (3+ characters, a letter or digit);
 * a line counts as there with two of its words (one could be a misread that happens to be a word of that line).
 */
function joinedLines(layout: ScreenLayout, lines: readonly string[], read: readonly string[][]): LayoutViolation[] {
  const { count } = wordCounts(layout);
  const home = new Map<string, [panel: string, line: number]>();
  for (const region of layout.regions) {
    region.lines.forEach((line, i) => {
      for (const w of wordsOf(line)) if (count.get(w) === 1 && w.length >= 3 && hasLetterOrDigit(w)) home.set(w, [region.name, i]);
    });
  }
  const out: LayoutViolation[] = [];
  read.forEach((words, i) => {
    const hits = new Map<string, number>(); // "panel\u0000line" → words of it on this line
    for (const w of new Set(words)) {
      const h = home.get(w);
      if (h) hits.set(`${h[0]}\u0000${h[1]}`, (hits.get(`${h[0]}\u0000${h[1]}`) ?? 0) + 1);
    }
    const byPanel = new Map<string, number>();
    for (const [key, n] of hits) {
      const panel = key.split('\u0000')[0] ?? '';
      if (n >= 2) byPanel.set(panel, (byPanel.get(panel) ?? 0) + 1);
    }
    for (const [panel, drawn] of byPanel) {
      if (drawn > 1) out.push({ kind: 'lines-joined', message: `line ${i + 1} joins ${drawn} lines of ${panel}: ${clip(lines[i] ?? '')}` });
    }
  });
  return out;
}

/**
 * Whether `words` has the item right after the number at some place: its first word within the next two words and at
 * least half its words in the words that follow; or — its first word misread, nowhere on the line — three quarters of
 * its other words.
 */
function numberWithItem(words: readonly string[], number: string, item: readonly string[]): boolean {
  const [first = '', ...rest] = item;
  const share = (want: readonly string[], after: readonly string[]): number => (want.length ? want.filter((w) => after.includes(w)).length / want.length : 1);
  for (let p = 0; p < words.length; p++) {
    if (words[p] !== number) continue;
    const after = words.slice(p + 1, p + 1 + item.length + 2);
    if (after.slice(0, 2).includes(first) && share(item, after) >= 0.5) return true;
    if (!words.includes(first) && share(rest, after) >= 0.75) return true;
  }
  return false;
}

function numbersApart(layout: ScreenLayout, lines: readonly string[], read: readonly string[][], options: LayoutCheckOptions): LayoutViolation[] {
  const out: LayoutViolation[] = [];
  for (const n of layout.numbered) {
    const number = normaliseWord(n.number);
    const item = wordsOf(n.item);
    const together = read.findIndex((words) => numberWithItem(words, number, item));
    const drop = n.kind === 'gutter' && options.gutter === 'dropped';
    if (drop && together >= 0) out.push({ kind: 'number-apart', message: `gutter number ${n.number} kept (the gutter is to be dropped): ${clip(lines[together] ?? '')}` });
    if (drop || together >= 0) continue;
    const best = bestLine(read, item, Math.ceil(item.length * 0.7)); // a hint only: where most of the item is
    const where = best < 0 ? 'its item is not found' : `its item is on line ${best + 1}: ${clip(lines[best] ?? '')}`;
    out.push({ kind: 'number-apart', message: `${n.kind === 'gutter' ? 'line number' : 'number'} ${n.number} is not with "${clip(n.item, 50)}"; ${where}` });
  }
  return out;
}

/** The line sharing most words with `words` (each counted once), or -1 when none shares `least` of them. */
function bestLine(read: readonly string[][], words: readonly string[], least = 1): number {
  let best = -1;
  let bestHits = least - 1;
  const wanted = new Set(words);
  read.forEach((line, i) => {
    const hits = new Set(line.filter((w) => wanted.has(w))).size;
    if (hits > bestHits) [best, bestHits] = [i, hits];
  });
  return best;
}

function splitRows(layout: ScreenLayout, lines: readonly string[], read: readonly string[][]): LayoutViolation[] {
  const { count } = wordCounts(layout);
  const out: LayoutViolation[] = [];
  for (const table of layout.tables) {
    for (const row of table.rows) {
      const words = wordsOf(row);
      const own = words.filter((w) => count.get(w) === 1 && w.length >= 3 && hasLetterOrDigit(w)); // "17" could be anything
      const holding = [...new Set(read.flatMap((line, i) => (own.some((w) => line.includes(w)) ? [i] : [])))];
      const home = bestLine(read, own.length ? own : words);
      if (home < 0) {
        out.push({ kind: 'row-split', message: `table row not found: ${clip(row)}` });
        continue;
      }
      if (holding.length > 1) {
        out.push({ kind: 'row-split', message: `table row "${clip(row, 60)}" is spread over lines ${holding.map((i) => i + 1).join(', ')}: ${holding.map((i) => clip(lines[i] ?? '', 60)).join(' / ')}` });
        continue;
      }
      const cut = cutWord(read, home, words);
      if (cut) out.push({ kind: 'row-split', message: `table row "${clip(row, 60)}": "${cut.word}" is cut between lines ("${cut.there}" / "${cut.here}"): ${clip(lines[home] ?? '')}` });
    }
  }
  return out;
}

/** A word of the row missing from its line, whose start or end (2+ characters, not a word of the row) is on that line and whose rest is on a line near it. */
function cutWord(read: readonly string[][], home: number, words: readonly string[]): { word: string; here: string; there: string } | undefined {
  const line = read[home] ?? [];
  for (const word of words) {
    if (word.length < 3 || line.includes(word)) continue;
    for (let k = 1; k < word.length; k++) {
      const [head, tail] = [word.slice(0, k), word.slice(k)];
      const near = (part: string): boolean => [home - 2, home - 1, home + 1, home + 2].some((i) => read[i]?.includes(part) === true);
      const onLine = (part: string): boolean => part.length >= 2 && !words.includes(part) && line.includes(part);
      if (onLine(tail) && near(head)) return { word, here: tail, there: head };
      if (onLine(head) && near(tail)) return { word, here: head, there: tail };
    }
  }
  return undefined;
}
