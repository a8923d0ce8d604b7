/**
 * "Fill Missing Alt Text in Workspace": scans the docs like the CLI does, generates with progress, cancel, bounded
 * concurrency and a cache, and proposes ONE workspace edit for review — each file's edits read back with its parser,
 * and a file changed since the scan left alone.
 */
import * as vscode from 'vscode';
import { linkRoots, type DocFile } from '../../core/docs';
import { altEdit, applyEdits, documentPurpose, longDescriptionEdits, verifyEdits, type IntendedChange, type TextEdit } from '../../core/docs';
import { listDocFiles } from '../../core/docs';
import { altContextOf, generateAltTexts, reuseText, runError, type AltJob, type AltRunResult } from '../../core/docs';
import type { FoundImage } from '../../core/finders';
import { DirectoryCache, resolveImageLink, type ResolvedLink } from '../../core/docs';
import { contentHash } from '../../core/docs';
import { DOC_FILE_LIMIT } from '../../core/base';
import { showError } from '../base';
import { documentAsScanned, readForScan, textNow } from './altTextRead';
import { openTarget, type Target } from '../models';
import { readAltTextSettings, readSettings, type AltTextSettings } from '../base';
import { withCache } from './cache';
import type { AltDeps } from './deps';
import { docsRootOf, sitesOf } from './roots';

export interface FillReport {
  readonly found: number;
  readonly filled: number;
  readonly skipped: readonly string[];
  readonly sent: number;
  readonly applied: boolean;
  readonly truncated: boolean;
}

interface Scanned {
  readonly uri: vscode.Uri;
  readonly doc: DocFile;
  /** Indices of the images to fill, with their job ids. */
  readonly targets: { index: number; jobId: string }[];
}

/** The docs in the workspace, as the CLI lists them (globs, node_modules/.git, nested .gitignore, files.exclude). */
async function scanWorkspace(settings: AltTextSettings, skipped: string[]): Promise<{ scans: Scanned[]; jobs: AltJob[]; truncated: boolean }> {
  const scans: Scanned[] = [];
  const jobs: AltJob[] = [];
  let truncated = false;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    const excludes = Object.entries(vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, boolean>>('exclude') ?? {})
      .filter(([, on]) => on === true)
      .map(([glob]) => glob);
    const listing = await listDocFiles(folder.uri.fsPath, [settings.glob], { limit: DOC_FILE_LIMIT, exclude: excludes });
    truncated ||= listing.truncated;
    skipped.push(...listing.unreadable);
    const dirCache = new DirectoryCache();
    const linkOptions = { root: folder.uri.fsPath, docsRoot: docsRootOf(folder.uri, settings), sites: await sitesOf(folder.uri, settings) };
    for (const rel of listing.files) {
      const uri = vscode.Uri.joinPath(folder.uri, rel);
      // A file open with unsaved changes is read (and later edited) as the open document, never from disk.
      const read = await readForScan(folder.uri, rel, uri);
      if (read && 'problem' in read) skipped.push(`${vscode.workspace.asRelativePath(uri)}:${read.line}: ${read.problem}`);
      const doc = read && 'doc' in read ? read.doc : undefined;
      if (!doc) continue;
      if (doc.parseError) {
        skipped.push(`${vscode.workspace.asRelativePath(uri)}:${doc.parseError.line}: ${doc.parseError.message}`);
        continue;
      }
      const targets: Scanned['targets'] = [];
      for (const [index, image] of doc.images.entries()) {
        if (!(image.altState === 'missing' && !image.decorative && !image.altUnknown)) continue;
        const where = `${vscode.workspace.asRelativePath(uri)}:${image.line}`;
        if (image.srcDynamic || !image.src) {
          skipped.push(`${where}: ${image.srcDynamic ? 'the source is an expression' : 'the image has no source'}`);
          continue;
        }
        const link: ResolvedLink = await resolveImageLink(image.src, linkRoots(doc, linkOptions), dirCache);
        if (link.kind === 'missing' || link.kind === 'refused' || link.kind === 'elsewhere') {
          skipped.push(`${where}: ${link.kind === 'missing' ? `no such file: ${image.src}` : link.reason}`);
          continue;
        }
        const jobId = `${uri.toString()}#${index}`;
        targets.push({ index, jobId });
        jobs.push({ id: jobId, source: link.kind === 'url' ? link.url : link.path, context: settings.sendContext ? altContextOf(image) : undefined, purpose: documentPurpose(image) });
      }
      if (targets.length) scans.push({ uri, doc, targets });
    }
  }
  return { scans, jobs, truncated };
}

