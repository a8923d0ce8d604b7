/**
 * The model's streamed text neutralised (see neutraliseHtml) as it arrives, in work linear in its length.
 *
 * Reading the whole text again at every piece costs its length each time: quadratic (a 32 KB line took seconds of
 * CPU). Two things keep the work linear. Text with no `<` in it needs no parser: neutralising changes only a `<`. And
 * the parser's reading of a Markdown text can start over at certain line starts, where what came before changes
 * nothing in how what follows is read, given a little context: a line no block crosses; a new list item or quoted
 * line when only its list or quote crosses it; a line inside a fenced code, math or HTML block, read after the
 * block's first line; a table row, read after the table's head; a line that goes on a paragraph whose text so far
 * can pair with nothing to come (no open code span, bracket or tag). A Cursor finds the last such place at each
 * reading, and the next reading starts there, so each reading covers about the current block.
 *
 * A place counts only when two whole lines that are not blank follow it (a table is known by its second line; a list
 * goes on over blank lines), in every one of neutraliseHtml's readings, and not while the text may still turn out to
 * begin with front matter; then what comes later cannot change how the text before it reads. The tests compare every
 * step with neutraliseHtml of the whole text.
 */
import type { Event, Token } from 'micromark-util-types';
import { neutraliseAfter, neutraliseHtml, type ParseMeter } from './neutralise';

/** Where the next reading starts: offsets in the region (raw, and in the output), and each reading's context. */
interface Restart {
  readonly raw: number;
  readonly out: number;
  readonly contexts: readonly string[];
}

/** One reading's places to start over: by line (its index among the region's line starts), with their context. */
interface Reading {
  readonly events: readonly Event[];
  readonly text: string;
  readonly places: ReadonlyMap<number, { readonly at: number; readonly context: string }>;
}

/**
 * A reading of the text from a restart point on, with the place the next reading may start from. neutraliseHtml
 * reads the text more than once (escaping an HTML block turns it into a paragraph, which may take in the next line):
 * a place counts only if every reading may start over there, each with its own context.
 */
class Cursor {
  /** Offset in the whole text where the region (the part read each time) starts. */
  start = 0;
  /** Read before the region and never output, one per reading: empty at the text's start (where front matter may be). */
  private contexts: readonly string[] = [''];
  private found: Restart | undefined;

  constructor(readonly meter: ParseMeter) {}

  /** The region (the whole text from `start` on, so far) neutralised; remembers where the next reading may start. */
  render(region: string): string {
    this.found = undefined;
    const readings: Reading[] = [];
    const inspect = (pass: number, events: readonly Event[], text: string, regionStart: number) => {
      readings[pass] = { events, text, places: placesToRestart(events, text, regionStart) };
    };
    const result = neutraliseAfter(this.contexts, region, { meter: this.meter, inspect });
    const first = readings[0];
    if (!result.clean || !first || mayBecomeFrontMatter(this.start, region, first.events)) return result.text;
    const lines = [...first.places.keys()].sort((x, y) => y - x);
    for (const line of lines) {
      const places = readings.map((r) => r.places.get(line));
      if (places.some((p) => !p)) continue;
      // The sweep relies on the events' order: check the place chosen against every token, in every reading.
      if (!readings.every((r, i) => sameCrossing(crossingsOf(r.events, r.text, [places[i]?.at ?? 0])[0], crossingAt(r.events, r.text, places[i]?.at ?? 0)))) continue;
      this.found = { raw: nthLineStart(region, line), out: nthLineStart(result.text, line), contexts: places.map((p) => p?.context ?? '\n') };
      break;
    }
    return result.text;
  }

  /** Start the next reading at the place the last one found; returns how much of its output lies before it. */
  advance(): { raw: number; out: number } | undefined {
    const found = this.found;
    if (!found) return undefined;
    this.found = undefined;
    this.start += found.raw;
    this.contexts = found.contexts;
    return found;
  }
}

/**
 * Front matter: a text that starts with `---` or `+++` may turn out, when that fence is closed however far on, to
 * begin with front matter (not Markdown at all). Until then no reading may start over.
 */
function mayBecomeFrontMatter(start: number, region: string, events: readonly Event[]): boolean {
  return start === 0 && /^(---|\+\+\+)/.test(region) && !events.some(([kind, t]) => kind === 'enter' && FRONT_MATTER.has(t.type));
}

/** The offset of the start of the line after the n-th line end (0: after the first) in a text. */
function nthLineStart(text: string, n: number): number {
  let at = -1;
  for (let i = 0; i <= n; i++) at = text.indexOf('\n', at + 1);
  return at + 1;
}

