/**
 * Images in Markdown and MDX, found with micromark — the CommonMark parser markdownlint itself uses — with the same
 * extensions markdownlint enables (GFM autolink literals, footnotes and tables, directives, math) plus front matter.
 * Inline and reference images come from micromark's tokens; HTML blocks and inline HTML are read with parse5
 * (html.ts); MDX's JSX tags with micromark's MDX extension (jsx.ts). What micromark calls code (fenced, indented,
 * inline), front matter, math or an HTML comment is never an image, and line and column come from the parser.
 */
import { mdxjs } from 'micromark-extension-mdxjs';
import { parseEntities } from 'parse-entities';
import { normalizeIdentifier } from 'micromark-util-normalize-identifier';
import type { Event, Extension, Token } from 'micromark-util-types';
import { findHtmlImages } from './html';
import { findJsxImages, imageFromJsxTag, JSX_IMAGE_TAGS, type JsxAttribute, type JsxTag, type JsxValue } from './jsx';
import type { LineIndex } from './lines';
import { decodeCharacterReference, markdownEvents } from '../markdown';
import { clip, oneLine, type FoundImage, type Span } from './model';
import { type DocLanguage } from '../base';

let mdxExtension: Extension | undefined;

/** micromark's events for a Markdown or MDX document. */
function documentEvents(text: string, mdx: boolean): Event[] {
  return markdownEvents(text, mdx ? { mdx: (mdxExtension ??= mdxjs()) } : {});
}

