/**
 * The Markdown result document: title, the image(s) referenced by relative path or link, any warning, the
 * description, then model, finish reason and token usage. The model's text is Markdown but never raw HTML: tags in it
 * are escaped (outside code) so nothing it writes is rendered as HTML or executed by a preview.
 */
import * as path from 'node:path';
import type { DescribeResult } from './describe';
import type { PreparedImage } from './prepare';
import type { Usage } from './response';

/** Escape `<` outside fenced code blocks and inline code spans. */
export function neutraliseHtml(text: string): string {
  const lines = text.split('\n');
  let fence: string | undefined;
  const out: string[] = [];
  for (const line of lines) {
    const m = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      out.push(line);
      if (m?.[1] && m[1][0] === fence[0] && m[1].length >= fence.length && line.trim() === m[1]) fence = undefined;
      continue;
    }
    if (m?.[1]) {
      fence = m[1];
      out.push(line);
      continue;
    }
    out.push(escapeOutsideInlineCode(line));
  }
  return out.join('\n');
}

function escapeOutsideInlineCode(line: string): string {
  let result = '';
  let i = 0;
  while (i < line.length) {
    if (line[i] === '`') {
      let run = 0;
      while (line[i + run] === '`') run++;
      const ticks = '`'.repeat(run);
      const close = line.indexOf(ticks, i + run);
      if (close >= 0) {
        result += line.slice(i, close + run);
        i = close + run;
        continue;
      }
      result += ticks;
      i += run;
      continue;
    }
    const ch = line[i] ?? '';
    result += ch === '<' ? '&lt;' : ch;
    i++;
  }
  return result;
}

/** A link target for Markdown: spaces and parentheses encoded so the link survives. */
export function markdownLinkTarget(target: string): string {
  return encodeURI(target.replace(/\\/g, '/')).replace(/\(/g, '%28').replace(/\)/g, '%29');
}

/** Text for `[alt]` / `![alt]`: brackets and backslashes escaped. */
export function escapeLinkText(text: string): string {
  return text.replace(/([\\[\]])/g, '\\$1');
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
  const links = images.map((image) => `![${escapeLinkText(image.name)}](${markdownLinkTarget(imageRef(image))})`);
  return `${renderTitle(images)}\n\n${links.join('\n')}\n\n`;
}

export function renderWarnings(warnings: readonly string[]): string {
  if (!warnings.length) return '';
  return warnings.map((w) => `> **Warning:** ${neutraliseHtml(w)}`).join('\n>\n') + '\n\n';
}

export function renderFooter(result: Pick<DescribeResult, 'model' | 'deployment' | 'finishReason' | 'usage' | 'estimatedImageTokens'>, extra: readonly string[] = []): string {
  const lines = [
    '---',
    '',
    `- **Model:** ${result.model ?? 'unknown'} (deployment \`${result.deployment}\`)`,
    `- **Finish reason:** ${result.finishReason ?? 'not reported'}`,
    `- **Token usage:** ${formatUsage(result.usage)}`,
    ...(result.estimatedImageTokens !== undefined ? [`- **Estimated image tokens:** ${result.estimatedImageTokens} (tile formula, part of the prompt tokens)`] : []),
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
