/**
 * The Markdown result document: title, the image(s) referenced by relative path or link, any warning, the
 * description, then model, finish reason and token usage. The model's text is Markdown but never raw HTML: what the
 * Markdown parser reads as HTML is escaped, so nothing the model writes is rendered as HTML or run by a preview.
 */
import * as path from 'node:path';
import { escapeMarkdownText } from './docs/edits';
import { markdownEvents } from './finders/markdown';
import type { DescribeResult } from './describe/engine';
import type { PreparedImage } from './images/wire';
import type { Usage } from './net/response';

/**
 * The model's text as Markdown that carries no raw HTML: micromark (the parser that finds images) says which parts
 * are HTML — blocks and inline tags, not code, not autolinks — and their `<` become `&lt;`, so a preview shows them
 * as text. Repeated until the parser finds no HTML (escaping can never create any, but the loop makes sure).
 */
export function neutraliseHtml(text: string): string {
  let out = text;
  for (let pass = 0; pass < 3; pass++) {
    const spans: [number, number][] = [];
    for (const [kind, token] of markdownEvents(out, false)) {
      if (kind === 'enter' && (token.type === 'htmlFlow' || token.type === 'htmlText')) spans.push([token.start.offset, token.end.offset]);
    }
    if (spans.length === 0) return out;
    let next = '';
    let at = 0;
    for (const [start, end] of spans) {
      if (start < at) continue; // nested (an htmlText inside a block already taken)
      next += out.slice(at, start) + out.slice(start, end).replace(/</g, '&lt;');
      at = end;
    }
    out = next + out.slice(at);
  }
  return out;
}

/**
 * Streamed text made safe as it goes, for output that cannot be rewritten (a pipe, a file): each complete line is
 * released once the parser has seen it, neutralised with everything before it as context; the rest at the end.
 * Within the line still being written, the text before its first `<` (less any backslashes that may escape that
 * `<`) goes out at once: every HTML construct starts with `<`, and neutralising only ever changes a `<`, so nothing
 * written later can change how that text comes out. A long paragraph streams word by word, not at its end.
 */
export class LineNeutraliser {
  private raw = '';
  private emitted = '';
  private emittedRawLength = 0;

  push(delta: string): string {
    this.raw += delta;
    const lineStart = this.raw.lastIndexOf('\n') + 1;
    const from = Math.max(lineStart, this.emittedRawLength);
    const lt = this.raw.indexOf('<', from);
    let upTo = lt < 0 ? this.raw.length : lt;
    while (upTo > from && this.raw[upTo - 1] === '\\') upTo--;
    if (upTo <= from) upTo = lineStart;
    return upTo <= this.emittedRawLength ? '' : this.release(upTo);
  }

  end(): string {
    return this.release(this.raw.length);
  }

  private release(upTo: number): string {
    const rendered = neutraliseHtml(this.raw.slice(0, upTo));
    // Text already written stays written: only what follows it goes out.
    const out = rendered.startsWith(this.emitted) ? rendered.slice(this.emitted.length) : neutraliseHtml(this.raw.slice(this.emittedRawLength, upTo));
    this.emitted = rendered;
    this.emittedRawLength = upTo;
    return out;
  }
}

/** A link target for Markdown: spaces and parentheses encoded so the link survives. */
export function markdownLinkTarget(target: string): string {
  return encodeURI(target.replace(/\\/g, '/')).replace(/\(/g, '%28').replace(/\)/g, '%29');
}

/**
 * Characters that would end the line or paragraph, reorder what is shown (bidirectional controls) or hide in a name
 * (zero-width space, word joiner, byte-order mark — not the joiners scripts and emoji need): in a one-line span they
 * are shown as escapes (`\n`, `\t`, `\r`, `\u{202e}`) instead of being obeyed.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this finds
const UNSHOWABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/gu;

function showControls(text: string): string {
  return text.replace(UNSHOWABLE, (c) => ({ '\n': '\\n', '\t': '\\t', '\r': '\\r' })[c] ?? `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}

/**
 * Any text (a file name an agent gave) as a Markdown code span that nothing in it can break out of: nothing inside a
 * code span is markup (no links, images, HTML, emphasis, entities or escapes), the fence is one backtick longer than
 * the longest run of backticks inside, a space pads text that starts or ends with a backtick or a space (CommonMark
 * and marked strip one from each side), and line breaks — which could end the paragraph and start a heading — are
 * shown, not obeyed.
 */
