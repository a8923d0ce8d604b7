/**
 * Images in JSX/TSX (Babel's parser, with TypeScript where the file is TSX) and the JSX tags of MDX (micromark's
 * MDX extension gives the tags; Babel reads their attribute expressions). `<img>` and the image components — built in:
 * Next.js and Astro `<Image>`, Astro `<Picture>`, Docusaurus `<ThemedImage>`; more from the repository's
 * configuration — are images; a tag inside a string, a template literal or a comment is not a tag, so it is never
 * reported.
 */
import { parse, parseExpression } from '@babel/parser';
import type { LineIndex } from './lines';
import { altStateOf, clip, oneLine, type FoundImage, type ImageComponent, type ImageComponents, type Span } from './model';
import { DocParseError, type DocLanguage } from '../base';
import { introBefore, introKindOfTag, type IntroTree } from './sentences';

/** `<img>` and the image components every site has (Next.js, Astro, Docusaurus). */
export const BUILT_IN_IMAGE_COMPONENTS: ImageComponents = new Map<string, ImageComponent>([
  ['img', { src: 'src', alt: 'alt' }],
  ['Image', { src: 'src', alt: 'alt' }],
  ['Picture', { src: 'src', alt: 'alt' }],
  ['ThemedImage', { src: null, alt: 'alt', sources: 'sources' }],
]);

const merged = new WeakMap<ImageComponents, ImageComponents>();

/** The built-in components with the configured ones (which win on a name). */
export function imageComponentsWith(configured: ImageComponents | undefined): ImageComponents {
  if (!configured?.size) return BUILT_IN_IMAGE_COMPONENTS;
  let all = merged.get(configured);
  if (!all) merged.set(configured, (all = new Map([...BUILT_IN_IMAGE_COMPONENTS, ...configured])));
  return all;
}

/** Could `code` hold one of these components' tags? (A quick look before parsing JavaScript in MDX.) */
export function mayHoldImageTag(code: string, components: ImageComponents): boolean {
  for (const name of components.keys()) if (code.includes(`<${name}`)) return true;
  return false;
}

/** An attribute value as written. */
export type JsxValue =
  | { readonly kind: 'literal'; readonly value: string; readonly span: Span; readonly quote: '"' | "'" }
  /** `{…}`: `code` is what is inside the braces, `span` includes them. */
  | { readonly kind: 'expression'; readonly code: string; readonly span: Span }
  | { readonly kind: 'none'; readonly span: Span };

export interface JsxAttribute {
  readonly name: string;
  readonly span: Span;
  readonly value: JsxValue;
}

/** A JSX opening tag, whoever parsed it. */
export interface JsxTag {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /** Where the tag name ends (an attribute can be inserted there). */
  readonly nameEnd: number;
  readonly attributes: readonly JsxAttribute[];
  /** A `{...props}` spread: alt may come from it. */
  readonly hasSpread: boolean;
}

type Expr = ReturnType<typeof parseExpression>;

function parsedExpression(code: string): Expr | undefined {
  try {
    return parseExpression(code, { plugins: ['jsx', 'typescript'] });
  } catch {
    return undefined;
  }
}

/**
 * The static value of an expression node: a string literal, a template without substitutions, or Docusaurus's
 * `useBaseUrl('/img/x.png')` (the site-absolute path, which links resolve with or without the base); `null` for
 * `undefined`/`null`; undefined when it is only known at run time.
 */
function valueOf(expr: Expr | undefined): string | null | undefined {
  if (!expr) return undefined;
  if (expr.type === 'StringLiteral') return expr.value;
  if (expr.type === 'TemplateLiteral' && expr.expressions.length === 0) return expr.quasis[0]?.value.cooked ?? undefined;
  if (expr.type === 'NullLiteral' || (expr.type === 'Identifier' && expr.name === 'undefined')) return null;
  if (expr.type === 'CallExpression' && expr.callee.type === 'Identifier' && expr.callee.name === 'useBaseUrl' && expr.arguments.length === 1) {
    const arg = expr.arguments[0];
    return arg?.type === 'StringLiteral' ? arg.value : undefined;
  }
  return undefined;
}

