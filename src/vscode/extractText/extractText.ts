/**
 * Extract Text from Image: the words in a screenshot, read on this machine (Tesseract in a worker thread, see
 * src/core/ocr/engine.ts) — nothing is sent anywhere, no key or endpoint needed. From the Explorer, the image preview's title
 * bar, the palette (a file picker) and the paste panel; progress with Cancel; the text opens as a Markdown document like
 * a description. One engine (one warm worker) for the whole window, ended with the extension.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DescribeError, MAX_IMAGES } from '../../core/base';
import { checkOcrFileSize, OcrEngine, renderOcrMarkdown } from '../../core/ocr';
import { showError } from '../base';
import { openResultDocument } from '../base';
import { readSettings } from '../base';
import { resolveTargets } from '../base';
import { type DescribeDeps } from '../base';

let engine: OcrEngine | undefined;

/** The window's OCR engine (created on first use; its worker ends when idle or with the extension). */
export function ocrEngine(deps: DescribeDeps): OcrEngine {
  engine ??= new OcrEngine({ log: deps.log });
  return engine;
}

/** Refuse any file too large to read for its text, before any is read (the limit the CLI and the MCP server use). */
export async function checkOcrSizes(uris: readonly vscode.Uri[], names: readonly string[]): Promise<void> {
  for (const [i, uri] of uris.entries()) checkOcrFileSize((await vscode.workspace.fs.stat(uri)).size, names[i] ?? uri.toString(true));
}

export function disposeOcrEngine(): void {
  engine?.dispose();
  engine = undefined;
}

/** Read the text of the images and open it as one Markdown document. Undefined: cancelled or failed (said). */
export async function extractTextFromUris(deps: DescribeDeps, uris: readonly vscode.Uri[]): Promise<vscode.TextDocument | undefined> {
  const ui = deps.ui.current;
  try {
    if (uris.length === 0) return undefined;
    if (uris.length > MAX_IMAGES) throw new DescribeError('bad-input', vscode.l10n.t('{0} images selected; read at most {1} at once.', uris.length, MAX_IMAGES));
    const names = uris.map((u) => path.posix.basename(u.path));
    const title = names.length === 1 ? vscode.l10n.t('Reading the text in {0} on this machine…', names[0] ?? '') : vscode.l10n.t('Reading the text in {0} images on this machine…', names.length);
    const parts = await ui.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        await checkOcrSizes(uris, names);
        const out: string[] = [];
        for (const [i, uri] of uris.entries()) {
          if (uris.length > 1) progress.report({ message: vscode.l10n.t('{0} of {1}: {2}', i + 1, uris.length, names[i] ?? ''), increment: 100 / uris.length });
          const bytes = await vscode.workspace.fs.readFile(uri);
          const result = await ocrEngine(deps).recognize(bytes, { signal: controller.signal, name: names[i] ?? 'image' });
          deps.log.info(`Text read on this machine from ${result.name}: ${result.lines.length} lines in ${result.elapsedMs} ms, mean confidence ${Math.round(result.meanConfidence)} %${result.coldStart ? ' (worker started)' : ''}.`);
          out.push(renderOcrMarkdown(result, uri.toString(true)));
        }
        return out;
      } finally {
        sub.dispose();
      }
    });
    const doc = await openResultDocument(parts.join('\n'), readSettings().openPreviewBeside);
    void vscode.commands.executeCommand('setContext', 'describeImage.textExtracted', true);
    return doc;
  } catch (e) {
    await showError(ui, deps.log, e);
    return undefined;
  }
}

export async function extractTextCommand(deps: DescribeDeps, uri?: unknown, uris?: unknown): Promise<vscode.TextDocument | undefined> {
  const targets = await resolveTargets(deps, uri, uris);
  if (!targets || targets.length === 0) return undefined;
  return extractTextFromUris(deps, targets);
}
