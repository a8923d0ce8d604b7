/**
 * The Markdown result document: title, the image(s) referenced by relative path or link, any warning, the
 * description, then model, finish reason and token usage. The model's text is Markdown but never raw HTML: what the
 * Markdown parser reads as HTML is escaped, so nothing the model writes is rendered as HTML or run by a preview.
 */
import * as path from 'node:path';
import type { PreparedImage } from '../images';
import { escapeMarkdownText, markdownLinkTarget, neutraliseHtml } from '../markdown';
import type { Usage } from '../net';
import type { DescribeResult } from './engine';

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
    ...(result.images ?? []).flatMap((i) => i.notes.map((n) => `- ${escapeMarkdownText(n, false)}`)),
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

