/**
 * Alt text in the editor: quick fixes on images without good alt text ("Generate alt text"), with it ("Refine alt
 * text…") and with a link whose letter case differs from the file ("Use the file's real name"); optional diagnostics
 * for every rule of `alt-text check`. "Fill Missing Alt Text in Workspace" is fill.ts. Finding, escaping, checking
 * edits and resolving links is all the core's (src/core/docs), exactly as in the CLI.
 */
import * as vscode from 'vscode';
import { checkDoc, isLocalLink, linkRoots } from '../../core/docs';
import { altEdit, srcEdit } from '../../core/docs';
import { altContextOf, altPrompt, type AltJob } from '../../core/docs';
import type { FoundImage } from '../../core/finders';
import { resolveImageLink } from '../../core/docs';
import { documentPurpose, judgeAlt, longDescriptionEdits } from '../../core/docs';
import { type RuleId } from '../../core/base';
import { showError } from '../base';
import { docOf } from './altTextRead';
import { openTarget } from '../models';
import { readAltTextSettings, type AltTextSettings } from '../base';
import type { AltDeps } from './deps';
import { linkOptionsOf } from './roots';
import { applyChecked, generateOne, readsBack, sourceOf } from './one';
import { purposeActions } from './purpose';

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
    const outcome = await generateOne(deps, target, uri, { id: 'one', source, context, purpose: documentPurpose(image) }, { maxLength: settings.maxLength, prompt, useCache: !refine });
    if (!outcome?.ok) {
      void ui.showWarningMessage(vscode.l10n.t('No alt text was inserted: {0}', outcome?.reason ?? vscode.l10n.t('no answer.')));
      return false;
    }
    if (document.version !== version) {
      void ui.showWarningMessage(vscode.l10n.t('The document changed while the alt text was generated; run the quick fix again.'));
      return false;
    }
    // A complex image's long description goes with it where the syntax keeps one (else only the alt text).
    const described = outcome.longDescription ? longDescriptionEdits(doc, image, outcome.longDescription, new Set()) : undefined;
    const extra = described?.ok && readsBack(doc, [altEdit(image, outcome.alt), ...described.edits], [{ index, alt: outcome.alt, ...described.change }]) ? described : undefined;
    return applyChecked(document, doc, [altEdit(image, outcome.alt), ...(extra?.edits ?? [])], [{ index, alt: outcome.alt, ...extra?.change }], ui);
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
    actions.push(...purposeActions(doc, image, args));
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