/** The static value of an expression's code (see valueOf). */
export function staticValue(code: string): string | null | undefined {
  return valueOf(parsedExpression(code));
}

/** The sources in `{light: '/a.png', dark: '/b.png'}`, when every one is static; else undefined. */
function staticSources(code: string): string[] | undefined {
  const expr = parsedExpression(code);
  if (expr?.type !== 'ObjectExpression' || expr.properties.length === 0) return undefined;
  const out: string[] = [];
  for (const p of expr.properties) {
    const v = p.type === 'ObjectProperty' && !p.computed ? valueOf(p.value as Expr) : undefined;
    if (typeof v !== 'string') return undefined;
    out.push(v);
  }
  return out;
}

interface JsxContext {
  readonly language: DocLanguage;
  readonly lines: LineIndex;
  readonly heading: string | undefined;
  readonly context: string | undefined;
}

/** Elements whose images are links or buttons (HTML's, and the link components of React frameworks). */
const LINK_TAGS: Readonly<Record<string, 'link' | 'button'>> = { a: 'link', Link: 'link', button: 'button', Button: 'button' };

/** The text of a JSX `<figure>`'s `<figcaption>` child, read once per figure. */
function jsxCaption(figure: BabelNode | undefined, captions: Map<BabelNode, string | undefined>): string | undefined {
  if (!figure) return undefined;
  if (captions.has(figure)) return captions.get(figure);
  const kids = (figure['children'] as BabelNode[] | undefined) ?? [];
  const caption = kids.find((k) => k.type === 'JSXElement' && nameOf((k['openingElement'] as BabelNode)['name']) === 'figcaption');
  const text = caption ? clip(jsxText(caption)) || undefined : undefined;
  captions.set(figure, text);
  return text;
}

/** The `title` attribute of an image, when it is text known statically. */
function jsxTitle(a: JsxAttribute | undefined): { title?: string } {
  const value = attributeText(a);
  const title = typeof value === 'string' ? clip(value) : '';
  return title ? { title } : {};
}

/** An attribute's text: the literal or the static expression; null when absent or bare; undefined when unknown. */
function attributeText(a: JsxAttribute | undefined): string | null | undefined {
  if (!a) return null;
  if (a.value.kind === 'literal') return a.value.value;
  if (a.value.kind === 'none') return null; // a bare `alt` (alt={true} in JSX) is no alt text
  return staticValue(a.value.code);
}

/** Where an image component's sources are: its `src` attribute, or the object of its `sources` attribute. */
function sourcesOf(tag: JsxTag, component: ImageComponent): { src: JsxAttribute | undefined; values: string[] | undefined; dynamic: boolean } {
  const get = (name: string) => tag.attributes.find((a) => a.name === name);
  if (component.sources !== undefined) {
    const attr = get(component.sources);
    const values = attr?.value.kind === 'expression' ? staticSources(attr.value.code) : undefined;
    return { src: undefined, values, dynamic: !values };
  }
  // No source attribute (`src: null`): what it shows is not a link, so it is not known here.
  if (component.src === null) return { src: undefined, values: undefined, dynamic: true };
  const src = get(component.src);
  const value = attributeText(src);
  return { src, values: typeof value === 'string' ? [value] : undefined, dynamic: !!src && typeof value !== 'string' };
}

/** An `aria-describedby` as written: its text, or `{…}` for an expression. */
function describedByOf(a: JsxAttribute | undefined): string | undefined {
  if (!a) return undefined;
  const value = attributeText(a);
  return typeof value === 'string' ? value : '{…}';
}