/** The front matter extension's tokens (its types are not in micromark's token map). */
const FRONT_MATTER: ReadonlySet<string> = new Set(['yaml', 'toml']);
/** Tokens that only mark line ends or indentation: never context for what follows. */
const NOT_CONTEXT = new Set(['lineEnding', 'lineEndingBlank', 'linePrefix']);
/** Blocks whose reading is set by their first line (or, for a table, its first two): read that first, the rest follows. */
const SET_BY_FIRST_LINES: Readonly<Record<string, number>> = { codeFenced: 1, mathFlow: 1, htmlFlow: 1, table: 2 };
/**
 * In a paragraph's plain text, what may still pair with text to come and so change how that text is read: a backtick
 * or dollar run (code, math), a bracket (a link whose destination may be `<…>`), a `<` that may open a tag. A
 * paragraph with none of them before a line reads the same from that line on.
 */
const PENDING_IN_PARAGRAPH = /[`$[]|<[A-Za-z/!?]/;

/** What crosses a line start: the tokens, outermost first, and whether an open paragraph has pending text before it. */
interface Crossing {
  readonly tokens: readonly Token[];
  readonly pending: boolean;
}

/**
 * The line starts in `text` after `from` (before its last two whole lines that are not blank) where a reading may
 * start over, by their index among the line starts after `from`, with the context to read first.
 */
function placesToRestart(events: readonly Event[], text: string, from: number): Map<number, { at: number; context: string }> {
  const limit = secondLastWholeLine(text);
  const starts: number[] = [];
  for (let at = text.indexOf('\n', from); at >= 0 && at + 1 <= limit; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  const places = new Map<number, { at: number; context: string }>();
  if (starts.length === 0) return places;
  const crossings = crossingsOf(events, text, starts);
  const prefixes = new Set<string>();
  for (const [kind, t] of events) if (kind === 'enter' && (t.type === 'listItemPrefix' || t.type === 'blockQuotePrefix')) prefixes.add(`${t.type}@${t.start.offset}`);
  starts.forEach((at, i) => {
    const context = restartContext(crossings[i], (type) => prefixes.has(`${type}@${at}`), text, at);
    if (context !== undefined) places.set(i, { at, context });
  });
  return places;
}

/**
 * The start of the second last whole line that is not blank: a place to start over must come before it. Two lines,
 * because a table is known by its second line (until that is whole, the line before may still be its head or stay in
 * a paragraph); not blank, because a list item or an indented code block goes on over blank lines to the next line
 * indented enough.
 */
function secondLastWholeLine(text: string): number {
  let found = 0;
  for (let end = text.lastIndexOf('\n'); end >= 0; ) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    if (text.slice(start, end).trim() !== '' && ++found === 2) return start;
    end = start - 1;
  }
  return -1;
}

/** The context to read before `at` so that what follows reads as in the whole text, or undefined: no restart there. */
function restartContext(crossing: Crossing | undefined, startsHere: (prefix: string) => boolean, text: string, at: number): string | undefined {
  const tokens = crossing?.tokens ?? [];
  const types = tokens.map((t) => t.type).join(' ');
  if (types === '' || types === 'codeIndented') return '\n';
  // A new item of a list, a new line of a quote, when nothing inside it crosses: a list or quote that starts there.
  if ((types === 'listOrdered' || types === 'listUnordered') && startsHere('listItemPrefix')) return '\n';
  if (types === 'blockQuote' && startsHere('blockQuotePrefix')) return '\n';
  // A paragraph goes on: read it as the next line of a paragraph that says nothing.
  if (types === 'content paragraph' && !crossing?.pending) return '\nx\n';
  const block = tokens[0];
  const lines = tokens.length <= 2 && block ? SET_BY_FIRST_LINES[block.type] : undefined;
  if (!block || !lines || (tokens.length === 2 && types !== 'table tableBody')) return undefined;
  const first = text.lastIndexOf('\n', block.start.offset - 1) + 1;
  let end = first;
  for (let n = 0; n < lines && end >= 0; n++) end = text.indexOf('\n', end) + 1 || -1;
  return end > 0 && end <= at ? `\n${text.slice(first, end)}` : undefined;
}

/** For each line start (ascending), what crosses it, in one pass over the events. */
function crossingsOf(events: readonly Event[], text: string, starts: readonly number[]): Crossing[] {
  const out: Crossing[] = [];
  const open: Token[] = [];
  const pending: boolean[] = [];
  let next = 0;
  for (const [kind, t] of events) {
    const offset = kind === 'enter' ? t.start.offset : t.end.offset;
    for (; next < starts.length && (starts[next] ?? 0) <= offset; next++) {
      const at = starts[next] ?? 0;
      const tokens = open.filter((o) => o.start.offset < at && o.end.offset > at);
      out.push({ tokens, pending: pending[pending.length - 1] ?? false });
    }
    if (NOT_CONTEXT.has(t.type)) continue;
    if (kind === 'enter') {
      open.push(t);
      if (t.type === 'paragraph') pending.push(false);
      else if (t.type === 'data' && pending.length && PENDING_IN_PARAGRAPH.test(text.slice(t.start.offset, t.end.offset + 1))) pending[pending.length - 1] = true;
    } else {
      const i = open.lastIndexOf(t);
      if (i >= 0) open.splice(i, 1);
      if (t.type === 'paragraph') pending.pop();
    }
  }
  for (; next < starts.length; next++) out.push({ tokens: [], pending: false });
  return out;
}

/** What crosses one line start, from every token (no reliance on their order). */
function crossingAt(events: readonly Event[], text: string, at: number): Crossing {
  const tokens: Token[] = [];
  let paragraph: Token | undefined;
  for (const [kind, t] of events) {
    if (kind !== 'enter' || NOT_CONTEXT.has(t.type) || !(t.start.offset < at && t.end.offset > at)) continue;
    tokens.push(t);
    if (t.type === 'paragraph') paragraph = t;
  }
  tokens.sort((a, b) => a.start.offset - b.start.offset || b.end.offset - a.end.offset);
  const pending =
    paragraph !== undefined &&
    events.some(([kind, t]) => kind === 'enter' && t.type === 'data' && t.start.offset >= (paragraph?.start.offset ?? 0) && t.start.offset < at && PENDING_IN_PARAGRAPH.test(text.slice(t.start.offset, t.end.offset + 1)));
  return { tokens, pending };
}

function sameCrossing(a: Crossing | undefined, b: Crossing): boolean {
  return !!a && a.pending === b.pending && a.tokens.length === b.tokens.length && a.tokens.every((t, i) => t.type === b.tokens[i]?.type);
}

/**
 * Streamed text made safe as it goes, for output that cannot be rewritten (a pipe, a file): each complete line is
 * released once the parser has seen it, neutralised with everything before it as context; the rest at the end.
 * Within the line still being written, the text before its first `<` (less any backslashes that may escape that
 * `<`) goes out at once: every HTML construct starts with `<`, and neutralising only ever changes a `<`, so nothing
 * written later can change how that text comes out. A long paragraph streams word by word, not at its end.
 */
export class LineNeutraliser {
  /** The parser's work so far. */
  readonly meter: ParseMeter = { parsedChars: 0 };
  private readonly cursor = new Cursor(this.meter);
  private raw = '';
  /** How much of `raw` went out. */
  private released = 0;
  /** The last reading of the text since the cursor's start, as it went out or would have. */
  private emitted = '';
  private lineStart = 0;
  /** Where the current line was searched for `<` up to, and where its release stops (-1: no `<` in it yet). */
  private searched = 0;
  private stop = -1;

  push(delta: string): string {
    const before = this.raw.length;
    this.raw += delta;
    const newline = delta.lastIndexOf('\n');
    if (newline >= 0) {
      this.lineStart = before + newline + 1;
      this.searched = this.lineStart;
      this.stop = -1;
    }
    if (this.stop < 0) {
      const from = Math.max(this.lineStart, this.released);
      const lt = this.raw.indexOf('<', Math.max(from, this.searched));
      this.searched = this.raw.length;
      if (lt >= 0) {
        let upTo = lt;
        while (upTo > from && this.raw[upTo - 1] === '\\') upTo--;
        this.stop = upTo > from ? upTo : this.lineStart;
      }
    }
    const upTo = this.stop < 0 ? this.raw.length : this.stop;
    return upTo <= this.released ? '' : this.release(upTo);
  }

  end(): string {
    return this.release(this.raw.length);
  }

  private release(upTo: number): string {
    const fresh = this.raw.slice(this.released, upTo);
    this.released = upTo;
    if (!fresh.includes('<')) {
      // Nothing to neutralise: it goes out as it is (and how the text before it comes out cannot change).
      this.emitted += fresh;
      return fresh;
    }
    const rendered = this.cursor.render(this.raw.slice(this.cursor.start, upTo));
    // Text already written stays written: only what follows it goes out.
    const out = rendered.startsWith(this.emitted) ? rendered.slice(this.emitted.length) : neutraliseHtml(fresh);
    this.emitted = rendered;
    const moved = this.cursor.advance();
    if (moved) this.emitted = this.emitted.slice(moved.out);
    return out;
  }
}

/**
 * Streamed text neutralised as a whole at every step, for output that can be rewritten (the result document): the
 * same text neutraliseHtml gives for what arrived so far, in work linear in the text's length.
 */
export class LiveNeutraliser {
  readonly meter: ParseMeter = { parsedChars: 0 };
  private readonly cursor = new Cursor(this.meter);
  /** The output before the cursor's start: final. */
  private settled = '';

  /** The whole text so far (each call passes what the last one did, and perhaps more). */
  render(raw: string): string {
    const region = raw.slice(this.cursor.start);
    if (!region.includes('<')) return this.settled + region;
    const rendered = this.cursor.render(region);
    const moved = this.cursor.advance();
    if (!moved) return this.settled + rendered;
    this.settled += rendered.slice(0, moved.out);
    return this.settled + rendered.slice(moved.out);
  }
}
