/**
 * Images in the Markdown pages of an MkDocs site, whose Python-Markdown extensions make some indented text content:
 * the body of an admonition (`!!! note "Title"`, Python-Markdown's admonition), a collapsible block (`??? tip`,
 * `???+ tip`, pymdownx.details) and a content tab (`=== "Tab"`, pymdownx.tabbed) is the lines after the opener that are
 * indented by 4 spaces (or a tab), blank lines between them included — CommonMark reads them as indented code (or as
 * the opener's paragraph). The openers are recognised as those extensions' block processors do, by their patterns:
 *   admonition: `(?:^|\n)!!! ?([\w\-]+(?: +[\w\-]+)*)(?: +"(.*?)")? *(?:\n|$)`
 *   details:    `(?:^|\n)(?:\?{3}\+?) ?(?:([\w\-]+(?: +[\w\-]+)*?)?(?: +"(.*?)")|([\w\-]+(?: +[\w\-]+)*?)) *(?:\n|$)`
 *   tabbed:     `(?:^|\n)={3}(\+|!|\+!|!\+)? +"(.*?)" *(?:\n|$)`
 * and never inside fenced code or HTML. Each body is read as Markdown itself (bodies nest), with every offset mapped
 * back to the page, so its images are found and fixed where they are written.
 */
import type { Event } from 'micromark-util-types';
import { markdownEvents } from '../markdown';
import { LineIndex } from './lines';
import { findMarkdownImages } from './markdown';
import type { FoundImage, Span } from './model';
import { insideAny } from './regions';

const OPENERS = [
  /^!!! ?[\w-]+(?: +[\w-]+)*(?: +"[^\n]*?")? *$/,
  /^\?{3}\+? ?(?:(?:[\w-]+(?: +[\w-]+)*?)?(?: +"[^\n]*?")|[\w-]+(?: +[\w-]+)*?) *$/,
  /^={3}(?:\+|!|\+!|!\+)? +"[^\n]*?" *$/,
];
/**
 * Bodies nested deeper than this, or past a budget of text read again (8 times the page, plus 1 MB), are left as
 * CommonMark reads them: a real page nests two or three, and each level is parsed once more.
 */
export const MAX_MKDOCS_NESTING = 64;
const REREAD_FACTOR = 8;
const REREAD_EXTRA = 1024 * 1024;

/** A body: its text (indentation removed) and where each of its lines starts in the page. */
interface Body {
  readonly span: Span;
  readonly text: string;
  /** Per body line: its offset in the body text and in the page. */
  readonly lines: readonly { readonly at: number; readonly from: number }[];
}

export function findMkdocsImages(text: string, lines: LineIndex): FoundImage[] {
  const state: WalkState = { left: REREAD_FACTOR * text.length + REREAD_EXTRA, pageSrc: new WeakSet() };
  return imagesIn(text, 0, state, []).map((i) => ({ ...i, ...lines.position(i.start) }));
}

/** A reference definition (`[label]: src`) of the page, which a body's reference images may use. */
interface Definition {
  readonly text: string;
  /** Where it is in the page. */
  readonly at: number;
}

interface WalkState {
  /** How much more text may be read again. */
  left: number;
  /** Images whose srcSpan is already the page's (their link is in one of the page's definitions). */
  readonly pageSrc: WeakSet<FoundImage>;
}

/** The definitions of a text, as micromark reads them. */
function definitionsOf(text: string, events: readonly Event[]): Definition[] {
  return events.filter(([kind, token]) => kind === 'enter' && token.type === 'definition').map(([, token]) => ({ text: text.slice(token.start.offset, token.end.offset), at: token.start.offset }));
}

/** Images of a text (a page, or a body), offsets its own; line and column are set by the caller. */
function imagesIn(text: string, depth: number, state: WalkState, outerDefinitions: readonly Definition[]): FoundImage[] {
  // A body is read with the page's definitions after it (Python-Markdown's references are the page's).
  const own = outerDefinitions.reduce((t, d) => `${t}\n\n${d.text}`, text);
  const events = markdownEvents(own, {});
  let bodies = depth < MAX_MKDOCS_NESTING ? bodiesOf(text, events) : [];
  const size = bodies.reduce((n, b) => n + b.text.length, 0);
  if (size > state.left) bodies = [];
  state.left -= size;
  const spans = bodies.map((b) => b.span);
  const outer = findMarkdownImages(own, false, new LineIndex(own), {}, events).filter((i) => i.start < text.length && !insideAny(spans, i.start));
  const definitions = depth === 0 ? definitionsOf(text, events) : outerDefinitions;
  const inner = bodies.flatMap((b) => imagesIn(b.text, depth + 1, state, definitions).map((i) => mapped(i, b, definitions, state)));
  return [...outer, ...inner].sort((a, b) => a.start - b.start);
}

