/**
 * The Describe Image command: from the Explorer (one or many images), the image preview's title bar, or the palette
 * (file picker). It makes sure endpoint and key are there (offering the fix, then going on), runs the core with a
 * cancellable progress notification, and opens the result as a Markdown document.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeImages, type DescribeEvent, type DescribeResult, renderFooter, renderHeader, renderInterruption, renderMarkdown, renderWarnings } from '../../core/describe';
import { DescribeError, isDescribeError, MAX_IMAGES } from '../../core/base';
import { type ImageSource } from '../../core/images';
import { LiveNeutraliser } from '../../core/markdown';
import type { PreparedImage } from '../../core/images';
import { showError, vscodeRaise } from '../base';
import { openResultDocument, StreamingResultDocument } from '../base';
import { openTarget } from '../models';
import { extractTextFromUris } from '../extractText';
import { firstRunChoice } from '../models';
import { readProviderSettings, readSettings } from '../base';
import { needsFirstChoice } from '../models';
import type { DescribeDeps } from '../base';
import { resolveTargets } from '../base';


function displayName(uri: vscode.Uri): string {
  return path.posix.basename(uri.path);
}

/** What the core reads: a path for local files, bytes for other file systems. */
async function toSource(uri: vscode.Uri): Promise<ImageSource> {
  if (uri.scheme === 'file') return uri.fsPath;
  if (uri.scheme === 'http' || uri.scheme === 'https') return uri.toString(true);
  const bytes = await vscode.workspace.fs.readFile(uri);
  return { name: displayName(uri), bytes, path: uri.path };
}

/** The link to an image in the result document: relative to the workspace folder when inside one, else its URI. */
function imageLink(uri: vscode.Uri): string {
  return uri.toString(true);
}


/** Progress text for a retry wait, counting down while it lasts (only waits of a few seconds or more are shown). */
function waitCountdown(progress: vscode.Progress<{ message?: string }>, ms: number, attempt: number, max: number): () => void {
  if (ms < 3000) return () => undefined;
  const end = Date.now() + ms;
  const show = () =>
    progress.report({ message: vscode.l10n.t('The service is busy: retrying in {0} s (attempt {1} of {2})…', Math.max(0, Math.ceil((end - Date.now()) / 1000)), attempt + 1, max) });
  show();
  const timer = setInterval(show, 1000);
  return () => clearInterval(timer);
}

/** What a caller other than the Explorer command (the paste panel) may change about a describe. */
export interface DescribeOptions {
  readonly userPrompt?: string | undefined;
  readonly detail?: string | undefined;
  /** An extra way to cancel (the panel's Cancel button). */
  readonly signal?: AbortSignal | undefined;
  /** Show errors here instead of a notification (the panel shows them itself). */
  readonly onError?: ((error: unknown, retry: () => Promise<unknown>) => Promise<void>) | undefined;
}

/** Run under a cancellable notification, cancelled by its button or by the caller's signal (the panel's Cancel). */
async function withCancellableProgress<T>(
  deps: DescribeDeps,
  title: string,
  signal: AbortSignal | undefined,
  run: (progress: vscode.Progress<{ message?: string }>, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  return deps.ui.current.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const cancel = (by: string) => () => {
      deps.log.info(`Cancelled by the user${by}.`);
      controller.abort();
    };
    const sub = token.onCancellationRequested(cancel(''));
    const onPanelCancel = cancel(' (panel)');
    if (signal?.aborted) controller.abort();
    signal?.addEventListener('abort', onPanelCancel, { once: true });
    try {
      return await run(progress, controller.signal);
    } finally {
      sub.dispose();
      signal?.removeEventListener('abort', onPanelCancel);
    }
  });
}

/** What the user sees while the answer arrives: the result document filling in, and the countdown of a retry wait. */
class LiveResult {
  document: StreamingResultDocument | undefined;
  private readonly links = new Map<PreparedImage, string>();
  private stopCountdown = () => undefined as void;
  readonly imageRef = (image: PreparedImage): string => this.links.get(image) ?? image.source;

  constructor(
    private readonly log: DescribeDeps['log'],
    private readonly uris: readonly vscode.Uri[],
    private readonly previewBeside: boolean,
  ) {}

  onEvent(event: DescribeEvent, progress: vscode.Progress<{ message?: string }>): void {
    if (event.type === 'prepared') {
      event.images.forEach((image, i) => this.links.set(image, this.uris[i] ? imageLink(this.uris[i]) : image.source));
      const live = new LiveNeutraliser();
      const log = this.log;
      this.document = new StreamingResultDocument(log.redact(renderHeader(event.images, this.imageRef)), this.previewBeside, (raw) => log.redact(live.render(raw)), () => log.knownSecrets);
    } else if (event.type === 'text') {
      this.stopCountdown();
      this.document?.append(event.delta);
    } else if (event.type === 'waiting') {
      this.stopCountdown();
      this.stopCountdown = waitCountdown(progress, event.ms, event.attempt, event.maxAttempts);
    }
  }

