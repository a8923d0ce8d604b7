/**
 * Alt text in the editor: quick fixes on images without good alt text ("Generate alt text"), with it ("Refine alt
 * text…") and with a link whose letter case differs from the file ("Use the file's real name"); optional diagnostics
 * for every rule of `alt-text check`; and "Fill Missing Alt Text in Workspace", which scans the docs like the CLI does,
 * generates with progress, cancel, bounded concurrency and a cache, and proposes ONE workspace edit for review.
 * Finding, escaping, checking edits and resolving links is all the core's (src/core/docs), exactly as in the CLI.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkDoc,isLocalLink,linkRoots,type DocFile } from '../../core/docs';
import { altEdit,applyEdits,srcEdit,verifyEdits,type IntendedChange,type TextEdit } from '../../core/docs';
import { listDocFiles } from '../../core/docs';
import { altPrompt,FileAltCache,generateAltTexts,runError,type AltJob } from '../../core/docs';
import type { FoundImage } from '../../core/finders';
import { DirectoryCache,isInside,resolveImageLink,type ResolvedLink } from '../../core/docs';
import { uninformativeReason } from '../../core/docs';
import { contentHash } from '../../core/docs';
import { DescribeError,DOC_FILE_LIMIT,type RuleId } from '../../core/base';
import { showError } from '../base';
import { docOf,documentAsScanned,readForScan,textNow } from './altTextRead';
import { openTarget } from '../models';
import { readAltTextSettings,readSettings,type AltTextSettings } from '../base';
import type { AltDeps } from './deps';


/** The folder links may lead to: the document's workspace folder, else its own folder. */
function folderOf(uri: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(uri.fsPath);
}

/** Where site-absolute links start: the docs-root setting inside the folder, else the folder. */
function docsRootOf(uri: vscode.Uri, settings: AltTextSettings): string {
  const folder = folderOf(uri);
  if (!settings.docsRoot) return folder;
  const root = path.resolve(folder, settings.docsRoot);
  return isInside(folder, root) ? root : folder;
}

function enabledRules(settings: AltTextSettings): Set<RuleId> {
  return new Set(settings.rules);
}

/** Should this image get generated alt text? (missing or only whitespace, or saying nothing; not alt="") */
function wantsAlt(image: FoundImage): boolean {
  if (image.altUnknown || image.altState === 'empty') return false;
  return image.altState === 'missing' || !!uninformativeReason(image.alt, image.src);
}

async function withCache<T>(deps: AltDeps, run: (cache: FileAltCache) => Promise<T>): Promise<T> {
  const cache = await FileAltCache.load(vscode.Uri.joinPath(deps.context.globalStorageUri, 'alt-text-cache.json').fsPath);
  try {
    return await run(cache);
  } finally {
    await cache.save().catch((e: unknown) => deps.log.warn(`The alt-text cache could not be saved: ${String(e)}`));
  }
}

/** Resolve an image's link for reading it; a link that can't be read becomes a bad-input error with the reason. */
async function sourceOf(image: FoundImage, doc: DocFile, uri: vscode.Uri, settings: AltTextSettings): Promise<string> {
  if (image.srcDynamic || !image.src) throw new DescribeError('bad-input', vscode.l10n.t("The image's source is an expression; it can't be described from here."));
  const link = await resolveImageLink(image.src, linkRoots(doc, { root: folderOf(uri), docsRoot: docsRootOf(uri, settings) }));
  if (link.kind === 'url') return link.url;
  if (link.kind === 'file') return link.path;
  throw new DescribeError('bad-input', link.kind === 'missing' ? vscode.l10n.t('No such file: {0}', image.src) : link.reason);
}

/** Generate (or refine) the alt text of the image at `offset`. Returns true when the edit was applied. */
export async function generateAltTextAt(deps: AltDeps, uri: vscode.Uri, offset: number, refine: boolean): Promise<boolean> {
  const ui = deps.ui.current;
  try {
    const document = await vscode.workspace.openTextDocument(uri);
    const doc = docOf(document);
    if (!doc) return false;
    const version = document.version;
    const index = doc.images.findIndex((i) => offset >= i.start && offset <= i.end);
    const image = doc.images[index];
    if (!image) return false;
    const settings = readAltTextSettings(uri);
    const context = settings.sendContext ? { heading: image.heading, text: image.context } : undefined;
    let prompt: string | undefined;
    if (refine) {
      const instruction = await ui.showInputBox({
        title: vscode.l10n.t('Refine alt text'),
        prompt: vscode.l10n.t('How should the alt text change? (e.g. shorter, mention the error dialog, in German)'),
        value: '',
        ignoreFocusOut: true,
      });
      if (instruction === undefined || !instruction.trim()) return false; // cancelled: nothing changes
      prompt = `${altPrompt(settings.maxLength, context)}\nThe current alt text is: "${image.alt}". Rewrite it following this instruction: ${instruction.trim()}`;
    }
    const source = await sourceOf(image, doc, uri, settings);
    const target = await openTarget(deps, uri);
    if (!target) return false;
    const resolved = target.settings;
    const outcome = await ui.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Generating alt text…'), cancellable: true }, async (_p, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        return await withCache(deps, async (cache) => {
          const run = await generateAltTexts([{ id: 'one', source, context }], {
            settings: resolved,
            client: target.backend,
            cache: refine ? undefined : cache,
            maxLength: settings.maxLength,
            resize: readSettings(uri).resizeImages,
            maxFrames: readSettings(uri).maxFrames,
            prompt,
            signal: controller.signal,
            maxConcurrency: 1,
          });
          const stop = runError(run);
          if (stop) throw stop;
          return run.results.get('one');
        });
      } finally {
        sub.dispose();
        await target.close();
      }
    });
    if (!outcome?.ok) {
      void ui.showWarningMessage(vscode.l10n.t('No alt text was inserted: {0}', outcome?.reason ?? vscode.l10n.t('no answer.')));
      return false;
    }
    if (document.version !== version) {
      void ui.showWarningMessage(vscode.l10n.t('The document changed while the alt text was generated; run the quick fix again.'));
      return false;
    }
    return applyChecked(document, doc, [altEdit(image, outcome.alt)], [{ index, alt: outcome.alt }], ui);
  } catch (e) {
    await showError(ui, deps.log, e);
    return false;
  }
}

