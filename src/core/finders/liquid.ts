/**
 * Liquid's tags in a Jekyll page, found as Ruby Liquid (the Liquid Jekyll runs) finds them: its tokenizer is the
 * pattern `{%.*?%}|{{.*?}}?` (Shopify/liquid lib/liquid.rb, `PartialTemplateParser`), so an output tag `{{ … }}` ends
 * at its first `}` (or `}}`), whatever quotes it holds, and a tag `{% … %}` at its first `%}`; a `{{` or `{%` with no
 * end is text. `{% raw %}…{% endraw %}` is text; the body of `{% comment %}…{% endcomment %}` is not output.
 * The value of an output tag is known only in the simple cases of image links (`site.baseurl`, `site.url`, a quoted
 * path with `relative_url` / `absolute_url` / `prepend: site.baseurl`): the path as the site's source has it, since
 * site-absolute links are resolved without the base. Anything else is unknown, never guessed.
 */
import type { Span } from './model';

export interface LiquidOutput extends Span {
  /** The value the link takes from it, or undefined when it can't be known without running the site. */
  readonly value: string | undefined;
}

export interface LiquidScan {
  readonly outputs: readonly LiquidOutput[];
  /** Bodies of `{% comment %}` blocks: nothing in them is on the page. */
  readonly comments: readonly Span[];
}

/** The name of a `{% … %}` tag (`raw`, `endraw`, `comment`…), whitespace control (`{%-`, `-%}`) dropped. */
const tagName = (body: string): string => /^-?\s*([A-Za-z_]\w*)/.exec(body)?.[1] ?? '';

export function scanLiquid(text: string): LiquidScan {
  const outputs: LiquidOutput[] = [];
  const comments: Span[] = [];
  let commentStart: number | undefined;
  let noOutputEnd = false;
  let noTagEnd = false;
  for (let at = text.indexOf('{'); at >= 0 && at < text.length; at = text.indexOf('{', at)) {
    const next = text[at + 1];
    if (next === '{' && !noOutputEnd) {
      const close = text.indexOf('}', at + 2);
      if (close < 0) noOutputEnd = true; // no `}` after this one: no later `{{` ends either
      else {
        const end = text[close + 1] === '}' ? close + 2 : close + 1;
        if (commentStart === undefined) outputs.push({ start: at, end, value: outputValue(text.slice(at + 2, close)) });
        at = end;
        continue;
      }
    } else if (next === '%' && !noTagEnd) {
      const close = text.indexOf('%}', at + 2);
      if (close < 0) noTagEnd = true;
      else {
        const name = tagName(text.slice(at + 2, close));
        at = close + 2;
        if (name === 'comment' && commentStart === undefined) commentStart = at;
        else if (name === 'endcomment' && commentStart !== undefined) {
          comments.push({ start: commentStart, end: at });
          commentStart = undefined;
        } else if (name === 'raw') at = endOfRaw(text, at);
        continue;
      }
    }
    at += 1;
  }
  if (commentStart !== undefined) comments.push({ start: commentStart, end: text.length });
  return { outputs, comments };
}

/** Where `{% endraw %}` ends (Liquid's Raw tag: `/\A(.*?){%-?\s*endraw\s*-?%}/m`), or the end of the text. */
function endOfRaw(text: string, from: number): number {
  const re = /\{%-?\s*endraw\s*-?%\}/g;
  re.lastIndex = from;
  const m = re.exec(text);
  return m ? m.index + m[0].length : text.length;
}

const SITE_ROOT = new Set(['site.baseurl', 'site.url']);
const SAME_PATH_FILTERS = /^(relative_url|absolute_url|prepend:\s*site\.(baseurl|url))$/;

/** The path an output tag gives an image link, in the simple cases; undefined otherwise. */
export function outputValue(body: string): string | undefined {
  const inner = body.replace(/^-/, '').replace(/-$/, '');
  const parts = inner.split('|').map((p) => p.trim());
  const first = parts[0] ?? '';
  let value: string | undefined;
  if (SITE_ROOT.has(first)) value = '';
  else {
    const quoted = /^(['"])([^'"]*)\1$/.exec(first);
    value = quoted?.[2];
  }
  const filters = parts.slice(1);
  if (value === undefined || !filters.every((f) => SAME_PATH_FILTERS.test(f))) return undefined;
  // relative_url and absolute_url make the path site-absolute (Jekyll's URLFilters: ensure_leading_slash).
  return value && !value.startsWith('/') && filters.some((f) => f.endsWith('_url')) ? `/${value}` : value;
}
