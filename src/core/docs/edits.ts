/**
 * Edits that are always valid: new alt text (and corrected link case) is escaped for the syntax it goes into, only the
 * alt text or the link changes, and the result is read back with the same parser before anything is written — the
 * document must have exactly the same images, with exactly the intended alt text and links.
 */
import { findImages, learnAltValue, oneLine, type FindOptions, type FoundImage } from '../finders';
import { escapeMarkdownText } from '../markdown';
import { type DocLanguage } from '../base';

export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

/** An HTML attribute value inside the given quotes. */
export function escapeHtmlAttribute(text: string, quote: '"' | "'"): string {
  const out = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return quote === '"' ? out.replace(/"/g, '&quot;') : out.replace(/'/g, '&#39;');
}

/** A JSX attribute string (JSX strings have no backslash escapes; Babel and MDX read character references in them). */
export function escapeJsxAttribute(text: string, quote: '"' | "'"): string {
  const out = text.replace(/&/g, '&amp;');
  return quote === '"' ? out.replace(/"/g, '&quot;') : out.replace(/'/g, '&#39;');
}

function attributeValue(image: FoundImage, alt: string, quote: '"' | "'"): string {
  const value = image.syntax === 'jsx' ? escapeJsxAttribute(alt, quote) : escapeHtmlAttribute(alt, quote);
  // Inside Markdown a `|` splits a table cell even within HTML: write it as a character reference there.
  return image.language === 'markdown' || image.language === 'mdx' ? value.replace(/\|/g, '&#124;') : value;
}

/**
 * A Hugo shortcode parameter value, for inside `"…"`: one line (a quoted value can't hold a new line), `"` written
 * `\"` (Hugo's lexer then drops the backslashes of the value); the figure template escapes it for HTML itself.
 */
function hugoParamValue(alt: string): string {
  return oneLine(alt).replace(/"/g, '\\"');
}

/** The edit that sets an image's alt text, and nothing else. */
export function altEdit(image: FoundImage, alt: string): TextEdit {
  const { start, end } = image.altSpan;
  if (image.syntax === 'hugo-shortcode') {
    const value = hugoParamValue(alt);
    return { start, end, newText: image.altWrite === 'attr-insert' ? ` alt="${value}"` : image.altQuote === '"' ? value : `"${value}"` };
  }
  switch (image.altWrite) {
    case 'markdown-label':
      return { start, end, newText: escapeMarkdownText(alt, image.language === 'mdx') };
    case 'markdown-shortcut':
      return { start, end, newText: `[${escapeMarkdownText(alt, image.language === 'mdx')}][${image.refLabel ?? ''}]` };
    case 'attr-value':
      if (image.altQuote === '') return { start, end, newText: `"${attributeValue(image, alt, '"')}"` };
      return { start, end, newText: attributeValue(image, alt, image.altQuote) };
    case 'attr-bare':
    case 'jsx-expression':
      return { start, end, newText: image.altWrite === 'attr-bare' ? `alt="${attributeValue(image, alt, '"')}"` : `"${attributeValue(image, alt, '"')}"` };
    case 'attr-insert':
      return { start, end, newText: ` alt="${attributeValue(image, alt, '"')}"` };
    case 'learn-value':
      return { start, end, newText: learnAltValue(alt, image.learn?.inTableCell ?? false) };
    case 'learn-insert':
      return { start, end, newText: ` alt-text="${learnAltValue(alt, image.learn?.inTableCell ?? false)}"` };
  }
}

/** The alt text an image reads as once `alt` is written into it (Learn's values cannot hold `"`; see learnAltValue). */
export function altAsWritten(image: FoundImage, alt: string): string {
  return oneLine(image.learn ? learnAltValue(alt, image.learn.inTableCell) : alt);
}

/** The edit that replaces an image's link by `newSrc` (a link that differs only in letter case), or undefined. */
export function srcEdit(image: FoundImage, text: string, newSrc: string): TextEdit | undefined {
  if (!image.srcSpan || !image.srcWrite) return undefined;
  const written = text.slice(image.srcSpan.start, image.srcSpan.end);
  if (written.toLowerCase() !== newSrc.toLowerCase()) return undefined; // only letter case may change
  return { start: image.srcSpan.start, end: image.srcSpan.end, newText: newSrc };
}

/** Apply non-overlapping edits. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if ((sorted[i] as TextEdit).start < (sorted[i - 1] as TextEdit).end) throw new Error('overlapping edits');
  }
  let out = '';
  let at = 0;
  for (const e of sorted) {
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  return out + text.slice(at);
}

/** What an image should read as after the edits: by its index among the document's images. */
export interface IntendedChange {
  readonly index: number;
  readonly alt?: string | undefined;
  readonly src?: string | undefined;
  /** The `aria-describedby` the image gets (its long description's id). */
  readonly describedBy?: string | undefined;
  /** Learn: the image's new type. */
  readonly learnType?: 'complex' | 'icon' | undefined;
  /** A long description is written (longDescription.ts). */
  readonly longDescription?: boolean | undefined;
  /** The image is marked decorative. */
  readonly decorative?: boolean | undefined;
}

/**
 * Read the edited text back with the same parser and check it: the same number of images, each with the same syntax
 * and link as before (or the intended link), and the intended alt text where it was set, the old one elsewhere.
 * Returns undefined when it holds, else why not.
 */
export function verifyEdits(before: readonly FoundImage[], afterText: string, language: DocLanguage, changes: readonly IntendedChange[], find: FindOptions = {}): string | undefined {
  let after: FoundImage[];
  try {
    after = findImages(afterText, language, find);
  } catch (e) {
    return `the edited file would not parse: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (after.length !== before.length) return `the edited file would have ${after.length} images instead of ${before.length}`;
  const byIndex = new Map(changes.map((c) => [c.index, c]));
  for (let i = 0; i < before.length; i++) {
    const b = before[i] as FoundImage;
    const a = after[i] as FoundImage;
    const change = byIndex.get(i);
    if (a.syntax !== b.syntax) return `image ${i + 1} would change from ${b.syntax} to ${a.syntax}`;
    const src = change?.src ?? b.src;
    if (a.src !== src) return `image ${i + 1} would link "${a.src}" instead of "${src}"`;
    const alt = change?.alt !== undefined ? altAsWritten(b, change.alt) : change?.decorative ? '' : b.alt;
    if (a.alt !== alt) return `image ${i + 1} would read "${a.alt}" instead of "${alt}"`;
    const problem = change && purposeProblem(a, change, afterText);
    if (problem) return `image ${i + 1} ${problem}`;
  }
  return undefined;
}

/** Whether an image reads back as its purpose's edits intended: pointing to its long description, decorative, complex. */
function purposeProblem(a: FoundImage, change: IntendedChange, afterText: string): string | undefined {
  if (change.describedBy !== undefined && a.describedBy !== change.describedBy) return 'would not point to its long description';
  if (change.decorative && !a.decorative) return 'would not read as decorative';
  if (change.learnType && a.learn?.type !== change.learnType) return `would not be type="${change.learnType}"`;
  if (change.learnType === 'complex') {
    const body = a.learn?.longDescription;
    if (!body || !afterText.slice(body.start, body.end).trim()) return 'would have no long description';
  }
  return undefined;
}
