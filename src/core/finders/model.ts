/**
 * What the finders report for each image in a document. Every offset and position comes from a real parser
 * (micromark for Markdown and MDX, parse5 for HTML, Babel for JSX/TSX): what the parser calls code, a comment, a
 * string or raw text is never an image.
 */
import { DocParseError, type DocLanguage } from '../base';

export type ImageSyntax = 'markdown' | 'markdown-ref' | 'html' | 'jsx' | 'learn' | 'hugo-shortcode';

/**
 * The page syntax of a docs site's generator beyond CommonMark, for its Markdown pages: Hugo's shortcodes, Jekyll's
 * Liquid, MkDocs's indented admonition and tab bodies. Undefined: plain Markdown.
 */
export type SiteSyntax = 'hugo' | 'jekyll' | 'mkdocs';

/** A span of the document text, by offsets. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * How new alt text is written:
 * - `markdown-label`: replace the inside of `![…]`;
 * - `markdown-shortcut`: a shortcut or collapsed reference image (`![label]`, `![label][]`), whose text is also its
 *   label: replace `[label]…` by `[new alt][label]`, so the reference still holds;
 * - `attr-value`: replace an attribute value (`quote` tells how it is quoted: `"`, `'`, or '' for unquoted);
 * - `attr-bare`: a bare `alt` attribute: replace it by `alt="…"`;
 * - `attr-insert`: no alt attribute: insert ` alt="…"` at `altSpan.start`;
 * - `jsx-expression`: `alt={…}`: replace the braces and what is inside by a string;
 * - `learn-value`: replace the inside of Learn's `alt-text="…"` (no escapes: see finders/learn.ts);
 * - `learn-insert`: a Learn `:::image` without `alt-text`: insert ` alt-text="…"` at `altSpan.start`.
 */
export type AltWrite = 'markdown-label' | 'markdown-shortcut' | 'attr-value' | 'attr-bare' | 'attr-insert' | 'jsx-expression' | 'learn-value' | 'learn-insert';

/** How a link is written, for rewriting it (`--fix-path-case`). */
export type SrcWrite = 'markdown' | 'markdown-angle' | 'attr-value' | 'jsx-literal' | 'learn-value';

/** What Learn's `:::image` says beyond alt and source. */
export interface LearnImage {
  /** `content` (the default), `icon` (decorative) or `complex` (with a long description); another value as written. */
  readonly type: 'content' | 'icon' | 'complex';
  /** The larger image a click opens, where it is written. */
  readonly lightbox: { readonly src: string; readonly span: Span } | undefined;
  /** A complex image's long description: the text up to `:::image-end:::` (undefined when there is no end marker). */
  readonly longDescription: Span | undefined;
  /** In a GFM table cell, where a `|` in a value would split the cell (Learn's values have no escapes). */
  readonly inTableCell: boolean;
  /** Where the `type` value is written (inside its quotes); null: written without a value; undefined: no `type`. */
  readonly typeSpan?: Span | null | undefined;
}

export interface FoundImage {
  readonly language: DocLanguage;
  readonly syntax: ImageSyntax;
  /** The image source as its parser reads it (escapes and character references resolved); '' when unknown. */
  readonly src: string;
  /** Where `src` is written (for reference images: in the definition), when it can be rewritten. */
  readonly srcSpan: Span | undefined;
  readonly srcWrite: SrcWrite | undefined;
  /** True when the source is an expression whose value is not known statically (JSX `src={x}`). */
  readonly srcDynamic: boolean;
  /** More sources of the same image, checked as links but not described (ThemedImage's dark variant). */
  readonly otherSrcs?: readonly string[] | undefined;
  /** The alt text as its parser reads it; '' when empty or missing. */
  readonly alt: string;
  /**
   * `missing`: no alt text — none at all (Markdown `![]`, no attribute, a bare `alt`) or only whitespace (`![ ]`,
   * `alt=" "`, `alt="&nbsp;"`: axe-core's alt-space-value fails it); `empty`: exactly `alt=""` (HTML, JSX), the
   * deliberate "decorative"; `present`: text.
   */
  readonly altState: 'missing' | 'empty' | 'present';
  /** Alt comes from an expression or a spread whose value is not known statically (JSX). */
  readonly altUnknown: boolean;
  /** Explicitly decorative: HTML/JSX `alt=""`, `aria-hidden="true"`, `role="presentation"` or `role="none"`. */
  readonly decorative: boolean;
  /** The whole image (from `!` or `<` to its end). */
  readonly start: number;
  readonly end: number;
  /** 1-based line and column of `start`. */
  readonly line: number;
  readonly column: number;
  /** The span that alt text edits replace (or the insertion point). */
  readonly altSpan: Span;
  readonly altWrite: AltWrite;
  /** For `attr-value`: the quote around the value ('' when unquoted). */
  readonly altQuote: '"' | "'" | '';
  /** For `markdown-shortcut`: the reference label as written. */
  readonly refLabel?: string | undefined;
  /** The nearest heading before the image, and the text around it (for the alt-text prompt). */
  readonly heading: string | undefined;
  readonly context: string | undefined;
  /** The caption shown with the image (HTML/JSX `<figcaption>` of its `<figure>`, Hugo figure's `caption`), when there is one. */
  readonly caption?: string | undefined;
  /** The image's title (Markdown `![a](b "title")` or its definition's, HTML/JSX `title`, Hugo figure's `title`). */
  readonly title?: string | undefined;
  /**
   * The sentence that introduces the image: the last sentence of the text before it in its paragraph (or block), else
   * of the paragraph right before it (not across a heading, code or a table). See sentences.ts.
   */
  readonly intro?: string | undefined;
  /** The image is (inside) a link or a button: its alt text names where it leads or what it does. */
  readonly link?: 'link' | 'button' | undefined;
  /** Learn's `:::image` only. */
  readonly learn?: LearnImage | undefined;
  /** HTML/JSX: the `aria-describedby` the image already has (a long description is never written over it). */
  readonly describedBy?: string | undefined;
  /**
   * HTML documents: where a block after the image may go — the end of the outermost element around it that is not a
   * flow container (its link, paragraph, picture or figure), else the end of the image.
   */
  readonly blockEnd?: number | undefined;
}