/** Apply edits to an open document after reading the result back (same images, intended alt/links). */
async function applyChecked(document: vscode.TextDocument, doc: DocFile, edits: readonly TextEdit[], changes: readonly IntendedChange[], ui: AltDeps['ui']['current']): Promise<boolean> {
  const problem = verifyEdits(doc.images, applyEdits(doc.text, edits), doc.language, changes);
  if (problem) {
    void ui.showWarningMessage(vscode.l10n.t('The edit was not applied, because {0}.', problem));
    return false;
  }
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)), e.newText);
  return vscode.workspace.applyEdit(edit);
}

/** "Use the file's real name": rewrite the link's letter case. */
export async function useRealFileName(deps: AltDeps, uri: vscode.Uri, offset: number): Promise<boolean> {
  try {
    const document = await vscode.workspace.openTextDocument(uri);
    const doc = docOf(document);
    const index = doc ? doc.images.findIndex((i) => offset >= i.start && offset <= i.end) : -1;
    const image = doc?.images[index];
    if (!doc || !image) return false;
    const settings = readAltTextSettings(uri);
    const link = await resolveImageLink(image.src, linkRoots(doc, { root: folderOf(uri), docsRoot: docsRootOf(uri, settings) }));
    const edit = link.kind === 'file' && link.caseFixedSrc ? srcEdit(image, doc.text, link.caseFixedSrc) : undefined;
    if (!edit || link.kind !== 'file') {
      void deps.ui.current.showWarningMessage(vscode.l10n.t("The link can't be rewritten safely; correct its letter case by hand."));
      return false;
    }
    return applyChecked(document, doc, [edit], [{ index, src: link.caseFixedSrc }], deps.ui.current);
  } catch (e) {
    await showError(deps.ui.current, deps.log, e);
    return false;
  }
}

/** The quick fixes for the images in a range: generate, refine, use the file's real name. */
export async function provideAltTextActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): Promise<vscode.CodeAction[]> {
  const doc = docOf(document);
  if (!doc) return [];
  const start = document.offsetAt(range.start);
  const end = document.offsetAt(range.end);
  const actions: vscode.CodeAction[] = [];
  const settings = readAltTextSettings(document.uri);
  for (const image of doc.images) {
    if (image.end < start || image.start > end) continue;
    const args = [document.uri, image.start];
    if (wantsAlt(image)) {
      const a = new vscode.CodeAction(vscode.l10n.t('Generate alt text'), vscode.CodeActionKind.QuickFix);
      a.command = { command: 'describeImage.generateAltText', title: a.title, arguments: args };
      a.isPreferred = image.altState === 'missing';
      actions.push(a);
    }
    if (image.altState === 'present' && !image.altUnknown) {
      const a = new vscode.CodeAction(vscode.l10n.t('Refine alt text…'), vscode.CodeActionKind.RefactorRewrite);
      a.command = { command: 'describeImage.refineAltText', title: a.title, arguments: args };
      actions.push(a);
    }
    if (isLocalLink(image)) {
      const link = await resolveImageLink(image.src, linkRoots(doc, { root: folderOf(document.uri), docsRoot: docsRootOf(document.uri, settings) }));
      if (link.kind === 'file' && link.caseFixedSrc && srcEdit(image, doc.text, link.caseFixedSrc)) {
        const a = new vscode.CodeAction(vscode.l10n.t("Use the file's real name: {0}", link.realName.split('/').pop() ?? link.realName), vscode.CodeActionKind.QuickFix);
        a.command = { command: 'describeImage.useRealFileName', title: a.title, arguments: args };
        actions.push(a);
      }
    }
  }
  return actions;
}

