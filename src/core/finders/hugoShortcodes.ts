/**
 * Hugo shortcodes (`{{< name params >}}`, `{{% name params %}}`) read as Hugo's page lexer reads them
 * (gohugoio/hugo parser/pageparser/pagelexer_shortcode.go; gohugo.io/content-management/shortcodes/): the left
 * delimiter, then `/*` for an escaped shortcode that is shown as text (`{{</* figure *\/>}}`, not a shortcode), a name
 * (letters, digits, `-`, `/`, `.`; `/name` closes a paired one), then parameters separated by white space (new lines
 * included), each positional or named (`name=value`): a value is `"quoted"` (no new line; `\"` is a quote inside, and
 * then every backslash of the value is dropped), a raw string `` `…` `` (new lines allowed, no escapes), or unquoted (up
 * to white space or a quote). The right delimiter matches the left one (`>}}`, `%}}`, optionally after `/`). What Hugo refuses
 * (an unterminated string or shortcode) stops Hugo's build of the page: it is a ShortcodeSyntaxError here.
 */
import type { Span } from './model';

export interface ShortcodeParam {
  /** Undefined for a positional parameter. */
  readonly name: string | undefined;
  readonly value: string;
  /** The value as written: with its quotes or backticks. */
  readonly span: Span;
  /** Inside the quotes (the whole value when unquoted). */
  readonly inner: Span;
  readonly quote: '"' | '`' | '';
}

export interface Shortcode {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /** Where the name ends (a new parameter may be written after it). */
  readonly nameEnd: number;
  readonly params: readonly ShortcodeParam[];
}

/** A shortcode Hugo's lexer refuses (Hugo does not build the page). */
export class ShortcodeSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(reason);
  }
}

const NAME = /[\p{L}\p{N}_\-/.]/u;
const SPACE = /\s/;

/** Reads the shortcodes of a text; `skip(offset)` gives the end of a region they are not read in (code), if any. */
export class ShortcodeLexer {
  private at = 0;
  /** An escaped shortcode with no end: none after it can end either (so each is not searched for again). */
  private readonly unclosedComment = new Set<string>();

  constructor(
    private readonly text: string,
    private readonly skip: (offset: number) => number | undefined,
  ) {}

  /** Every shortcode, in order. Throws ShortcodeSyntaxError where Hugo's lexer stops. */
  all(): Shortcode[] {
    const out: Shortcode[] = [];
    for (;;) {
      const open = this.text.indexOf('{{', this.at);
      if (open < 0) return out;
      const skipTo = this.skip(open);
      if (skipTo !== undefined) {
        this.at = Math.max(skipTo, open + 2);
        continue;
      }
      const mark = this.text[open + 2];
      this.at = open + 2;
      if (mark !== '<' && mark !== '%') continue;
      const sc = this.shortcode(open, `${mark === '<' ? '>' : '%'}}}`);
      if (sc) out.push(sc);
    }
  }

  private spaces(p: number): number {
    while (p < this.text.length && SPACE.test(this.text[p] as string)) p++;
    return p;
  }

  /** One shortcode from its `{{<`; undefined for an escaped one or a closing tag (and `at` moves past it). */
  private shortcode(open: number, close: string): Shortcode | undefined {
    const text = this.text;
    let p = this.spaces(open + 3);
    if (text.startsWith('/*', p)) {
      const end = this.unclosedComment.has(close) ? -1 : text.indexOf(`*/${close}`, p + 2);
      if (end < 0) {
        this.unclosedComment.add(close);
        throw new ShortcodeSyntaxError('comment must be closed', open);
      }
      this.at = end + 2 + close.length;
      return undefined;
    }
    const nameStart = p;
    while (p < text.length && NAME.test(text[p] as string)) p++;
    const name = text.slice(nameStart, p);
    if (!name) throw new ShortcodeSyntaxError(`unrecognized character in shortcode action: ${JSON.stringify(text[p] ?? 'end of file')}`, p);
    const nameEnd = p;
    const params: ShortcodeParam[] = [];
    for (;;) {
      p = this.spaces(p);
      if (p >= text.length) throw new ShortcodeSyntaxError('unclosed shortcode action', open);
      const end = text.startsWith(close, p) ? p + close.length : text.startsWith(`/${close}`, p) ? p + 1 + close.length : -1;
      if (end >= 0) {
        this.at = end;
        return name.startsWith('/') ? undefined : { name, start: open, end, nameEnd, params };
      }
      const param = this.param(p);
      params.push(param);
      p = param.span.end;
    }
  }

  /** A parameter at `p`: a value, or `name=value`. */
  private param(p: number): ShortcodeParam {
    const text = this.text;
    if (text[p] === '"' || text[p] === '`') return { name: undefined, ...this.value(p) };
    let q = p;
    while (q < text.length && NAME.test(text[q] as string)) q++;
    const eq = this.spaces(q);
    if (q > p && text[eq] === '=') return { name: text.slice(p, q), ...this.value(this.spaces(eq + 1)) };
    return { name: undefined, ...this.value(p) };
  }

  /** A value at `p`: quoted, raw or unquoted. */
  private value(p: number): Omit<ShortcodeParam, 'name'> {
    const text = this.text;
    const q = text[p];
    if (q === '`') {
      const end = text.indexOf('`', p + 1);
      if (end < 0) throw new ShortcodeSyntaxError('unterminated raw string in shortcode parameter-argument', p);
      return { value: text.slice(p + 1, end), span: { start: p, end: end + 1 }, inner: { start: p + 1, end }, quote: '`' };
    }
    if (q === '"') {
      let escaped = false;
      for (let i = p + 1; i < text.length; i++) {
        const c = text[i];
        if (c === '\n' || c === '\r') break;
        if (c === '\\' && text[i + 1] === '"') {
          escaped = true;
          i++;
        } else if (c === '"') {
          const raw = text.slice(p + 1, i);
          return { value: escaped ? raw.replace(/\\/g, '') : raw, span: { start: p, end: i + 1 }, inner: { start: p + 1, end: i }, quote: '"' };
        }
      }
      throw new ShortcodeSyntaxError('unterminated quoted string in shortcode parameter-argument', p);
    }
    let end = p;
    while (end < text.length && !SPACE.test(text[end] as string) && !'"`'.includes(text[end] as string) && !/^\/?[>%]\}\}/.test(text.slice(end, end + 4))) end++;
    if (end === p) throw new ShortcodeSyntaxError(`unrecognized character in shortcode action: ${JSON.stringify(text[p])}`, p);
    return { value: text.slice(p, end), span: { start: p, end }, inner: { start: p, end }, quote: '' };
  }
}