/** The text of the tokens from event `from` to event `to` as a reader sees it (escapes and references resolved). */
function plainText(events: readonly Event[], from: number, to: number, text: string, skipImages = false): string {
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

const slice = (text: string, token: Token): string => text.slice(token.start.offset, token.end.offset);
const span = (token: Token): Span => ({ start: token.start.offset, end: token.end.offset });

interface PendingReference {
  readonly image: Omit<FoundImage, 'src' | 'srcSpan' | 'srcWrite'>;
  readonly label: string;
}

/** Build a JSX tag from MDX's tokens for one `mdxJsx(Flow|Text)Tag`. */
function mdxTag(events: readonly Event[], from: number, to: number, text: string, prefix: string): JsxTag | undefined {
  let name = '';
  let nameEnd = 0;
  let closing = false;
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
  if (closing || !name) return undefined;
  return { name, start: first.start.offset, end: first.end.offset, nameEnd, attributes, hasSpread };
}


/** Find every image in a Markdown (or, with `mdx`, MDX) document. */
export function findMarkdownImages(text: string, mdx: boolean, lines: LineIndex): FoundImage[] {
  const language: DocLanguage = mdx ? 'mdx' : 'markdown';
  const events = documentEvents(text, mdx);
  const found: FoundImage[] = [];
  const references: PendingReference[] = [];
  const definitions = new Map<string, { src: string; span: Span; write: 'markdown' | 'markdown-angle' }>();
  let heading: string | undefined;
  let previousParagraph = '';
  // Images found inside the paragraph being read: their context is the paragraph's text, known at its end.
  let paragraph: { enter: number; images: number[] } | undefined;
  const openImages: { enter: number; token: Token }[] = [];
  let label: { start: number; end: number; text: string } | undefined;
  let dest: { src: string; span: Span; write: 'markdown' | 'markdown-angle' } | undefined;
  let referenceString: string | undefined;
  let definitionLabel: string | undefined;
  let destinationWrite: 'markdown' | 'markdown-angle' = 'markdown';

  for (let i = 0; i < events.length; i++) {
    const [kind, token] = events[i] as Event;
    const type = token.type as string;
    if (kind === 'enter') {
      switch (type) {
        case 'image':
          openImages.push({ enter: i, token });
          label = undefined;
          dest = undefined;
          referenceString = undefined;
          break;
        case 'labelText':
          if (openImages.length && !label) label = { start: token.start.offset, end: token.end.offset, text: '' };
          break;
        case 'resourceDestinationLiteral':
        case 'definitionDestinationLiteral':
          destinationWrite = 'markdown-angle';
          break;
        case 'resourceDestinationRaw':
        case 'definitionDestinationRaw':
          destinationWrite = 'markdown';
          break;
        case 'resourceDestinationString':
        case 'definitionDestinationString': {
          const exit = findExit(events, i);
          const value = { src: plainText(events, i, exit, text), span: span(token), write: destinationWrite };
          if (type === 'resourceDestinationString') {
            if (openImages.length && !dest) dest = value;
          } else if (definitionLabel !== undefined && !definitions.has(definitionLabel)) definitions.set(definitionLabel, value);
          break;
        }
        case 'referenceString':
          if (openImages.length) referenceString = slice(text, token);
          break;
        case 'definitionLabelString':
          definitionLabel = normalizeIdentifier(slice(text, token)).toLowerCase();
          break;
        case 'paragraph':
          paragraph = { enter: i, images: [] };
          break;
        case 'htmlFlow':
        case 'htmlText': {
          const html = slice(text, token);
          if (/<img/i.test(html)) {
            for (const image of findHtmlImages(html, { language, baseOffset: token.start.offset, lines, fragment: true, heading, context: paragraph ? undefined : previousParagraph || undefined })) {
              if (paragraph) paragraph.images.push(found.length);
              found.push(image);
            }
          }
          break;
        }
        case 'mdxjsEsm':
        case 'mdxFlowExpression':
        case 'mdxTextExpression': {
          // JavaScript in MDX (exported components, `{cond && <img …/>}`): its JSX renders too.
          const exit = findExit(events, i);
          const expression = type !== 'mdxjsEsm';
          const start = expression ? token.start.offset + 1 : token.start.offset;
          const end = expression ? token.end.offset - 1 : token.end.offset;
          const code = text.slice(start, end);
          if (/<(img|Image)\b/.test(code)) {
            for (const image of findJsxImages(code, lines, { language, baseOffset: start, expression })) {
              if (paragraph) paragraph.images.push(found.length);
              found.push({ ...image, heading, context: image.context ?? (paragraph ? undefined : previousParagraph || undefined) });
            }
          }
          i = exit;
          break;
        }
        case 'mdxJsxFlowTag':
        case 'mdxJsxTextTag': {
          const exit = findExit(events, i);
          const tag = mdxTag(events, i, exit, text, type);
          if (tag && JSX_IMAGE_TAGS.includes(tag.name)) {
            if (paragraph) paragraph.images.push(found.length);
            found.push(imageFromJsxTag(tag, { language, lines, heading, context: paragraph ? undefined : previousParagraph || undefined }));
          }
          i = exit;
          break;
        }
      }
      continue;
    }
    // exit
    switch (type) {
      case 'labelText':
        if (label && label.start === token.start.offset && label.end === token.end.offset) {
          label.text = plainText(events, findEnter(events, i), i, text);
        }
        break;
      case 'image': {
        const open = openImages.pop();
        if (!open || !label) break;
        const alt = oneLine(label.text);
        const labelRaw = text.slice(label.start, label.end);
        const base = {
          language,
          srcDynamic: false,
          alt,
          // An empty label is a missing alt (markdownlint's MD045), and so is one that reads as only whitespace (`![ ]`,
          // `![&nbsp;]`), which MD045 takes as text. Markdown has no decorative form.
          altState: alt ? ('present' as const) : ('missing' as const),
          altUnknown: false,
          decorative: false,
          start: token.start.offset,
          end: token.end.offset,
          line: token.start.line,
          column: lines.position(token.start.offset).column,
          altSpan: { start: label.start, end: label.end },
          altWrite: 'markdown-label' as const,
          altQuote: '' as const,
          heading,
          context: paragraph ? undefined : previousParagraph ? clip(previousParagraph) : undefined,
        };
        if (paragraph) paragraph.images.push(found.length);
        if (dest) {
          found.push({ ...base, syntax: 'markdown', src: dest.src, srcSpan: dest.span, srcWrite: dest.write });
        } else {
          // A reference image: ![alt][label], ![alt][] or ![label]. micromark only makes an image of a defined label.
          const ref = referenceString ?? labelRaw;
          // Shortcut (`![label]`) and collapsed (`![label][]`) references: the text is the label, so an edit keeps it.
          const shortcut = referenceString === undefined ? { altWrite: 'markdown-shortcut' as const, altSpan: { start: label.start - 1, end: token.end.offset }, refLabel: labelRaw } : {};
          references.push({ image: { ...base, syntax: 'markdown-ref' }, label: normalizeIdentifier(ref).toLowerCase() });
          found.push({ ...base, ...shortcut, syntax: 'markdown-ref', src: '', srcSpan: undefined, srcWrite: undefined });
        }
        label = undefined;
        dest = undefined;
        break;
      }
      case 'atxHeadingText':
      case 'setextHeadingText':
        heading = oneLine(plainText(events, findEnter(events, i), i, text)) || heading;
        break;
      case 'definition':
        definitionLabel = undefined;
        break;
      case 'paragraph':
        if (paragraph) {
          const own = oneLine(plainText(events, paragraph.enter, i, text, true));
          const context = own || previousParagraph;
          for (const index of paragraph.images) {
            const image = found[index];
            if (image && image.context === undefined && context) found[index] = { ...image, context: clip(context) };
          }
          if (own) previousParagraph = own;
          paragraph = undefined;
        }
        break;
    }
  }
  // Resolve reference images against the definitions (which may come after them).
  let r = 0;
  for (let i = 0; i < found.length && r < references.length; i++) {
    const image = found[i];
    if (image?.syntax !== 'markdown-ref') continue;
    const def = definitions.get((references[r] as PendingReference).label);
    r++;
    if (def) found[i] = { ...image, src: def.src, srcSpan: def.span, srcWrite: def.write };
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Index of the exit event matching the enter event at `i`. */
function findExit(events: readonly Event[], i: number): number {
  const token = (events[i] as Event)[1];
  for (let j = i + 1; j < events.length; j++) if ((events[j] as Event)[1] === token && (events[j] as Event)[0] === 'exit') return j;
  return i;
}

/** Index of the enter event matching the exit event at `i`. */
function findEnter(events: readonly Event[], i: number): number {
  const token = (events[i] as Event)[1];
  for (let j = i - 1; j >= 0; j--) if ((events[j] as Event)[1] === token && (events[j] as Event)[0] === 'enter') return j;
  return i;
}