/** The diagnostics (off by default): one per finding of the enabled rules, as `alt-text check` reports them. */
export async function updateDiagnostics(collection: vscode.DiagnosticCollection, document: vscode.TextDocument): Promise<void> {
  const settings = readAltTextSettings(document.uri);
  const doc = settings.diagnostics ? docOf(document) : undefined;
  if (!doc) {
    collection.delete(document.uri);
    return;
  }
  const version = document.version;
  const { findings } = await checkDoc(doc, { rules: enabledRules(settings), maxLength: settings.maxLength, root: folderOf(document.uri), docsRoot: docsRootOf(document.uri, settings) });
  if (document.version !== version || document.isClosed) return; // a newer run will report
  collection.set(
    document.uri,
    findings.map((f) => {
      const image = doc.images.find((i) => i.line === f.line && i.column === f.column);
      const start = image ? document.positionAt(image.start) : new vscode.Position(f.line - 1, f.column - 1);
      const d = new vscode.Diagnostic(new vscode.Range(start, image ? document.positionAt(image.end) : start), f.message, f.rule === 'image-missing' || f.rule === 'image-path-case' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information);
      d.source = 'Describe Image';
      d.code = f.rule;
      return d;
    }),
  );
}

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
    const docsRoot = docsRootOf(folder.uri, settings);
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
          skipped.push(`${where}: the source is an expression`);
          continue;
        }
        const link: ResolvedLink = await resolveImageLink(image.src, linkRoots(doc, { root: folder.uri.fsPath, docsRoot }), dirCache);
        if (link.kind === 'missing' || link.kind === 'refused') {
          skipped.push(`${where}: ${link.kind === 'missing' ? `no such file: ${image.src}` : link.reason}`);
          continue;
        }
        const jobId = `${uri.toString()}#${index}`;
        targets.push({ index, jobId });
        jobs.push({ id: jobId, source: link.kind === 'url' ? link.url : link.path, context: settings.sendContext ? { heading: image.heading, text: image.context } : undefined });
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
    const resolved = target.settings;
    const run = await ui.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Generating alt text'), cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      let last = 0;
      try {
        return await withCache(deps, (cache) =>
          generateAltTexts(jobs, {
            settings: resolved,
            client: target.backend,
            cache,
            maxLength: settings.maxLength,
            resize: readSettings().resizeImages,
            maxFrames: readSettings().maxFrames,
            maxConcurrency: settings.concurrency,
            signal: controller.signal,
            onProgress: (done, total, current) => {
              progress.report({ message: vscode.l10n.t('{0} of {1}: {2}', done, total, vscode.workspace.asRelativePath(current)), increment: ((done - last) / total) * 100 });
              last = done;
            },
          }),
        );
      } finally {
        sub.dispose();
        await target.close();
      }
    });
    const stop = runError(run);
    if (stop) throw stop; // one message for the whole run (wrong key, no deployment…); a cancel shows nothing
    const edit = new vscode.WorkspaceEdit();
    // One group in the refactor preview: VS Code lists changes that need confirmation unticked, so the user reviews
    // the diffs, ticks the group (or single files) and presses Apply; nothing changes before that.
    const metadata: vscode.WorkspaceEditEntryMetadata = { label: vscode.l10n.t('Generated alt text'), needsConfirmation: deps.ui.current.reviewEdits };
    let filled = 0;
    let fromCache = 0;
    for (const scan of scans) {
      const name = vscode.workspace.asRelativePath(scan.uri);
      // The file as it is now: its open document, or the disk. Anything changed since the scan is left alone.
      const nowText = await textNow(scan.uri);
      if (nowText === undefined || contentHash(nowText) !== contentHash(scan.doc.text)) {
        skipped.push(`${name}: changed while alt text was generated; not edited (run again)`);
        continue;
      }
      const edits: TextEdit[] = [];
      const changes: IntendedChange[] = [];
      let cachedHere = 0;
      for (const t of scan.targets) {
        const outcome = run.results.get(t.jobId);
        const image = scan.doc.images[t.index] as FoundImage;
        if (!outcome?.ok) {
          skipped.push(`${name}:${image.line}: ${outcome?.reason ?? 'no answer'}`);
          continue;
        }
        edits.push(altEdit(image, outcome.alt));
        changes.push({ index: t.index, alt: outcome.alt });
        if (outcome.cached) cachedHere++;
      }
      if (!edits.length) continue;
      const problem = verifyEdits(scan.doc.images, applyEdits(scan.doc.text, edits), scan.doc.language, changes);
      if (problem) {
        skipped.push(`${name}: not edited, because ${problem}`);
        continue;
      }
      const doc = await documentAsScanned(scan.uri, scan.doc.text);
      if (!doc) {
        skipped.push(`${name}: VS Code reads it differently from the scan (its encoding); not edited`);
        continue;
      }
      for (const e of edits) edit.replace(scan.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText, metadata);
      filled += edits.length;
      fromCache += cachedHere;
    }
    metadata.description = vscode.l10n.t('{0} image(s) in {1} file(s), {2} from the cache', filled, edit.size, fromCache);
    for (const s of skipped) deps.log.warn(`Alt text not filled: ${s}`);
    deps.log.info(`Alt text: ${filled} of ${jobs.length} filled; ${run.stats.sent} request(s) sent, ${run.stats.cached} cached, ${run.stats.deduplicated} duplicate(s), ${run.stats.throttled} throttled.`);
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
