/**
 * Microsoft Learn's `:::image` (docfx), from the tokens of core/markdown's learnImage extension: the three types —
 * `content` (the default; alt text required), `icon` (decorative: Learn renders it with role="presentation" and no
 * alt), `complex` (alt text plus a long description up to `:::image-end:::`) — the source, the lightbox link, and
 * where a new `alt-text` goes. Values are read as docfx reads them: raw, with no escapes and no character references.
 */
import type { Event, Token } from 'micromark-util-types';
import { slice } from './events';
import type { LineIndex } from './lines';
import type { FoundImage, LearnImage, Span } from './model';
import type { DocLanguage } from '../base';

interface Attribute {
  readonly name: string;
  /** The whole attribute, from its name to its closing quote. */
  readonly span: Span;
  /** Inside the quotes ('' and an empty span when written `name=""` or `name`). */
  readonly value: string;
  readonly valueSpan: Span;
}

/** A `:::image-end:::` marker, or an image. */
export type LearnToken = { readonly kind: 'end'; readonly start: number } | { readonly kind: 'image'; readonly image: FoundImage };

export interface LearnOptions {
  readonly language: DocLanguage;
  readonly lines: LineIndex;
  readonly heading: string | undefined;
  readonly inTableCell: boolean;
}

/** Read the `learnImage` token whose enter event is at `from` and exit at `to`. */
export function learnToken(events: readonly Event[], from: number, to: number, text: string, options: LearnOptions): LearnToken {
  const whole = (events[from] as Event)[1];
  let name = '';
  const attributes: Attribute[] = [];
  let current: { name: string; start: number; valueStart?: number; value?: Span } | undefined;
  for (let i = from + 1; i < to; i++) {
    const [kind, token] = events[i] as Event;
    switch (token.type as string) {
      case 'learnImageName':
        if (kind === 'enter') name = slice(text, token).toLowerCase();
        break;
      case 'learnImageAttribute':
        if (kind === 'enter') current = { name: '', start: token.start.offset };
        else if (current) {
          const valueSpan = current.value ?? { start: current.valueStart ?? token.end.offset, end: current.valueStart ?? token.end.offset };
          attributes.push({ name: current.name, span: { start: current.start, end: token.end.offset }, value: text.slice(valueSpan.start, valueSpan.end), valueSpan });
          current = undefined;
        }
        break;
      case 'learnImageAttributeName':
        if (kind === 'enter' && current) current.name = slice(text, token).toLowerCase();
        break;
      case 'learnImageAttributeValueMarker':
        if (kind === 'exit' && current && current.valueStart === undefined) current.valueStart = token.end.offset;
        break;
      case 'learnImageAttributeValue':
        if (kind === 'enter' && current) current.value = { start: token.start.offset, end: token.end.offset };
        break;
    }
  }
  if (name === 'image-end') return { kind: 'end', start: whole.start.offset };
  return { kind: 'image', image: imageOf(whole, attributes, options) };
}

/** The first of each attribute (docfx refuses an image with a repeated attribute: a build error it reports itself). */
function attribute(attributes: readonly Attribute[], name: string): Attribute | undefined {
  return attributes.find((a) => a.name === name);
}

function imageOf(whole: Token, attributes: readonly Attribute[], options: LearnOptions): FoundImage {
  // docfx compares the type exactly (absent or empty is content): `type="Icon"` is a content image, its alt required.
  const type = (attribute(attributes, 'type')?.value || 'content') as LearnImage['type'];
  const source = attribute(attributes, 'source');
  const lightbox = attribute(attributes, 'lightbox');
  const altText = attribute(attributes, 'alt-text');
  const alt = altText?.value.replace(/\s+/g, ' ').trim() ?? '';
  // Where a new alt-text goes when there is none: after the source (or the type, or the name), as authors write it.
  const after = source ?? attribute(attributes, 'type') ?? attributes[attributes.length - 1];
  const insertAt = after ? after.span.end : whole.end.offset - 3;
  const typeAttr = attribute(attributes, 'type');
  const learn: LearnImage = {
    type,
    lightbox: lightbox?.value ? { src: lightbox.value.trim(), span: lightbox.valueSpan } : undefined,
    longDescription: undefined,
    inTableCell: options.inTableCell,
    typeSpan: !typeAttr ? undefined : typeAttr.span.end > typeAttr.valueSpan.end ? typeAttr.valueSpan : null,
  };
  return {
    language: options.language,
    syntax: 'learn',
    src: source?.value.trim() ?? '',
    srcSpan: source?.value ? source.valueSpan : undefined,
    srcWrite: source?.value ? 'learn-value' : undefined,
    srcDynamic: false,
    alt,
    // alt-text="" is no alt: Learn's build requires alt text on every image but an icon, and an icon is decorative.
    altState: alt ? 'present' : 'missing',
    altUnknown: false,
    decorative: type === 'icon',
    start: whole.start.offset,
    end: whole.end.offset,
    line: whole.start.line,
    column: options.lines.position(whole.start.offset).column,
    altSpan: altText ? altText.valueSpan : { start: insertAt, end: insertAt },
    altWrite: altText ? 'learn-value' : 'learn-insert',
    altQuote: '"',
    heading: options.heading,
    context: undefined,
    learn,
  };
}

/**
 * Alt text as Learn can hold it: one line, and no `"` (a value ends at the next double quote and has no escapes; docfx
 * writes it into the page's `alt` escaped, so a character reference would show as typed): `"` becomes `'`. In a table
 * cell a `|` would end the cell (GFM splits a row at every unescaped `|`, and `\|` would be read as typed), so there
 * it becomes `/`.
 */
export function learnAltValue(alt: string, inTableCell: boolean): string {
  const value = alt.replace(/\s+/g, ' ').trim().replace(/"/g, "'");
  return inTableCell ? value.replace(/\|/g, '/') : value;
}