export function markdownCodeSpan(text: string): string {
  const shown = showControls(text);
  const fence = '`'.repeat(Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  if (/^ *$/.test(shown)) return `\`${shown || ' '}\``; // only spaces: kept as they are (one for nothing at all)
  const pad = /^[` ]|[` ]$/.test(shown) ? ' ' : '';
  return `${fence}${pad}${shown}${pad}${fence}`;
}

/** Text as Markdown that reads as the same plain text: every ASCII punctuation character escaped, on one line. */
export function markdownPlainText(text: string): string {
  return showControls(text).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** Relative path from the document's folder to a local image (posix separators), or the URL. */
export function relativeImageRef(image: PreparedImage, fromDir: string | undefined): string {
  if (image.kind === 'url' || !image.path) return image.source;
  if (!fromDir) return image.path;
  const rel = path.relative(fromDir, image.path);
  return rel.split(path.sep).join('/');
}

export function formatUsage(usage: Usage | undefined): string {
  if (!usage) return 'not reported';
  const parts = [
    usage.promptTokens !== undefined ? `${usage.promptTokens} prompt` : undefined,
    usage.completionTokens !== undefined ? `${usage.completionTokens} completion` : undefined,
    usage.reasoningTokens ? `(${usage.reasoningTokens} reasoning)` : undefined,
  ].filter(Boolean);
  const total = usage.totalTokens !== undefined ? ` = ${usage.totalTokens} total` : '';
  return parts.length ? `${parts.join(' + ').replace(' + (', ' (')}${total}` : total.replace(' = ', '') || 'not reported';
}

export type DocumentStatus = 'complete' | 'cancelled' | 'incomplete';

export interface RenderOptions {
  /** The link target for each image (relative path, file URI or URL). */
  readonly imageRef: (image: PreparedImage) => string;
  /** Extra lines for the footer (e.g. estimated image tokens). */
  readonly footerLines?: readonly string[] | undefined;
}

export function renderTitle(images: readonly Pick<PreparedImage, 'name'>[]): string {
  if (images.length === 1) return `# Description of ${images[0]?.name ?? 'image'}`;
  return `# Description of ${images.length} images`;
}

export function renderHeader(images: readonly PreparedImage[], imageRef: (image: PreparedImage) => string): string {
  const links = images.map((image) => `![${escapeMarkdownText(image.name, false)}](${markdownLinkTarget(imageRef(image))})`);
  return `${renderTitle(images)}\n\n${links.join('\n')}\n\n`;
}

export function renderWarnings(warnings: readonly string[]): string {
  if (!warnings.length) return '';
  return warnings.map((w) => `> **Warning:** ${neutraliseHtml(w)}`).join('\n>\n') + '\n\n';
}

export function renderFooter(result: Pick<DescribeResult, 'model' | 'deployment' | 'provider' | 'finishReason' | 'usage' | 'estimatedImageTokens'> & { readonly images?: readonly PreparedImage[] }, extra: readonly string[] = []): string {
  const via = result.provider === 'azure' ? ` (deployment \`${result.deployment}\`)` : result.model === result.deployment ? '' : ` (\`${result.deployment}\`)`;
  const lines = [
    '---',
    '',
    `- **Model:** ${result.model ?? result.deployment}${via}`,
    `- **Finish reason:** ${result.finishReason ?? 'not reported'}`,
    `- **Token usage:** ${formatUsage(result.usage)}`,
    ...(result.estimatedImageTokens !== undefined ? [`- **Estimated image tokens:** ${result.estimatedImageTokens} (tile formula, part of the prompt tokens)`] : []),
    ...(result.images ?? []).flatMap((i) => (i.animation ? [`- **Frames sent:** ${escapeMarkdownText(i.name, false)}: ${i.animation.note}`] : [])),
    ...extra.map((l) => `- ${l}`),
  ];
  return lines.join('\n') + '\n';
}

export function renderMarkdown(result: DescribeResult, options: RenderOptions): string {
  return [
    renderHeader(result.images, options.imageRef),
    renderWarnings(result.warnings),
    neutraliseHtml(result.text.trim()) || '*(no description)*',
    '\n\n',
    renderFooter(result, options.footerLines),
  ].join('');
}

/** The line that marks a description as cut off by a cancel or a broken stream. */
export function renderInterruption(status: Exclude<DocumentStatus, 'complete'>, reason: string): string {
  const label = status === 'cancelled' ? 'Cancelled' : 'Incomplete';
  return `\n\n> **${label}:** ${neutraliseHtml(reason)}\n`;
}

/** A document for the text that arrived before a cancel or a broken stream: nothing received is thrown away. */
export function renderPartial(images: readonly PreparedImage[], imageRef: (image: PreparedImage) => string, partialText: string, status: Exclude<DocumentStatus, 'complete'>, reason: string): string {
  return `${renderHeader(images, imageRef)}${neutraliseHtml(partialText.trim())}${renderInterruption(status, reason)}`;
}
