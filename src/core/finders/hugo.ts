/**
 * Images in the Markdown pages of a Hugo site: Markdown images as micromark reads them, plus Hugo's embedded `figure`
 * shortcode (`{{< figure src="…" alt="…" >}}`, `{{% figure … %}}`), read with Hugo's shortcode grammar
 * (hugoShortcodes.ts). Hugo replaces shortcodes before Goldmark reads the page, so a shortcode is found in the raw text;
 * one inside code (fenced, indented, inline), front matter or an HTML comment is an example, not an image; an escaped
 * one (`{{</* figure *\/>}}`) is shown as text. In the figure template, `{{ with .Get "alt" }}` writes no alt attribute
 * for `alt=""`: an empty alt is a missing one (there is no decorative figure).
 */
import { markdownEvents } from '../markdown';
import { DocParseError } from '../base';
import type { LineIndex } from './lines';
import { findMarkdownImages } from './markdown';
import { clip, oneLine, type FoundImage } from './model';
import { codeRegions, insideAny, regionSkipper } from './regions';
import { ShortcodeLexer, ShortcodeSyntaxError, type Shortcode, type ShortcodeParam } from './hugoShortcodes';

export function findHugoImages(text: string, lines: LineIndex): FoundImage[] {
  const events = markdownEvents(text, {});
  let shortcodes: Shortcode[];
  try {
    shortcodes = new ShortcodeLexer(text, regionSkipper(codeRegions(events, text))).all();
  } catch (e) {
    if (!(e instanceof ShortcodeSyntaxError)) throw e;
    const at = lines.position(e.offset);
    throw new DocParseError(`not valid for Hugo: ${e.reason}`, at.line, at.column);
  }
  // Markdown written inside a shortcode's parameters (a caption) is the shortcode's, not the page's.
  const markdown = findMarkdownImages(text, false, lines, {}, events).filter((i) => !insideAny(shortcodes, i.start));
  const figures = shortcodes.filter((s) => s.name === 'figure').map((s) => figureImage(s, lines));
  return [...markdown, ...figures].sort((a, b) => a.start - b.start);
}

function figureImage(sc: Shortcode, lines: LineIndex): FoundImage {
  const named = (n: string): ShortcodeParam | undefined => sc.params.find((p) => p.name === n);
  const src = named('src');
  const alt = named('alt');
  const caption = named('caption');
  const altText = oneLine(alt?.value ?? '');
  const written = alt && alt.quote !== '"' ? { altSpan: alt.span, altQuote: '' as const } : { altSpan: alt?.inner ?? { start: 0, end: 0 }, altQuote: '"' as const };
  // No alt parameter: ` alt="…"` goes after the src (or the name).
  const insertAt = (src ?? sc.params[sc.params.length - 1])?.span.end ?? sc.nameEnd;
  return {
    language: 'markdown',
    syntax: 'hugo-shortcode',
    src: src?.value.trim() ?? '',
    srcSpan: src?.inner,
    srcWrite: src ? 'attr-value' : undefined,
    srcDynamic: false,
    alt: altText,
    altState: altText ? 'present' : 'missing',
    altUnknown: false,
    decorative: false,
    start: sc.start,
    end: sc.end,
    ...lines.position(sc.start),
    ...(alt ? { ...written, altWrite: 'attr-value' as const } : { altSpan: { start: insertAt, end: insertAt }, altWrite: 'attr-insert' as const, altQuote: '' as const }),
    heading: undefined,
    context: undefined,
    // The figure's caption and its title (shown above the caption): Markdown, read as the reader sees it.
    ...textParam('caption', caption),
    ...textParam('title', named('title')),
  };
}

/** A figure parameter's text on one line and clipped (its Markdown marks kept: they are rarely more than emphasis). */
function textParam<K extends 'caption' | 'title'>(key: K, param: ShortcodeParam | undefined): Partial<Record<K, string>> {
  const value = param ? clip(param.value) : '';
  return (value ? { [key]: value } : {}) as Partial<Record<K, string>>;
}
