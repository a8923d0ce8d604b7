/**
 * Images in HTML, found with parse5 (the WHATWG HTML parser that jsdom and Angular use), with source locations: an
 * `<img>` inside a comment, `<script>`, `<style>`, `<textarea>`, `<title>` or any other raw text is text, not an
 * element, so it is never reported. Used for .html files and for the HTML blocks and inline tags of Markdown.
 */
import { parse, parseFragment, type DefaultTreeAdapterTypes } from 'parse5';
import { parseSrcset } from 'srcset';
import type { LineIndex } from './lines';
import { altStateOf, clip, oneLine, type FoundImage, type Span } from './model';
import { introBefore, introKindOfTag, type IntroTree } from './sentences';
import { type DocLanguage } from '../base';

type Node = DefaultTreeAdapterTypes.Node;
type Element = DefaultTreeAdapterTypes.Element;
type ParentNode = DefaultTreeAdapterTypes.ParentNode;

interface AttrLocation {
  readonly startOffset: number;
  readonly endOffset: number;
}

const isElement = (n: Node): n is Element => 'tagName' in n;
const RAW_TEXT = new Set(['script', 'style', 'template', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes']);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

/** The text of a node (what a reader sees): text nodes, not scripts, styles or templates. */
export function htmlTextContent(node: Node): string {
  if (node.nodeName === '#text') return (node as DefaultTreeAdapterTypes.TextNode).value;
  if (isElement(node) && RAW_TEXT.has(node.tagName)) return '';
  if (!('childNodes' in node)) return '';
  return (node as ParentNode).childNodes.map(htmlTextContent).join(isElement(node) && /^(p|div|li|td|th|h[1-6]|figcaption|section)$/.test(node.tagName) ? ' ' : '');
}

function children(node: Node): readonly Node[] {
  const kids = 'childNodes' in node ? (node as ParentNode).childNodes : [];
  // A <template>'s markup is real HTML that gets rendered when the template is used: look inside it too.
  if (isElement(node) && node.tagName === 'template' && 'content' in node) return [...(node as DefaultTreeAdapterTypes.Template).content.childNodes, ...kids];
  return kids;
}

/** Where an attribute's value is written inside its location (`name="value"`, `name='v'`, `name=v`, bare `name`). */
export function attributeValueSpan(text: string, loc: AttrLocation): { span: Span; quote: '"' | "'" | '' } | undefined {
  const raw = text.slice(loc.startOffset, loc.endOffset);
  const eq = raw.indexOf('=');
  if (eq < 0) return undefined;
  let i = eq + 1;
  while (i < raw.length && /\s/.test(raw[i] ?? '')) i++;
  const q = raw[i];
  if (q === '"' || q === "'") return { span: { start: loc.startOffset + i + 1, end: loc.endOffset - 1 }, quote: q };
  return { span: { start: loc.startOffset + i, end: loc.endOffset }, quote: '' };
}

function attr(el: Element, name: string): string | undefined {
  return el.attrs.find((a) => a.name === name)?.value;
}

/** The URL an `<img>` shows: `src`, else `data-src` (lazy loading), else the largest `srcset` candidate. */
function imageSource(el: Element): { value: string; from: 'src' | 'data-src' | 'srcset' } | undefined {
  const src = attr(el, 'src')?.trim();
  if (src) return { value: src, from: 'src' };
  const dataSrc = attr(el, 'data-src')?.trim();
  if (dataSrc) return { value: dataSrc, from: 'data-src' };
  const srcset = attr(el, 'srcset') ?? attr(el, 'data-srcset');
  if (srcset?.trim()) {
    try {
      const candidates = parseSrcset(srcset);
      const best = [...candidates].sort((a, b) => (b.density ?? b.width ?? 1) - (a.density ?? a.width ?? 1))[0];
      if (best?.url) return { value: best.url, from: 'srcset' };
    } catch {
      // an unreadable srcset gives no source
    }
  }
  return undefined;
}

export interface HtmlScanOptions {
  readonly language: DocLanguage;
  /** Offset of `text` inside the whole document (HTML inside Markdown). */
  readonly baseOffset: number;
  /** Line index of the whole document. */
  readonly lines: LineIndex;
  /** Parse as a fragment (HTML inside Markdown) rather than a whole document. */
  readonly fragment: boolean;
  /** Heading and context from the surrounding Markdown (replace what the HTML itself says). */
  readonly heading?: string | undefined;
  readonly context?: string | undefined;
  /** The HTML is inside a Markdown link (or an inline `<a>`), so its images are too. */
  readonly link?: 'link' | 'button' | undefined;
}

/** Where an element sits: inside a link or button, inside a `<figure>`. */
interface Place {
  readonly link: 'link' | 'button' | undefined;
  readonly figure: Element | undefined;
}

/** The place of an element's children. */
function placeIn(el: Element, place: Place): Place {
  const link = el.tagName === 'a' ? 'link' : el.tagName === 'button' ? 'button' : place.link;
  return { link, figure: el.tagName === 'figure' ? el : place.figure };
}

/** The text of a figure's `<figcaption>` (a direct child, as HTML says); read once per figure (a gallery shares it). */
function captionOf(figure: Element | undefined, captions: Map<Element, string | undefined>): string | undefined {
  if (!figure) return undefined;
  if (captions.has(figure)) return captions.get(figure);
  const caption = children(figure).find((n) => isElement(n as Node) && (n as Element).tagName === 'figcaption');
  const text = caption ? clip(htmlTextContent(caption as Element)) || undefined : undefined;
  captions.set(figure, text);
  return text;
}

/** Find every `<img>` element in HTML text. */
export function findHtmlImages(text: string, options: HtmlScanOptions): FoundImage[] {
  // Scripting off: what is inside <noscript> is parsed as HTML, as browsers without JavaScript (and crawlers) show it.
  const parseOptions = { sourceCodeLocationInfo: true, scriptingEnabled: false };
  const root = options.fragment ? parseFragment(text, parseOptions) : parse(text, parseOptions);
  const found: FoundImage[] = [];
  const base = options.baseOffset;
  let heading = options.heading;
  // The text of each element asked for, read once (a gallery of thousands of images in one <p> has one context).
  const texts = new Map<Element, string>();
  // Iterative depth-first walk in document order (deep documents must not overflow the stack).
  const captions = new Map<Element, string | undefined>();
  const tree = htmlIntroTree(texts);
  const indexes = new Map<Node, Map<Node, number>>();
  type Entry = { node: Node; parent: Element | undefined; place: Place };
  const stack: Entry[] = [{ node: root as Node, parent: undefined, place: { link: options.link, figure: undefined } }];
  while (stack.length) {
    const { node, parent, place } = stack.pop() as Entry;
    let inner = place;
    if (isElement(node)) {
      if (HEADINGS.has(node.tagName) && options.heading === undefined) heading = oneLine(htmlTextContent(node)) || heading;
      if (node.tagName === 'img') {
        const image = imageFrom(text, node, options, heading, options.context ?? contextOf(parent, texts));
        const intro = introBefore<Node>(node, tree, indexes);
        if (image) found.push({ ...image, link: place.link, caption: captionOf(place.figure, captions), ...(intro ? { intro } : {}), ...(options.fragment ? {} : { blockEnd: blockEndOf(node) }) });
      }
      if (RAW_TEXT.has(node.tagName) && node.tagName !== 'template') continue;
      inner = placeIn(node, place);
    }
    const kids = children(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i] as Node, parent: isElement(node) ? node : parent, place: inner });
  }
  return found.map((f) => ({ ...f, ...(f.blockEnd === undefined ? {} : { blockEnd: f.blockEnd + base }), start: f.start + base, end: f.end + base, altSpan: shift(f.altSpan, base), srcSpan: f.srcSpan && shift(f.srcSpan, base), ...options.lines.position(f.start + base) }));
}

