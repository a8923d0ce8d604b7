/**
 * The purpose quick fixes: "Mark as decorative" (alt="" in HTML and JSX, `type="icon"` in Learn; Markdown has no
 * decorative image, so it is not offered there) and "Add a long description" (the model is asked for one, as for a
 * complex image, and it is written where the syntax keeps it: core/docs longDescription.ts). Both read the result
 * back with the same parser before the open document changes.
 */
import * as vscode from 'vscode';
import { altContextOf, altEdit, decorativeEdits, judgeAlt, longDescriptionEdits, type DocFile, type IntendedChange, type TextEdit } from '../../core/docs';
import type { FoundImage } from '../../core/finders';
import { showError, readAltTextSettings } from '../base';
import { openTarget } from '../models';
import { docOf } from './altTextRead';
import type { AltDeps } from './deps';
import { applyChecked, generateOne, sourceOf } from './one';

/** The image at `offset` in the document at `uri`, read now. */
async function imageAt(uri: vscode.Uri, offset: number): Promise<{ document: vscode.TextDocument; doc: DocFile; image: FoundImage; index: number } | undefined> {
  const document = await vscode.workspace.openTextDocument(uri);
  const doc = await docOf(document);
  const index = doc ? doc.images.findIndex((i) => offset >= i.start && offset <= i.end) : -1;
  const image = doc?.images[index];
  return doc && image ? { document, doc, image, index } : undefined;
}

/** "Mark as decorative": alt="" (or Learn's type="icon") on the image at `offset`. */
export async function markDecorativeAt(deps: AltDeps, uri: vscode.Uri, offset: number): Promise<boolean> {
  const ui = deps.ui.current;
  try {
    const at = await imageAt(uri, offset);
    if (!at) return false;
    const marked = decorativeEdits(at.image);
    if (!marked.ok) {
      void ui.showWarningMessage(vscode.l10n.t('The image was not marked decorative: {0}.', marked.reason));
      return false;
    }
    return applyChecked(at.document, at.doc, marked.edits, [{ index: at.index, ...marked.change }], ui);
  } catch (e) {
    await showError(ui, deps.log, e);
    return false;
  }
}

/** "Add a long description": asked of the model as for a complex image, written after the image (and its alt, if it had none). */
export async function addLongDescriptionAt(deps: AltDeps, uri: vscode.Uri, offset: number): Promise<boolean> {
  const ui = deps.ui.current;
  try {
    const at = await imageAt(uri, offset);
    if (!at) return false;
    const { document, doc, image, index } = at;
    const version = document.version;
    const settings = readAltTextSettings(uri);
    const source = await sourceOf(image, doc, uri, settings);
    const target = await openTarget(deps, uri);
    if (!target) return false;
    const context = settings.sendContext ? altContextOf(image) : undefined;
    const outcome = await generateOne(deps, target, uri, { id: 'one', source, context, purpose: 'complex' }, { maxLength: settings.maxLength, prompt: undefined, useCache: true });
    if (!outcome?.ok || !outcome.longDescription) {
      void ui.showWarningMessage(vscode.l10n.t('No long description was added: {0}', outcome?.ok ? vscode.l10n.t('the model gave none.') : (outcome?.reason ?? vscode.l10n.t('no answer.'))));
      return false;
    }
    if (document.version !== version) {
      void ui.showWarningMessage(vscode.l10n.t('The document changed while the long description was generated; run the quick fix again.'));
      return false;
    }
    const written = longDescriptionEdits(doc, image, outcome.longDescription, new Set());
    if (!written.ok) {
      void ui.showWarningMessage(vscode.l10n.t('No long description was added: {0}.', written.reason));
      return false;
    }
    // An image without alt text gets the short alt of the same answer; alt text already there is the author's.
    const withAlt = image.altState === 'missing' && !image.altUnknown;
    const edits: TextEdit[] = withAlt ? [altEdit(image, outcome.alt), ...written.edits] : written.edits;
    const change: IntendedChange = { index, ...written.change, ...(withAlt ? { alt: outcome.alt } : {}) };
    return applyChecked(document, doc, edits, [change], ui);
  } catch (e) {
    await showError(ui, deps.log, e);
    return false;
  }
}

/** The purpose quick fixes an image can take (none for what its syntax can't hold). */
export function purposeActions(doc: DocFile, image: FoundImage, args: readonly unknown[]): vscode.CodeAction[] {
  const actions: vscode.CodeAction[] = [];
  if (image.decorative) return actions;
  if (decorativeEdits(image).ok) {
    const a = new vscode.CodeAction(image.learn ? vscode.l10n.t('Mark as decorative (type="icon")') : vscode.l10n.t('Mark as decorative (alt="")'), vscode.CodeActionKind.QuickFix);
    a.command = { command: 'describeImage.markDecorative', title: a.title, arguments: [...args] };
    // Alt text that calls its image decorative: this is the fix it asks for.
    a.isPreferred = image.altState === 'present' && judgeAlt(image)?.kind === 'decorative';
    actions.push(a);
  }
  // Offered where a long description has a place (probed with a stand-in text; the model is asked only when chosen).
  if (!image.srcDynamic && image.src && longDescriptionEdits(doc, image, 'stand-in', new Set()).ok) {
    const a = new vscode.CodeAction(vscode.l10n.t('Add a long description'), vscode.CodeActionKind.RefactorRewrite);
    a.command = { command: 'describeImage.addLongDescription', title: a.title, arguments: [...args] };
    actions.push(a);
  }
  return actions;
}
