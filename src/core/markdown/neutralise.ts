/**
 * The model's text made safe to show as Markdown: whatever the parser reads as raw HTML is escaped, so nothing a
 * model writes is rendered as HTML or run by a preview — at once for a whole text, or line by line as a stream arrives.
 */
import { markdownEvents } from './parse';

/**
 * The model's text as Markdown that carries no raw HTML: micromark (the parser that finds images) says which parts
 * are HTML — blocks and inline tags, not code, not autolinks — and their `<` become `&lt;`, so a preview shows them
 * as text. Repeated until the parser finds no HTML (escaping can never create any, but the loop makes sure).
 */
export function neutraliseHtml(text: string): string {
  let out = text;
  for (let pass = 0; pass < 3; pass++) {
    const spans: [number, number][] = [];
    for (const [kind, token] of markdownEvents(out)) {
      if (kind === 'enter' && (token.type === 'htmlFlow' || token.type === 'htmlText')) spans.push([token.start.offset, token.end.offset]);
    }
    if (spans.length === 0) return out;
    let next = '';
    let at = 0;
    for (const [start, end] of spans) {
      if (start < at) continue; // nested (an htmlText inside a block already taken)
      next += out.slice(at, start) + out.slice(start, end).replace(/</g, '&lt;');
      at = end;
    }
    out = next + out.slice(at);
  }
  return out;
}

/**
 * Streamed text made safe as it goes, for output that cannot be rewritten (a pipe, a file): each complete line is
 * released once the parser has seen it, neutralised with everything before it as context; the rest at the end.
 * Within the line still being written, the text before its first `<` (less any backslashes that may escape that
 * `<`) goes out at once: every HTML construct starts with `<`, and neutralising only ever changes a `<`, so nothing
 * written later can change how that text comes out. A long paragraph streams word by word, not at its end.
 */
export class LineNeutraliser {
  private raw = '';
  private emitted = '';
  private emittedRawLength = 0;

  push(delta: string): string {
    this.raw += delta;
    const lineStart = this.raw.lastIndexOf('\n') + 1;
    const from = Math.max(lineStart, this.emittedRawLength);
    const lt = this.raw.indexOf('<', from);
    let upTo = lt < 0 ? this.raw.length : lt;
    while (upTo > from && this.raw[upTo - 1] === '\\') upTo--;
    if (upTo <= from) upTo = lineStart;
    return upTo <= this.emittedRawLength ? '' : this.release(upTo);
  }

  end(): string {
    return this.release(this.raw.length);
  }

  private release(upTo: number): string {
    const rendered = neutraliseHtml(this.raw.slice(0, upTo));
    // Text already written stays written: only what follows it goes out.
    const out = rendered.startsWith(this.emitted) ? rendered.slice(this.emitted.length) : neutraliseHtml(this.raw.slice(this.emittedRawLength, upTo));
    this.emitted = rendered;
    this.emittedRawLength = upTo;
    return out;
  }
}