const shift = (s: Span, by: number): Span => ({ start: s.start + by, end: s.end + by });

/** parse5's tree as the introducing sentence reads it (each element's text read once, in `texts`). */
function htmlIntroTree(texts: Map<Element, string>): IntroTree<Node> {
  return {
    parent: (n) => ('parentNode' in n && n.parentNode ? (n.parentNode as Node) : undefined),
    children,
    kind: (n) => (isElement(n) ? introKindOfTag(n.tagName, n.tagName === 'img' || n.tagName === 'picture') : n.nodeName === '#text' ? 'text' : 'image'), // a comment says nothing: passed over
    text: (n) => {
      if (!isElement(n)) return n.nodeName === '#text' ? (n as DefaultTreeAdapterTypes.TextNode).value : '';
      let t = texts.get(n);
      if (t === undefined) texts.set(n, (t = oneLine(htmlTextContent(n))));
      return t;
    },
  };
}

function imageFrom(text: string, el: Element, options: HtmlScanOptions, heading: string | undefined, context: string | undefined): FoundImage | undefined {
  const loc = el.sourceCodeLocation;
  const tag = loc?.startTag;
  if (!loc || !tag) return undefined; // made up by the parser (implied), not written in the text
  const attrs = ((tag as { attrs?: Record<string, AttrLocation> }).attrs ?? {}) as Record<string, AttrLocation>;
  const source = imageSource(el);
  const altValue = attr(el, 'alt');
  const altLoc = attrs['alt'];
  const role = attr(el, 'role')?.trim().toLowerCase();
  const hidden = attr(el, 'aria-hidden')?.trim().toLowerCase() === 'true';
  const v = altLoc ? attributeValueSpan(text, altLoc) : undefined;
  // A bare `alt` (no value) is alt="" to a browser, but in hand-written docs it is an attribute left unfinished, and
  // markdownlint's MD045 reports it: it counts as missing. alt="" is the explicit, deliberate "decorative"; alt=" " (or
  // &nbsp;) is not: screen readers read the file name or nothing useful, and axe-core fails it (alt-space-value).
  const altState = altValue === undefined || (altLoc && !v) ? 'missing' : altStateOf(altValue);
  let altSpan: Span;
  let altWrite: FoundImage['altWrite'];
  let altQuote: FoundImage['altQuote'] = '"';
  if (altLoc) {
    if (v) {
      altSpan = v.span;
      altWrite = 'attr-value';
      altQuote = v.quote;
    } else {
      altSpan = { start: altLoc.startOffset, end: altLoc.endOffset };
      altWrite = 'attr-bare';
    }
  } else {
    // Insert right after the src attribute (where people put alt), else right after the tag name.
    const after = attrs['src']?.endOffset ?? tag.startOffset + 1 + el.tagName.length;
    altSpan = { start: after, end: after };
    altWrite = 'attr-insert';
  }
  const srcLoc = source && source.from !== 'srcset' ? attrs[source.from] : undefined;
  const srcValue = srcLoc ? attributeValueSpan(text, srcLoc) : undefined;
  return {
    language: options.language,
    syntax: 'html',
    src: source?.value ?? '',
    srcSpan: srcValue?.span,
    srcWrite: srcValue ? 'attr-value' : undefined,
    srcDynamic: false,
    alt: oneLine(altValue ?? ''),
    altState,
    altUnknown: false,
    decorative: altState === 'empty' || hidden || role === 'presentation' || role === 'none',
    start: tag.startOffset,
    end: tag.endOffset,
    line: 0,
    column: 0,
    altSpan,
    altWrite,
    altQuote,
    heading,
    context: context ? clip(context) : undefined,
    ...titleOf(el),
    describedBy: attr(el, 'aria-describedby'),
  };
}

