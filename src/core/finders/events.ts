/**
 * Reading micromark's events: the text a run of tokens reads as, the span of a token, the matching enter or exit of an
 * event, and the JSX tag MDX's tokens spell. Shared by the Markdown walk (markdown.ts) and Learn's images (learn.ts).
 */
import { parseEntities } from 'parse-entities';
import type { Event, Token } from 'micromark-util-types';
import type { JsxAttribute, JsxTag, JsxValue } from './jsx';
import { decodeCharacterReference } from '../markdown';
import type { FoundImage, Span } from './model';

/** The text of the tokens from event `from` to event `to` as a reader sees it (escapes and references resolved). */
export function plainText(events: readonly Event[], from: number, to: number, text: string, skipImages = false): string {
  let out = '';
  let skipDepth = 0;
  for (let i = from; i <= to; i++) {
    const [kind, token] = events[i] as Event;
    if (skipImages && token.type === 'image') {
      skipDepth += kind === 'enter' ? 1 : -1;
      continue;
    }
    if (kind !== 'enter' || skipDepth > 0) continue;
    switch (token.type as string) {
      case 'data':
      case 'characterEscapeValue':
      case 'codeTextData':
        out += slice(text, token);
        break;
      case 'characterReference':
        out += decodeCharacterReference(slice(text, token));
        break;
      case 'lineEnding':
      case 'codeTextLineEnding':
        out += ' ';
        break;
    }
  }
  return out;
}

export const slice = (text: string, token: Token): string => text.slice(token.start.offset, token.end.offset);
export const span = (token: Token): Span => ({ start: token.start.offset, end: token.end.offset });

/** A JSX tag of MDX, opening (with `selfClosing`) or closing (`closing`). */
export interface MdxTag extends JsxTag {
  readonly closing: boolean;
  readonly selfClosing: boolean;
}

/** Build a JSX tag from MDX's tokens for one `mdxJsx(Flow|Text)Tag`. */
export function mdxTag(events: readonly Event[], from: number, to: number, text: string, prefix: string): MdxTag {
  let name = '';
  let nameEnd = 0;
  let closing = false;
  let selfClosing = false;
  let hasSpread = false;
  const attributes: JsxAttribute[] = [];
  let current: { name: string; span: Span; value: JsxValue | undefined } | undefined;
  const t = (suffix: string) => `${prefix}${suffix}`;
  for (let i = from; i <= to; i++) {
    const [kind, token] = events[i] as Event;
    const type = token.type as string;
    if (kind === 'exit') {
      if (type === t('Attribute') && current) {
        attributes.push({ name: current.name, span: current.span, value: current.value ?? { kind: 'none', span: current.span } });
        current = undefined;
      }
      continue;
    }
    if (type === t('ClosingMarker')) closing = true;
    else if (type === t('SelfClosingMarker')) selfClosing = true;
    else if (type === t('NamePrimary') || type === t('NameMember') || type === t('NameLocal')) {
      name += (type === t('NameMember') ? '.' : type === t('NameLocal') ? ':' : '') + slice(text, token);
      nameEnd = token.end.offset;
    } else if (type === t('ExpressionAttribute')) hasSpread = true;
    else if (type === t('Attribute')) current = { name: '', span: span(token), value: undefined };
    else if (current && (type === t('AttributeNamePrimary') || type === t('AttributeNameLocal'))) current.name += (type === t('AttributeNameLocal') ? ':' : '') + slice(text, token);
    else if (current && type === t('AttributeValueLiteral')) {
      const raw = slice(text, token);
      const quote = raw[0] === "'" ? "'" : '"';
      const inner = { start: token.start.offset + 1, end: token.end.offset - 1 };
      current.value = { kind: 'literal', value: parseEntities(text.slice(inner.start, inner.end), { nonTerminated: false }), span: inner, quote };
    } else if (current && type === t('AttributeValueExpression')) {
      current.value = { kind: 'expression', code: text.slice(token.start.offset + 1, token.end.offset - 1), span: span(token) };
    }
  }
  const [, first] = events[from] as Event;
  return { name, start: first.start.offset, end: first.end.offset, nameEnd, attributes, hasSpread, closing, selfClosing };
}


/** Index of the exit event matching the enter event at `i`. */
export function findExit(events: readonly Event[], i: number): number {
  const token = (events[i] as Event)[1];
  for (let j = i + 1; j < events.length; j++) if ((events[j] as Event)[1] === token && (events[j] as Event)[0] === 'exit') return j;
  return i;
}

/** Index of the enter event matching the exit event at `i`. */
export function findEnter(events: readonly Event[], i: number): number {
  const token = (events[i] as Event)[1];
  for (let j = i - 1; j >= 0; j--) if ((events[j] as Event)[1] === token && (events[j] as Event)[0] === 'enter') return j;
  return i;
}

/**
 * Each image with the end of the top-level block it is in (a paragraph, or the whole list, table, quote, HTML block
 * or JSX tag line that holds it): where a block after it (a long description) may go. Images in document order.
 */
export function withBlockEnds(found: FoundImage[], events: readonly Event[]): FoundImage[] {
  const blocks: Span[] = [];
  let depth = 0;
  for (const [kind, token] of events) {
    if (kind === 'enter' && depth++ === 0) blocks.push({ start: token.start.offset, end: token.end.offset });
    else if (kind === 'exit') depth--;
  }
  let b = 0;
  return found.map((image) => {
    while (b < blocks.length && (blocks[b] as Span).end <= image.start) b++;
    const block = blocks[b];
    return block && block.start <= image.start ? { ...image, blockEnd: block.end } : image;
  });
}
