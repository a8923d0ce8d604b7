/**
 * The model's text made safe to show as Markdown: whatever the parser reads as raw HTML is escaped, so nothing a
 * model writes is rendered as HTML or run by a preview. stream.ts does the same as a stream arrives.
 */
import type { Event } from 'micromark-util-types';
import { markdownEvents } from './parse';

/**
 * The model's text as Markdown that carries no raw HTML: micromark (the parser that finds images) says which parts
 * are HTML — blocks and inline tags, not code, not autolinks — and their `<` become `&lt;`, so a preview shows them
 * as text. Repeated until the parser finds no HTML (escaping can never create any, but the loop makes sure).
 */
export function neutraliseHtml(text: string): string {
  return neutraliseAfter([''], text).text;
}

/** Counts the characters handed to the Markdown parser (for tests of how the work grows with the text). */
export interface ParseMeter {
  parsedChars: number;
}

export interface NeutraliseAfterOptions {
  readonly meter?: ParseMeter | undefined;
  /** Sees each reading (0, 1…): the parser's events for context + region, that text, and where the region starts in it. */
  readonly inspect?: ((pass: number, events: readonly Event[], text: string, regionStart: number) => void) | undefined;
}

/**
 * `region` neutralised as neutraliseHtml does it within a longer text, the k-th reading made after `contexts[k]`
 * (after the last one for later readings): text the parser reads first, never changed nor returned (see
 * stream.ts). At least as many readings are made as there are contexts; `clean`: the last one found no HTML.
 */
export function neutraliseAfter(contexts: readonly string[], region: string, options: NeutraliseAfterOptions = {}): { text: string; clean: boolean } {
  let out = region;
  for (let pass = 0; pass < 3; pass++) {
    const context = contexts[Math.min(pass, contexts.length - 1)] ?? '';
    const text = context + out;
    if (options.meter) options.meter.parsedChars += text.length;
    const events = markdownEvents(text);
    options.inspect?.(pass, events, text, context.length);
    // A span with no `<` left in it (the rest of an HTML block that begins in the context) needs nothing more.
    const spans = htmlSpans(events, context.length).filter(([start, end]) => out.slice(start, end).includes('<'));
    if (spans.length === 0 && pass + 1 >= contexts.length) return { text: out, clean: true };
    out = escapeSpans(out, spans);
  }
  return { text: out, clean: false };
}

type Span = readonly [number, number];

/** What the parser reads as HTML (outermost spans only), as offsets after `from`. */
function htmlSpans(events: readonly Event[], from: number): Span[] {
  const spans: Span[] = [];
  let at = 0;
  for (const [kind, token] of events) {
    if (kind !== 'enter' || (token.type !== 'htmlFlow' && token.type !== 'htmlText')) continue;
    const start = Math.max(token.start.offset, from) - from;
    const end = token.end.offset - from;
    if (end <= start || start < at) continue; // nested (an htmlText inside a block already taken), or before `from`
    spans.push([start, end]);
    at = end;
  }
  return spans;
}

function escapeSpans(text: string, spans: readonly Span[]): string {
  let next = '';
  let at = 0;
  for (const [start, end] of spans) {
    next += text.slice(at, start) + text.slice(start, end).replace(/</g, '&lt;');
    at = end;
  }
  return next + text.slice(at);
}
