/**
 * Writing what an image's purpose asks for beyond its alt text: a complex image's long description where the syntax
 * has a place for one, and a decorative image's alt="" in the syntax's own way. Every edit here is read back with the
 * same parser (edits.ts verifyEdits) before anything is written.
 *
 * - Markdown and MDX: a `<details>` block (summary "Image description", the description as Markdown paragraphs) after
 *   the top-level block holding the image (after the whole list or table, when it is in one); an HTML or JSX `<img>`
 *   there also gets `aria-describedby` naming the block.
 * - HTML: `aria-describedby` on the `<img>`, naming a `<div>` in a `<details>` after the image's paragraph, link or figure.
 * - Learn: `:::image type="complex"` with the description as its body up to `:::image-end:::` (an empty body is filled).
 * - Not written (the short alt text still is): JSX/TSX source (the component decides), Hugo shortcodes and pages of a
 *   site generator (Hugo, Jekyll, MkDocs read raw HTML and Markdown in it differently), a Learn image in a table cell,
 *   an image that already has `aria-describedby` or a long description.
 */
import type { FindOptions, FoundImage } from '../finders';
import type { DocLanguage } from '../base';
import { altEdit, escapeHtmlAttribute, type IntendedChange, type TextEdit } from './edits';
import { escapeMarkdownText } from '../markdown';

export const LONG_DESCRIPTION_SUMMARY = 'Image description';

/** The document the edits go into. */
export interface DescribedDoc {
  readonly text: string;
  readonly language: DocLanguage;
  readonly find?: FindOptions | undefined;
}

export type PurposeEdits = { readonly ok: true; readonly edits: TextEdit[]; readonly change: Omit<IntendedChange, 'index' | 'alt' | 'src'> } | { readonly ok: false; readonly reason: string };

const no = (reason: string): PurposeEdits => ({ ok: false, reason });

/** The document's line ending. */
const eolOf = (text: string) => (text.includes('\r\n') ? '\r\n' : '\n');

/** Text for inside an HTML element. */
const htmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * One paragraph of Markdown text that reads as exactly `text`: inline markup escaped (and `{`, `}` in MDX), no block
 * starting (a heading, quote, list, thematic break, Learn or MkDocs marker), no `:::` a Learn body would end at.
 */