/**
 * A JSX component that shows an image, and which attributes hold its source and its alt text. `src: null`: its source
 * is not a link (react.dev's `<Diagram name>`), so it is not checked. `sources`: an attribute holding an object of
 * sources (Docusaurus's `<ThemedImage sources={{light, dark}}>`), each checked when every one is a literal.
 */
export interface ImageComponent {
  readonly src: string | null;
  readonly alt: string;
  readonly sources?: string | undefined;
}

/** Image components by their JSX name (`Illustration`, `Image`, `ui.Picture`). */
export type ImageComponents = ReadonlyMap<string, ImageComponent>;

/** How a document is read beyond its language. */
export interface FindOptions {
  /** Components that show images, besides `<img>` (and the built-in ones: see jsx.ts). */
  readonly components?: ImageComponents | undefined;
  /** Docusaurus: a ```mdx-code-block fence in MDX is MDX that renders, not code. */
  readonly mdxCodeBlocks?: boolean | undefined;
  /** The page syntax of the site's generator, for its Markdown pages (Hugo, Jekyll, MkDocs). */
  readonly siteSyntax?: SiteSyntax | undefined;
}

/** An image found in a piece of a document, placed at its offsets in the whole (`lines` is the whole's). */
export function shiftImage(image: FoundImage, by: number, lines: { position(offset: number): { line: number; column: number } }): FoundImage {
  const shift = (s: Span): Span => ({ start: s.start + by, end: s.end + by });
  const learn = image.learn && {
    ...image.learn,
    lightbox: image.learn.lightbox && { ...image.learn.lightbox, span: shift(image.learn.lightbox.span) },
    longDescription: image.learn.longDescription && shift(image.learn.longDescription),
    typeSpan: image.learn.typeSpan && shift(image.learn.typeSpan),
  };
  return {
    ...image,
    start: image.start + by,
    end: image.end + by,
    altSpan: shift(image.altSpan),
    srcSpan: image.srcSpan && shift(image.srcSpan),
    ...(learn ? { learn } : {}),
    ...(image.blockEnd === undefined ? {} : { blockEnd: image.blockEnd + by }),
    ...lines.position(image.start + by),
  };
}

/** How an alt value the parser read counts: '' is `empty` (decorative), only whitespace is `missing`. */
export function altStateOf(value: string): 'missing' | 'empty' | 'present' {
  if (value === '') return 'empty';
  return value.trim() ? 'present' : 'missing';
}

/** A file too large to parse in reasonable time and memory: reported, never read. */
export class DocTooLargeError extends DocParseError {
  override readonly name = 'DocTooLargeError';
  constructor(bytes: number, limit: number) {
    super(`too large to check (${(bytes / 1024 / 1024).toFixed(1)} MB; files up to ${limit / 1024 / 1024} MB are read)`, 1, 1);
  }
}

/** Collapse whitespace, for comparing and showing text. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Keep context short: the start of `text`, on one line, at most `max` characters. Reads only as much of a long text as
 * that needs (a prefix, doubled until it is long enough), so a paragraph shared by thousands of images costs each of
 * them `max`, not the paragraph's length.
 */
export function clip(text: string, max = 300): string {
  let end = Math.min(text.length, 2 * max);
  let t = oneLine(text.slice(0, end));
  while (t.length <= max && end < text.length) {
    end = Math.min(text.length, end * 2);
    t = oneLine(text.slice(0, end));
  }
  // Cut at a word, never between the two halves of a character (an emoji, a rare CJK ideograph).
  return t.length <= max ? t : `${t.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '').replace(/\s+\S*$/, '')}…`;
}