/** Turn the tag of `<img>` or of an image component into a found image. */
export function imageFromJsxTag(tag: JsxTag, ctx: JsxContext, component: ImageComponent = { src: 'src', alt: 'alt' }): FoundImage {
  const get = (name: string) => tag.attributes.find((a) => a.name === name);
  const text = attributeText;
  const sources = sourcesOf(tag, component);
  const src = sources.src;
  const alt = get(component.alt);
  const altValue = text(alt);
  const ariaHidden = get('aria-hidden');
  const hiddenValue = ariaHidden?.value.kind === 'expression' ? ariaHidden.value.code.trim() : text(ariaHidden);
  const hidden = String(hiddenValue ?? '').toLowerCase() === 'true';
  const role = String(text(get('role')) ?? '').trim().toLowerCase();
  // No alt attribute and a spread: alt may come from the spread, so it is not known to be missing.
  const altUnknown = altValue === undefined || (altValue === null && !alt && tag.hasSpread);
  const altState: FoundImage['altState'] = altUnknown ? 'present' : altValue === null ? 'missing' : altStateOf(altValue);
  let altSpan: Span;
  let altWrite: FoundImage['altWrite'];
  let altQuote: FoundImage['altQuote'] = '"';
  if (alt?.value.kind === 'literal') {
    altSpan = alt.value.span;
    altWrite = 'attr-value';
    altQuote = alt.value.quote;
  } else if (alt?.value.kind === 'expression') {
    altSpan = alt.value.span;
    altWrite = 'jsx-expression';
  } else if (alt) {
    altSpan = alt.span;
    altWrite = 'attr-bare';
  } else {
    const at = src?.span.end ?? tag.nameEnd;
    altSpan = { start: at, end: at };
    altWrite = 'attr-insert';
  }
  return {
    language: ctx.language,
    syntax: 'jsx',
    src: sources.values?.[0] ?? '',
    srcSpan: src?.value.kind === 'literal' ? src.value.span : undefined,
    srcWrite: src?.value.kind === 'literal' ? 'jsx-literal' : undefined,
    srcDynamic: sources.dynamic,
    ...(sources.values && sources.values.length > 1 ? { otherSrcs: sources.values.slice(1) } : {}),
    alt: typeof altValue === 'string' ? oneLine(altValue) : '',
    altState,
    altUnknown,
    decorative: altState === 'empty' || hidden || role === 'presentation' || role === 'none',
    start: tag.start,
    end: tag.end,
    ...ctx.lines.position(tag.start),
    altSpan,
    altWrite,
    altQuote,
    heading: ctx.heading,
    context: ctx.context ? clip(ctx.context) : undefined,
    ...jsxTitle(get('title')),
    describedBy: describedByOf(get('aria-describedby')),
  };
}

// ---- JSX/TSX files (Babel) ----------------------------------------------------------------------------------------

interface BabelNode {
  type: string;
  start?: number | null;
  end?: number | null;
  [key: string]: unknown;
}

const isNode = (v: unknown): v is BabelNode => typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
const SKIP_KEYS = new Set(['loc', 'start', 'end', 'extra', 'leadingComments', 'trailingComments', 'innerComments', 'comments', 'tokens', 'range', 'errors']);

function nameOf(n: unknown): string | undefined {
  if (!isNode(n)) return undefined;
  if (n.type === 'JSXIdentifier') return String(n['name']);
  if (n.type === 'JSXNamespacedName') return `${nameOf(n['namespace'])}:${nameOf(n['name'])}`;
  if (n.type === 'JSXMemberExpression') return `${nameOf(n['object'])}.${nameOf(n['property'])}`;
  return undefined;
}