  stop(): void {
    this.stopCountdown();
  }

  /** The finished answer as a document: the streamed one completed, or a new one. */
  async show(result: DescribeResult): Promise<vscode.TextDocument | undefined> {
    // VS Code's language model API gives neither: say so rather than invent them.
    const footerLines = result.provider === 'vscode' ? [vscode.l10n.t("VS Code's language model API reports no token usage and no finish reason.")] : [];
    if (this.document?.hasText && result.text) {
      // The text is in the document already: add the warnings (if any) and the footer.
      const warnings = renderWarnings(result.warnings);
      return this.document.finish(this.log.redact(`${warnings ? `\n\n${warnings.trimEnd()}` : ''}\n\n${renderFooter(result, footerLines)}`));
    }
    return openResultDocument(this.log.redact(renderMarkdown(result, { imageRef: this.imageRef, footerLines })), this.previewBeside);
  }

  /** A cancel or a broken stream keeps every word that arrived, marked as such. */
  async interrupted(e: unknown): Promise<void> {
    if (!isDescribeError(e) || !e.partialText || !this.document) return;
    await this.document.finish(this.log.redact(renderInterruption(e.code === 'cancelled' ? 'cancelled' : 'incomplete', e.message)));
  }
}

/** Describe the given images; returns the result document, or undefined when nothing was produced. */
export async function describeUris(deps: DescribeDeps, uris: readonly vscode.Uri[], options: DescribeOptions = {}): Promise<vscode.TextDocument | undefined> {
  const { log } = deps;
  let live: LiveResult | undefined;
  try {
    if (uris.length === 0) return undefined;
    if (uris.length > MAX_IMAGES) {
      throw new DescribeError('bad-input', vscode.l10n.t('{0} images selected; one request takes at most {1}. Select fewer and try again.', uris.length, MAX_IMAGES));
    }
    // The first describe of someone who set nothing up asks where images go; "on this machine" reads the text instead.
    if (needsFirstChoice() && !(await firstRunChoice(deps))) return undefined;
    if (readProviderSettings().provider === 'offline') return await extractTextFromUris(deps, uris);
    const settings = readSettings(uris[0]);
    const target = await openTarget(deps, uris[0], {
      ...(options.userPrompt?.trim() ? { userPrompt: options.userPrompt } : {}),
      ...(options.detail ? { detail: options.detail } : {}),
    });
    if (!target) return undefined;
    const sources = await Promise.all(uris.map(toSource));
    const names = uris.map(displayName);
    const title = names.length === 1 ? vscode.l10n.t('Describing {0}…', names[0] ?? '') : vscode.l10n.t('Describing {0} images…', names.length);
    log.info(`Describe ${names.join(', ')} with ${target.settings.deployment}: ${target.where}${settings.stream ? ' (streamed)' : ''}`);
    const view = (live = new LiveResult(log, uris, settings.openPreviewBeside));
    let result: DescribeResult;
    try {
      result = await withCancellableProgress(deps, title, options.signal, (progress, signal) =>
        describeImages({
          settings: target.settings,
          sources,
          signal,
          client: target.backend,
          stream: settings.stream,
          resize: settings.resizeImages,
          maxFrames: settings.maxFrames,
          onEvent: (event) => view.onEvent(event, progress),
          raise: vscodeRaise,
        }).finally(() => view.stop()),
      );
    } finally {
      await target.close();
    }
    log.info(`Done in ${result.elapsedMs} ms: finish reason ${result.finishReason ?? 'none'}, ${result.usage?.totalTokens ?? '?'} tokens${result.attempts > 1 ? `, ${result.attempts} attempts` : ''}.`);
    for (const w of result.warnings) log.warn(w);
    for (const n of result.notes) log.info(n);
    void vscode.commands.executeCommand('setContext', 'describeImage.described', true);
    return await view.show(result);
  } catch (e) {
    await live?.interrupted(e);
    const retry = () => describeUris(deps, uris, options);
    if (options.onError) await options.onError(e, retry);
    else await showError(deps.ui.current, log, e, { retry });
    return undefined;
  }
}

export async function describeCommand(deps: DescribeDeps, uri?: unknown, uris?: unknown): Promise<vscode.TextDocument | undefined> {
  const targets = await resolveTargets(deps, uri, uris);
  if (!targets || targets.length === 0) return undefined;
  return describeUris(deps, targets);
}