/** Fill Missing Alt Text in Workspace: scan, confirm, generate with progress, then one reviewed edit. */
export async function fillMissingAltText(deps: AltDeps): Promise<FillReport | undefined> {
  const ui = deps.ui.current;
  try {
    const settings = readAltTextSettings(undefined);
    const skipped: string[] = [];
    const { scans, jobs, truncated } = await scanWorkspace(settings, skipped);
    const limitNote = truncated ? vscode.l10n.t(' The scan stopped at {0} files: narrow describeImage.altText.include to reach the rest.', DOC_FILE_LIMIT) : '';
    if (truncated) deps.log.warn(`Fill Missing Alt Text: stopped at ${DOC_FILE_LIMIT} files.`);
    if (jobs.length === 0) {
      void ui.showInformationMessage(vscode.l10n.t('No image without alt text was found that can be filled.') + (skipped.length ? vscode.l10n.t(' {0} image(s) were skipped: see the log.', skipped.length) : '') + limitNote);
      for (const s of skipped) deps.log.warn(`Alt text not filled: ${s}`);
      return { found: 0, filled: 0, skipped, sent: 0, applied: false, truncated };
    }
    const go = vscode.l10n.t('Generate');
    const picked = await ui.showInformationMessage(vscode.l10n.t('Found {0} image(s) without alt text in {1} file(s). Generate alt text for them? You will review every change before it is applied.', jobs.length, scans.length) + limitNote, go);
    if (picked !== go) return undefined;
    const target = await openTarget(deps);
    if (!target) return undefined;
    const run = await generateAll(deps, target, jobs, settings);
    const stop = runError(run);
    if (stop) throw stop; // one message for the whole run (wrong key, no deployment…); a cancel shows nothing
    const { edit, filled } = await workspaceEditOf(scans, run, skipped, ui.reviewEdits);
    for (const s of skipped) deps.log.warn(`Alt text not filled: ${s}`);
    deps.log.info(`Alt text: ${filled} of ${jobs.length} filled; ${run.stats.sent} request(s) sent, ${run.stats.cached} cached, ${run.stats.deduplicated} duplicate(s), ${run.stats.throttled} throttled.`);
    const reuse = reuseText(run.stats.reuse, (source) => vscode.workspace.asRelativePath(source));
    if (reuse) deps.log.info(`Alt text: ${reuse}`);
    // needsConfirmation opens the refactor preview; no isRefactoring flag, which would auto-save the files
    // (files.refactoring.autoSave), including ones with the user's unsaved changes.
    const applied = filled > 0 ? await vscode.workspace.applyEdit(edit) : false;
    if (skipped.length) {
      const showLog = vscode.l10n.t('Show Log');
      void ui.showWarningMessage(vscode.l10n.t('{0} image(s) got no alt text (cut, filtered, failed, missing or changed): see the log.', skipped.length), showLog).then((p) => p === showLog && deps.log.show());
    }
    return { found: jobs.length, filled, skipped, sent: run.stats.sent, applied, truncated };
  } catch (e) {
    await showError(ui, deps.log, e);
    return undefined;
  }
}