/** The regions CommonMark's fenced code and HTML blocks cover: no opener there. */
function blockRegions(events: readonly Event[]): Span[] {
  const out: Span[] = [];
  for (const [kind, token] of events) {
    const type = token.type as string;
    if (kind === 'enter' && (type === 'codeFenced' || type === 'htmlFlow' || type === 'yaml' || type === 'toml')) out.push({ start: token.start.offset, end: token.end.offset });
  }
  return out.sort((a, b) => a.start - b.start);
}

const indentOf = (line: string): number => (line.startsWith('\t') ? 1 : line.startsWith('    ') ? 4 : -1);

/** Every opener's body, in order. */
function bodiesOf(text: string, events: readonly Event[]): Body[] {
  const excluded = blockRegions(events);
  const starts: number[] = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const lineAt = (n: number) => text.slice(starts[n], n + 1 < starts.length ? (starts[n + 1] as number) - 1 : text.length).replace(/\r$/, '');
  const bodies: Body[] = [];
  for (let n = 0; n < starts.length; n++) {
    const line = lineAt(n);
    if (!OPENERS.some((re) => re.test(line)) || insideAny(excluded, starts[n] as number)) continue;
    let last = n;
    for (let m = n + 1; m < starts.length; m++) {
      const l = lineAt(m);
      if (indentOf(l) >= 0) last = m;
      else if (l.trim() !== '') break;
    }
    if (last === n) continue;
    bodies.push(body(text, starts, n + 1, last, lineAt));
    n = last;
  }
  return bodies;
}

function body(text: string, starts: readonly number[], first: number, last: number, lineAt: (n: number) => string): Body {
  let out = '';
  const lines: { at: number; from: number }[] = [];
  for (let m = first; m <= last; m++) {
    const raw = lineAt(m);
    const cut = raw.trim() === '' ? raw.length : indentOf(raw);
    const from = (starts[m] as number) + cut;
    const end = m + 1 < starts.length ? (starts[m + 1] as number) : text.length;
    lines.push({ at: out.length, from });
    out += m === last ? text.slice(from, from + raw.length - cut) : text.slice(from, end);
  }
  return { span: { start: starts[first] as number, end: (starts[last] as number) + lineAt(last).length }, text: out, lines };
}

/** An offset in a body, in the page. */
function toPage(b: Body, offset: number): number {
  let lo = 0;
  let hi = b.lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((b.lines[mid] as { at: number }).at <= offset) lo = mid;
    else hi = mid - 1;
  }
  const line = b.lines[lo] as { at: number; from: number };
  return line.from + offset - line.at;
}

/**
 * A body's image, in the text around the body. Its link may be in a definition read after the body (its offsets count
 * from where the body's text ends, then 2 characters before each definition).
 */
function mapped(i: FoundImage, b: Body, definitions: readonly Definition[], state: WalkState): FoundImage {
  const span = (s: Span): Span => ({ start: toPage(b, s.start), end: toPage(b, s.end) });
  const onPage = state.pageSrc.has(i) || (i.srcSpan !== undefined && i.srcSpan.start >= b.text.length);
  let srcSpan = state.pageSrc.has(i) ? i.srcSpan : i.srcSpan && span(i.srcSpan);
  if (!state.pageSrc.has(i) && i.srcSpan && i.srcSpan.start >= b.text.length) {
    let at = b.text.length;
    for (const d of definitions) {
      at += 2;
      if (i.srcSpan.start < at + d.text.length) {
        srcSpan = { start: d.at + i.srcSpan.start - at, end: d.at + i.srcSpan.end - at };
        break;
      }
      at += d.text.length;
    }
  }
  const out = { ...i, start: toPage(b, i.start), end: toPage(b, i.end), altSpan: span(i.altSpan), srcSpan };
  if (onPage) state.pageSrc.add(out);
  return out;
}