/** Babel's JSX as the introducing sentence reads it: `parents` holds each JSX child's element, `textOf` reads once. */
function jsxIntroTree(parents: Map<BabelNode, BabelNode>, components: ImageComponents, textOf: (el: BabelNode) => string): IntroTree<BabelNode> {
  const stringOf = (k: BabelNode) => (k.type === 'JSXText' ? String(k['value']) : isNode(k['expression']) && k['expression'].type === 'StringLiteral' ? String(k['expression']['value']) : undefined);
  return {
    parent: (n) => parents.get(n),
    children: (n) => (Array.isArray(n['children']) ? (n['children'] as unknown[]).filter(isNode) : []),
    kind: (n) => {
      if (n.type !== 'JSXElement') return stringOf(n) !== undefined ? 'text' : 'image'; // an expression: passed over
      const name = nameOf((n['openingElement'] as BabelNode)['name']) ?? '';
      return /^[A-Z]/.test(name) && !components.has(name) ? 'block' : introKindOfTag(name, components.has(name));
    },
    text: (n) => (n.type === 'JSXElement' ? textOf(n) : (stringOf(n) ?? '')),
  };
}

/** Text a reader sees among an element's children (JSX text and string expressions). */
function jsxText(el: BabelNode): string {
  const kids = Array.isArray(el['children']) ? (el['children'] as unknown[]) : [];
  return kids
    .map((k) => {
      if (!isNode(k)) return '';
      if (k.type === 'JSXText') return String(k['value']);
      if (k.type === 'JSXExpressionContainer' && isNode(k['expression']) && k['expression'].type === 'StringLiteral') return String(k['expression']['value']);
      if (k.type === 'JSXElement') return jsxText(k);
      return '';
    })
    .join(' ');
}

/** Code handed to Babel, and where it starts in the document (Babel's offsets are the document's). */
interface Source {
  readonly code: string;
  readonly start: number;
}

const charAt = (s: Source, offset: number) => s.code[offset - s.start];
const sliceOf = (s: Source, from: number, to: number) => s.code.slice(from - s.start, to - s.start);

function tagOf(opening: BabelNode, source: Source): JsxTag | undefined {
  const name = nameOf(opening['name']);
  const nameNode = opening['name'] as BabelNode;
  if (!name || opening.start == null || opening.end == null || nameNode.end == null) return undefined;
  const attributes: JsxAttribute[] = [];
  let hasSpread = false;
  for (const a of (opening['attributes'] as BabelNode[]) ?? []) {
    if (a.type === 'JSXSpreadAttribute') {
      hasSpread = true;
      continue;
    }
    const attrName = nameOf(a['name']);
    if (!attrName || a.start == null || a.end == null) continue;
    const v = a['value'] as BabelNode | null;
    let value: JsxValue;
    if (!v) value = { kind: 'none', span: { start: a.start, end: a.end } };
    else if (v.type === 'StringLiteral' && v.start != null && v.end != null) {
      value = { kind: 'literal', value: String(v['value']), span: { start: v.start + 1, end: v.end - 1 }, quote: charAt(source, v.start) === "'" ? "'" : '"' };
    } else if (v.start != null && v.end != null) {
      value = { kind: 'expression', code: sliceOf(source, v.start + 1, v.end - 1), span: { start: v.start, end: v.end } };
    } else continue;
    attributes.push({ name: attrName, span: { start: a.start, end: a.end }, value });
  }
  return { name, start: opening.start, end: opening.end, nameEnd: nameNode.end, attributes, hasSpread };
}

export interface JsxScanOptions {
  /** The language reported for the images (MDX for code inside an MDX file). */
  readonly language: DocLanguage;
  /** Where `code` starts in the whole document (code inside MDX). */
  readonly baseOffset?: number | undefined;
  /** `code` is the inside of an MDX `{…}` expression, not a module. */
  readonly expression?: boolean | undefined;
  readonly typescript?: boolean | undefined;
  /** `<img>`, the built-in image components and the configured ones (see imageComponentsWith). */
  readonly components?: ImageComponents | undefined;
}

