/**
 * Alt text in the editor: quick fixes on images without good alt text ("Generate alt text"), with it ("Refine alt
 * text…") and with a link whose letter case differs from the file ("Use the file's real name"); optional diagnostics
 * for every rule of `alt-text check`. "Fill Missing Alt Text in Workspace" is fill.ts. Finding, escaping, checking
 * edits and resolving links is all the core's (src/core/docs), exactly as in the CLI.
 */
import * as vscode from 'vscode';
import { checkDoc, isLocalLink, linkRoots, type DocFile } from '../../core/docs';
import { altEdit, applyEdits, srcEdit, verifyEdits, type IntendedChange, type TextEdit } from '../../core/docs';
import { altContextOf, altPrompt, generateAltTexts, runError, type AltJob, type AltOutcome } from '../../core/docs';
import type { FoundImage } from '../../core/finders';
import { resolveImageLink } from '../../core/docs';
import { judgeAlt } from '../../core/docs';
import { DescribeError, type RuleId } from '../../core/base';
import { showError } from '../base';
import { docOf } from './altTextRead';
import { openTarget, type Target } from '../models';
import { readAltTextSettings, readSettings, type AltTextSettings } from '../base';
import { withCache } from './cache';
import type { AltDeps } from './deps';
import { linkOptionsOf } from './roots';


function enabledRules(settings: AltTextSettings): Set<RuleId> {
  return new Set(settings.rules);
}

/**
 * Should this image get generated alt text? (missing or only whitespace, or saying nothing; not alt="", and not alt
 * that says the image is decorative: it wants alt="", which is not generated)
 */
function wantsAlt(image: FoundImage): boolean {
  if (image.altUnknown || image.altState === 'empty') return false;
  if (image.altState === 'missing') return true;
  const judged = judgeAlt(image);
  return !!judged && judged.kind !== 'decorative';
}

/** Resolve an image's link for reading it; a link that can't be read becomes a bad-input error with the reason. */
async function sourceOf(image: FoundImage, doc: DocFile, uri: vscode.Uri, settings: AltTextSettings): Promise<string> {
  if (image.srcDynamic) throw new DescribeError('bad-input', vscode.l10n.t("The image's source is an expression; it can't be described from here."));
  if (!image.src) throw new DescribeError('bad-input', vscode.l10n.t('The image has no source; there is nothing to describe.'));
  const link = await resolveImageLink(image.src, linkRoots(doc, await linkOptionsOf(uri, settings)));
  if (link.kind === 'url') return link.url;
  if (link.kind === 'file') return link.path;
  throw new DescribeError('bad-input', link.kind === 'missing' ? vscode.l10n.t('No such file: {0}', image.src) : link.reason);
}

/** Generate (or refine) the alt text of the image at `offset`. Returns true when the edit was applied. */
export async function generateAltTextAt(deps: AltDeps, uri: vscode.Uri, offset: number, refine: boolean): Promise<boolean> {
  const ui = deps.ui.current;
  try {
    const document = await vscode.workspace.openTextDocument(uri);
    const doc = await docOf(document);
    if (!doc) return false;
    const version = document.version;
    const index = doc.images.findIndex((i) => offset >= i.start && offset <= i.end);
    const image = doc.images[index];
    if (!image) return false;
    const settings = readAltTextSettings(uri);
    const context = settings.sendContext ? altContextOf(image) : undefined;
    const prompt = refine ? await refinePrompt(ui, image, settings, context) : undefined;
    if (refine && prompt === undefined) return false; // cancelled: nothing changes
    const source = await sourceOf(image, doc, uri, settings);
    const target = await openTarget(deps, uri);
    if (!target) return false;
    const outcome = await generateOne(deps, target, uri, { id: 'one', source, context }, { maxLength: settings.maxLength, prompt, useCache: !refine });
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

/** Refine: the user's instruction, made into a prompt with the current alt text; undefined when cancelled or blank. */
async function refinePrompt(ui: AltDeps['ui']['current'], image: FoundImage, settings: AltTextSettings, context: AltJob['context']): Promise<string | undefined> {
  const instruction = await ui.showInputBox({
    title: vscode.l10n.t('Refine alt text'),
    prompt: vscode.l10n.t('How should the alt text change? (e.g. shorter, mention the error dialog, in German)'),
    value: '',
    ignoreFocusOut: true,
  });
  if (instruction === undefined || !instruction.trim()) return undefined;
  return `${altPrompt(settings.maxLength, context)}\nThe current alt text is: "${image.alt}". Rewrite it following this instruction: ${instruction.trim()}`;
}

/** Generate one alt text with progress and cancel (a refine skips the cache: the same image must get a new answer). */
async function generateOne(deps: AltDeps, target: Target, uri: vscode.Uri, job: AltJob, how: { maxLength: number; prompt: string | undefined; useCache: boolean }): Promise<AltOutcome | undefined> {
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
async function applyChecked(document: vscode.TextDocument, doc: DocFile, edits: readonly TextEdit[], changes: readonly IntendedChange[], ui: AltDeps['ui']['current']): Promise<boolean> {
  const problem = verifyEdits(doc.images, applyEdits(doc.text, edits), doc.language, changes, doc.find);
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
    const doc = await docOf(document);
    const index = doc ? doc.images.findIndex((i) => offset >= i.start && offset <= i.end) : -1;
    const image = doc?.images[index];
    if (!doc || !image) return false;
    const settings = readAltTextSettings(uri);
    const link = await resolveImageLink(image.src, linkRoots(doc, await linkOptionsOf(uri, settings)));
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
  const doc = await docOf(document);
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
      const link = await resolveImageLink(image.src, linkRoots(doc, await linkOptionsOf(document.uri, settings)));
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
  const doc = settings.diagnostics ? await docOf(document) : undefined;
  if (!doc) {
    collection.delete(document.uri);
    return;
  }
  const version = document.version;
  const { findings } = await checkDoc(doc, { rules: enabledRules(settings), maxLength: settings.maxLength, ...(await linkOptionsOf(document.uri, settings)) });
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