/** Elements whose content is a flow of blocks: a block after an image may go inside them, right after its own block. */
const FLOW_CONTAINERS = new Set(['html', 'body', 'div', 'section', 'article', 'main', 'aside', 'header', 'footer', 'nav', 'li', 'dd', 'td', 'th', 'blockquote', 'details', 'dialog', 'form', 'fieldset', 'template']);

/** Where a block after an image may go (FoundImage.blockEnd): after its outermost enclosing non-container element. */
function blockEndOf(img: Element): number | undefined {
  let outer: Element = img;
  for (let p = img.parentNode; p && isElement(p as Node) && !FLOW_CONTAINERS.has((p as Element).tagName); p = (p as Element).parentNode) outer = p as Element;
  const loc = outer.sourceCodeLocation;
  // An element closed by the parser (no end tag written) has no end in the text a block could follow safely.
  if (!loc || (outer !== img && !loc.endTag)) return undefined;
  return loc.endOffset;
}

/** The `title` attribute of an image (a tooltip, often the figure's caption), when it has text. */
function titleOf(el: Element): { title?: string } {
  const title = clip(attr(el, 'title') ?? '');
  return title ? { title } : {};
}

/** The text of the nearest of three ancestors that has any (each element's text read once per document). */
function contextOf(parent: Element | undefined, texts: Map<Element, string>): string | undefined {
  for (let el: Element | undefined = parent, hops = 0; el && hops < 3; el = el.parentNode && isElement(el.parentNode as Node) ? (el.parentNode as Element) : undefined, hops++) {
    let t = texts.get(el);
    if (t === undefined) texts.set(el, (t = oneLine(htmlTextContent(el))));
    if (t) return t;
  }
  return undefined;
}
