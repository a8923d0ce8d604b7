/**
 * One image at a time, for the quick fixes (altText.ts, purpose.ts): its link resolved for reading, one generation
 * with progress and cancel, and edits applied to the open document after reading the result back.
 */
import * as vscode from 'vscode';
import { applyEdits, generateAltTexts, linkRoots, resolveImageLink, runError, verifyEdits, type AltJob, type AltOutcome, type DocFile, type IntendedChange, type TextEdit } from '../../core/docs';
import type { FoundImage } from '../../core/finders';
import { DescribeError } from '../../core/base';
import type { Target } from '../models';
import { readSettings, type AltTextSettings } from '../base';
import { withCache } from './cache';
import type { AltDeps } from './deps';
import { linkOptionsOf } from './roots';

/** Resolve an image's link for reading it; a link that can't be read becomes a bad-input error with the reason. */
export async function sourceOf(image: FoundImage, doc: DocFile, uri: vscode.Uri, settings: AltTextSettings): Promise<string> {
  if (image.srcDynamic) throw new DescribeError('bad-input', vscode.l10n.t("The image's source is an expression; it can't be described from here."));
  if (!image.src) throw new DescribeError('bad-input', vscode.l10n.t('The image has no source; there is nothing to describe.'));
  const link = await resolveImageLink(image.src, linkRoots(doc, await linkOptionsOf(uri, settings)));
  if (link.kind === 'url') return link.url;
  if (link.kind === 'file') return link.path;
  throw new DescribeError('bad-input', link.kind === 'missing' ? vscode.l10n.t('No such file: {0}', image.src) : link.reason);
}

/** Generate one alt text with progress and cancel (a refine skips the cache: the same image must get a new answer). */
export async function generateOne(deps: AltDeps, target: Target, uri: vscode.Uri, job: AltJob, how: { maxLength: number; prompt: string | undefined; useCache: boolean }): Promise<AltOutcome | undefined> {
  return deps.ui.current.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Generating alt text…'), cancellable: true }, async (_p, token) => {
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      return await withCache(deps, async (cache) => {
        const run = await generateAltTexts([job], {
          settings: target.settings,
          client: target.backend,
          cache: how.useCache ? cache : undefined,
          maxLength: how.maxLength,
          resize: readSettings(uri).resizeImages,
          maxFrames: readSettings(uri).maxFrames,
          prompt: how.prompt,
          signal: controller.signal,
          maxConcurrency: 1,
        });
        const stop = runError(run);
        if (stop) throw stop;
        return run.results.get(job.id);
      });
    } finally {
      sub.dispose();
      await target.close();
    }
  });
}

/** Apply edits to an open document after reading the result back (same images, intended alt/links). */
export async function applyChecked(document: vscode.TextDocument, doc: DocFile, edits: readonly TextEdit[], changes: readonly IntendedChange[], ui: AltDeps['ui']['current']): Promise<boolean> {
  const problem = verifyEdits(doc.images, applyEdits(doc.text, edits), doc.language, changes, doc.find);
  if (problem) {
    void ui.showWarningMessage(vscode.l10n.t('The edit was not applied, because {0}.', problem));
    return false;
  }
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)), e.newText);
  return vscode.workspace.applyEdit(edit);
}

/** Whether edits read back as intended (an optional part, such as a long description, is left out when not). */
export function readsBack(doc: DocFile, edits: readonly TextEdit[], changes: readonly IntendedChange[]): boolean {
  return !verifyEdits(doc.images, applyEdits(doc.text, edits), doc.language, changes, doc.find);
}