/** Generate every job's alt text, with progress per image, cancel, the cache and the concurrency setting. */
async function generateAll(deps: AltDeps, target: Target, jobs: readonly AltJob[], settings: AltTextSettings): Promise<AltRunResult> {
  return deps.ui.current.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Generating alt text'), cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    let last = 0;
    try {
      return await withCache(deps, (cache) =>
        generateAltTexts(jobs, {
          settings: target.settings,
          client: target.backend,
          cache,
          maxLength: settings.maxLength,
          resize: readSettings().resizeImages,
          maxFrames: readSettings().maxFrames,
          maxConcurrency: settings.concurrency,
          signal: controller.signal,
          onProgress: (p) => {
            // Done counts alt texts only: failed and cancelled images move the bar, never the count.
            const finished = p.done + p.failed + p.cancelled;
            const where = vscode.workspace.asRelativePath(p.current);
            const message = p.failed ? vscode.l10n.t('{0} of {1} done, {2} failed: {3}', p.done, p.total, p.failed, where) : vscode.l10n.t('{0} of {1}: {2}', p.done, p.total, where);
            progress.report({ message, increment: ((finished - last) / p.total) * 100 });
            last = finished;
          },
        }),
      );
    } finally {
      sub.dispose();
      await target.close();
    }
  });
}

/**
 * One workspace edit for every file still as it was scanned (its open document, or the disk), in one group of the
 * refactor preview. Anything changed since the scan, or read differently by VS Code, is skipped with the reason.
 */
async function workspaceEditOf(scans: readonly Scanned[], run: AltRunResult, skipped: string[], needsConfirmation: boolean): Promise<{ edit: vscode.WorkspaceEdit; filled: number }> {
  const edit = new vscode.WorkspaceEdit();
  // VS Code lists changes that need confirmation unticked, so the user reviews the diffs, ticks the group (or single
  // files) and presses Apply; nothing changes before that.
  const metadata: vscode.WorkspaceEditEntryMetadata = { label: vscode.l10n.t('Generated alt text'), needsConfirmation };
  let filled = 0;
  let fromCache = 0;
  for (const scan of scans) {
    const name = vscode.workspace.asRelativePath(scan.uri);
    const nowText = await textNow(scan.uri);
    if (nowText === undefined || contentHash(nowText) !== contentHash(scan.doc.text)) {
      skipped.push(`${name}: changed while alt text was generated; not edited (run again)`);
      continue;
    }
    const planned = fileEdits(scan, name, run, skipped);
    if (!planned) continue;
    const doc = await documentAsScanned(scan.uri, scan.doc.text);
    if (!doc) {
      skipped.push(`${name}: VS Code reads it differently from the scan (its encoding); not edited`);
      continue;
    }
    for (const e of planned.edits) edit.replace(scan.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText, metadata);
    filled += planned.filled;
    fromCache += planned.cached;
  }
  metadata.description = vscode.l10n.t('{0} image(s) in {1} file(s), {2} from the cache', filled, edit.size, fromCache);
  return { edit, filled };
}

/** One scanned file's alt-text edits, read back with its parser; undefined when there are none or they fail. */
function fileEdits(scan: Scanned, name: string, run: AltRunResult, skipped: string[], longDescriptions = true): { edits: TextEdit[]; filled: number; cached: number } | undefined {
  const edits: TextEdit[] = [];
  const changes: IntendedChange[] = [];
  const ids = new Set<string>();
  let cached = 0;
  for (const t of scan.targets) {
    const outcome = run.results.get(t.jobId);
    const image = scan.doc.images[t.index] as FoundImage;
    if (!outcome?.ok) {
      skipped.push(`${name}:${image.line}: ${outcome?.reason ?? 'no answer'}`);
      continue;
    }
    edits.push(altEdit(image, outcome.alt));
    // A complex image's long description goes with it where the syntax keeps one.
    const described = outcome.longDescription && longDescriptions ? longDescriptionEdits(scan.doc, image, outcome.longDescription, ids) : undefined;
    if (described?.ok) edits.push(...described.edits);
    changes.push({ index: t.index, alt: outcome.alt, ...(described?.ok ? described.change : {}) });
    if (outcome.cached) cached++;
  }
  if (!edits.length) return undefined;
  const problem = verifyEdits(scan.doc.images, applyEdits(scan.doc.text, edits), scan.doc.language, changes, scan.doc.find);
  // Long descriptions that don't read back are left out; the alt text still goes in.
  if (problem && longDescriptions && changes.some((c) => c.longDescription)) return fileEdits(scan, name, run, [], false);
  if (problem) {
    skipped.push(`${name}: not edited, because ${problem}`);
    return undefined;
  }
  return { edits, filled: changes.length, cached };
}