/** Find `<img>` elements and image components in a .jsx or .tsx file (or in JavaScript inside MDX). */
export function findJsxImages(code: string, lines: LineIndex, options: JsxScanOptions): FoundImage[] {
  const base = options.baseOffset ?? 0;
  const language = options.language;
  const components = options.components ?? BUILT_IN_IMAGE_COMPONENTS;
  // Babel starts counting at the code's place in the document (startIndex), so its offsets are the document's without
  // padding the code to that place (which made a long MDX file quadratic). An MDX expression `{…}` is parsed as an
  // array literal `[…]`, the bracket taking the place of its brace (so `{/* a comment */}` parses too).
  const source: Source = options.expression ? { code: `[${code}\n]`, start: Math.max(0, base - 1) } : { code, start: base };
  let ast;
  try {
    ast = parse(source.code, { sourceType: 'unambiguous', plugins: options.typescript ? ['jsx', 'typescript'] : ['jsx'], errorRecovery: true, startIndex: source.start });
  } catch (e) {
    const pos = (e as { pos?: unknown }).pos;
    const at = lines.position(typeof pos === 'number' ? Math.min(Math.max(0, pos), lines.text.length) : base);
    throw new DocParseError(`not valid ${language.toUpperCase()}: ${(e as Error).message.replace(/\s*\(\d+:\d+\)$/, '')}`, at.line, at.column);
  }
  const found: FoundImage[] = [];
  let heading: string | undefined;
  // Each element's text is read once (thousands of images in one element share it).
  const texts = new Map<BabelNode, string>();
  const textOf = (el: BabelNode) => {
    let t = texts.get(el);
    if (t === undefined) texts.set(el, (t = oneLine(jsxText(el))));
    return t;
  };
  // Iterative walk in source order, keeping the enclosing JSX element for context, and the link and figure around it.
  type Entry = { node: BabelNode; parentElement: BabelNode | undefined; link: 'link' | 'button' | undefined; figure: BabelNode | undefined };
  const stack: Entry[] = [{ node: ast.program as unknown as BabelNode, parentElement: undefined, link: undefined, figure: undefined }];
  const captions = new Map<BabelNode, string | undefined>();
  const parents = new Map<BabelNode, BabelNode>();
  const tree = jsxIntroTree(parents, components, textOf);
  const indexes = new Map<BabelNode, Map<BabelNode, number>>();
  while (stack.length) {
    const { node, parentElement, link, figure } = stack.pop() as Entry;
    const inner = { parentElement, link, figure };
    if (node.type === 'JSXElement') {
      const opening = node['openingElement'] as BabelNode;
      const name = nameOf(opening['name']) ?? '';
      if (/^h[1-6]$/.test(name)) heading = oneLine(jsxText(node)) || heading;
      const component = components.get(name);
      if (component) {
        const tag = tagOf(opening, source);
        const intro = tag ? introBefore(node, tree, indexes) : undefined;
        if (tag) found.push({ ...imageFromJsxTag(tag, { language, lines, heading, context: parentElement ? textOf(parentElement) || undefined : undefined }, component), link, caption: jsxCaption(figure, captions), ...(intro ? { intro } : {}) });
      }
      inner.parentElement = node;
      inner.link = LINK_TAGS[name] ?? link;
      if (name === 'figure') inner.figure = node;
    }
    const kids: BabelNode[] = [];
    for (const [key, value] of Object.entries(node)) {
      if (SKIP_KEYS.has(key)) continue;
      if (Array.isArray(value)) for (const v of value) if (isNode(v)) kids.push(v);
      if (isNode(value)) kids.push(value);
    }
    if (node.type === 'JSXElement' || node.type === 'JSXFragment') for (const k of (node['children'] as unknown[] | undefined) ?? []) if (isNode(k)) parents.set(k, node);
    kids.sort((a, b) => (b.start ?? 0) - (a.start ?? 0));
    for (const k of kids) stack.push({ node: k, ...inner });
  }
  return found;
}