export function markdownParagraph(text: string, mdx: boolean): string {
  let out = escapeMarkdownText(text, mdx).replace(/:(?=::)/g, '\\:');
  out = out.replace(/^([#>+=:-])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
  return out;
}

function paragraphs(description: string): string[] {
  return description
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

/** An id no element of the document has yet (nor one given earlier in this run). */
export function uniqueId(text: string, src: string, used: Set<string>): string {
  const stem = (src.split(/[?#]/)[0] ?? '').split('/').pop()?.replace(/\.[^.]*$/, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'image';
  const base = `${stem}-description`;
  let id = base;
  for (let n = 2; used.has(id) || text.includes(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

/** Where `block` goes after offset `end`: on its own, a blank line before and after it. */
function blockAfter(text: string, end: number, block: string): TextEdit {
  const eol = eolOf(text);
  const blank = /[ \t]*\r?\n[ \t]*(\r?\n|$)/y;
  blank.lastIndex = end;
  const atEnd = /\s*$/y;
  atEnd.lastIndex = end;
  const blankFollows = blank.test(text) || atEnd.test(text);
  return { start: end, end, newText: `${eol}${eol}${block}${blankFollows ? '' : eol}` };
}

/** Where a new attribute goes in an `<img>` tag: right after its name; undefined for a component (`<Image>`). */
function attributeAt(text: string, image: FoundImage): number | undefined {
  const name = /^<([^\s/>]+)/.exec(text.slice(image.start, image.start + 64))?.[1];
  if (!name) return undefined;
  if (image.syntax === 'jsx' ? name !== 'img' : name.toLowerCase() !== 'img') return undefined;
  return image.start + 1 + name.length;
}

/** The edits that write `description` as the long description of `image`, or why it can't be. */
export function longDescriptionEdits(doc: DescribedDoc, image: FoundImage, description: string, used: Set<string>): PurposeEdits {
  const parts = paragraphs(description);
  if (!parts.length) return no('the model gave no long description');
  if (image.describedBy !== undefined) return no('it already has aria-describedby; its long description was kept');
  if (image.syntax === 'hugo-shortcode' || doc.find?.siteSyntax) return no("this site generator's pages have no safe place for a long description; write one by hand");
  if (image.learn) return learnBody(doc.text, image, parts);
  if (doc.language === 'jsx' || doc.language === 'tsx') return no('in JSX source the component decides where a long description goes; write one by hand');
  if (image.blockEnd === undefined) return no('there is no safe place after it for a long description');
  const at = image.syntax === 'html' || image.syntax === 'jsx' ? attributeAt(doc.text, image) : undefined;
  const id = at !== undefined ? uniqueId(doc.text, image.src, used) : undefined;
  const edits: TextEdit[] = [];
  if (at !== undefined && id) edits.push({ start: at, end: at, newText: ` aria-describedby="${escapeHtmlAttribute(id, '"')}"` });
  const eol = eolOf(doc.text);
  let block: string;
  if (doc.language === 'html') {
    block = [`<details><summary>${LONG_DESCRIPTION_SUMMARY}</summary><div${id ? ` id="${id}"` : ''}>`, ...parts.map((p) => `<p>${htmlText(p)}</p>`), '</div></details>'].join(eol);
    edits.push({ start: image.blockEnd, end: image.blockEnd, newText: `${eol}${block}` });
  } else {
    const mdx = doc.language === 'mdx';
    block = [`<details${id ? ` id="${id}"` : ''}>`, `<summary>${LONG_DESCRIPTION_SUMMARY}</summary>`, '', ...parts.flatMap((p) => [markdownParagraph(p, mdx), '']), '</details>'].join(eol);
    edits.push(blockAfter(doc.text, image.blockEnd, block));
  }
  return { ok: true, edits, change: { describedBy: id, longDescription: true } };
}

/** Learn: the body of `:::image type="complex"` up to `:::image-end:::` (a content image becomes complex). */
function learnBody(text: string, image: FoundImage, parts: readonly string[]): PurposeEdits {
  const learn = image.learn;
  if (!learn) return no('not a Learn image');
  if (learn.inTableCell) return no('a Learn image in a table cell has no room for a long description');
  const eol = eolOf(text);
  const newline = text.lastIndexOf('\n', image.start - 1);
  // A byte order mark before the first line is not on the line.
  const lineStart = newline >= 0 ? newline + 1 : text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const indent = text.slice(lineStart, image.start);
  if (!/^[ \t]*$/.test(indent)) return no('the image is not on a line of its own, where a long description could follow it');
  const body = parts.map((p) => indent + markdownParagraph(p, false)).join(eol + eol);
  if (learn.type === 'complex') {
    const span = learn.longDescription;
    if (!span) return no('its :::image-end::: is missing');
    if (text.slice(span.start, span.end).trim()) return no('it already has a long description; it was kept');
    return { ok: true, edits: [{ start: span.start, end: span.end, newText: `${eol}${body}${eol}${indent}` }], change: { learnType: 'complex', longDescription: true } };
  }
  if (learn.type === 'icon') return no('it is marked decorative (type="icon")');
  const lineEnd = text.indexOf('\n', image.end);
  if (text.slice(image.end, lineEnd < 0 ? text.length : lineEnd).trim()) return no('text follows the image on its line, where its long description would go');
  if (learn.typeSpan === null) return no('its type attribute has no value to change');
  const type: TextEdit = learn.typeSpan ? { ...learn.typeSpan, newText: 'complex' } : { start: image.start + ':::image'.length, end: image.start + ':::image'.length, newText: ' type="complex"' };
  return { ok: true, edits: [type, { start: image.end, end: image.end, newText: `${eol}${body}${eol}${indent}:::image-end:::` }], change: { learnType: 'complex', longDescription: true } };
}

/** The edits that mark an image decorative in its syntax's own way, or why its syntax can't. */
export function decorativeEdits(image: FoundImage): PurposeEdits {
  if (image.learn) {
    if (image.learn.typeSpan === null) return no('its type attribute has no value to change');
    const type: TextEdit = image.learn.typeSpan ? { ...image.learn.typeSpan, newText: 'icon' } : { start: image.start + ':::image'.length, end: image.start + ':::image'.length, newText: ' type="icon"' };
    // An icon is decorative: Learn shows it with role="presentation" and no alt, so alt-text is emptied.
    return { ok: true, edits: image.altWrite === 'learn-value' && image.alt ? [type, { ...image.altSpan, newText: '' }] : [type], change: { learnType: 'icon', decorative: true } };
  }
  if (image.syntax === 'html' || image.syntax === 'jsx') {
    if (image.altUnknown) return no('its alt text is an expression');
    return { ok: true, edits: [altEdit(image, '')], change: { decorative: true } };
  }
  if (image.syntax === 'hugo-shortcode') return no('a Hugo shortcode has no way to say an image is decorative; write alt="" in HTML by hand');
  return no('Markdown has no decorative image: ![](…) reads as missing alt text (markdownlint MD045); use an HTML <img alt=""> or describe it');
}
