/**
 * "Describe Image: Verify Alt Text in This File": the core's verify (the same as `alt-text check --verify`) on the
 * open document with the user's model (any provider, VS Code's language models included). What will be sent is
 * confirmed first (nothing is asked when everything comes from the cache); the mismatches become `alt-mismatch`
 * diagnostics with the quick fix "Replace with suggested alt text" (the edit escaped as a fix writes it, and read
 * back before it applies). The diagnostics follow the document's edits: an image whose alt text changed loses its own.
 * Loaded on first use (index.ts).
 */
import * as vscode from 'vscode';
import { altEdit, applyEdits, verifyAltTexts, verifyEdits, type DocFile, type Finding, type VerifySummary } from '../../core/docs';
import type { AltRunPreview } from '../../core/docs';
import type { FoundImage } from '../../core/finders';
import { readAltTextSettings, readSettings, showError } from '../base';
import { openTarget, type Target } from '../models';
import { docOf } from './altTextRead';
import { withCache } from './cache';
import type { AltDeps } from './deps';
import { linkOptionsOf } from './roots';

/** A mismatch found in a document: which image (by link and alt text, which an edit elsewhere does not change). */
interface Mismatch {
  readonly src: string;
  readonly alt: string;
  readonly suggestion: string | undefined;
  readonly message: string;
}

const mismatches = new Map<string, Mismatch[]>();

export interface VerifyReport {
  readonly findings: readonly Finding[];
  readonly summary: VerifySummary;
}

/** Verify the alt text of the active (or given) document; undefined when nothing was verified (declined, no model). */
export async function verifyAltTextInFile(deps: AltDeps, collection: vscode.DiagnosticCollection, uri?: vscode.Uri): Promise<VerifyReport | undefined> {
  const ui = deps.ui.current;
  try {
    const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    const doc = document ? await docOf(document) : undefined;
    if (!document || !doc) {
      void ui.showWarningMessage(vscode.l10n.t('Open a Markdown, MDX, HTML or JSX file to verify its alt text.'));
      return undefined;
    }
    if (doc.parseError) {
      void ui.showWarningMessage(vscode.l10n.t("The file can't be read: {0}", doc.parseError.message));
      return undefined;
    }
    if (!readAltTextSettings(document.uri).rules.includes('alt-mismatch')) {
      void ui.showWarningMessage(vscode.l10n.t('The rule alt-mismatch is turned off in the setting describeImage.altText.disabledRules.'));
      return undefined;
    }
    const target = await openTarget(deps, document.uri);
    if (!target) return undefined;
    const version = document.version;
    const report = await runVerify(deps, document, doc, target);
    if (!report) return undefined;
    if (document.version !== version) {
      void ui.showWarningMessage(vscode.l10n.t('The document changed while its alt text was verified; run the command again.'));
      return report;
    }
    show(ui, collection, document, doc, report);
    return report;
  } catch (e) {
    await showError(ui, deps.log, e);
    return undefined;
  }
}

/** Verify with progress, cancel and the confirmation of what is sent. */
async function runVerify(deps: AltDeps, document: vscode.TextDocument, doc: DocFile, target: Target): Promise<VerifyReport | undefined> {
  const ui = deps.ui.current;
  const settings = readAltTextSettings(document.uri);
  const file = vscode.workspace.asRelativePath(document.uri, false);
  const confirm = async (preview: AltRunPreview): Promise<boolean> => {
    if (preview.requests === 0) return true; // everything from the cache: nothing is sent
    const send = vscode.l10n.t('Send');
    const message = vscode.l10n.t('Verify the alt text of {0} image(s) in {1}? This sends {2} request(s) with the images to {3} ({4} answered from the cache).', preview.images, file, preview.requests, target.where, preview.cached);
    return (await ui.showInformationMessage(message, send)) === send;
  };
  return ui.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Verifying alt text…'), cancellable: true }, async (_p, token) => {
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      return await withCache(deps, async (cache) =>
        verifyAltTexts([doc], {
          plan: { ...(await linkOptionsOf(document.uri, settings)), context: settings.sendContext },
          run: { settings: target.settings, client: target.backend, cache, resize: readSettings(document.uri).resizeImages, maxFrames: readSettings(document.uri).maxFrames, maxConcurrency: settings.concurrency, signal: controller.signal },
          maxLength: settings.maxLength,
          hide: (t) => deps.log.redact(t),
          beforeSend: confirm,
        }),
      );
    } finally {
      sub.dispose();
      await target.close();
    }
  });
}

/** The findings as diagnostics (kept for the quick fix) and a message saying what was found. */
function show(ui: AltDeps['ui']['current'], collection: vscode.DiagnosticCollection, document: vscode.TextDocument, doc: DocFile, report: VerifyReport): void {
  const found: Mismatch[] = [];
  for (const f of report.findings) {
    const image = doc.images.find((i) => i.line === f.line && i.column === f.column);
    if (image) found.push({ src: image.src, alt: image.alt, suggestion: f.suggestion, message: f.message });
  }
  mismatches.set(document.uri.toString(), found);
  place(collection, document, doc);
  const notVerified = report.summary.notVerified.length;
  const message = found.length
    ? vscode.l10n.t('{0} alt text(s) do not describe their image: see the Problems view for the suggested replacements.', found.length)
    : report.summary.images > 0
      ? vscode.l10n.t('Every alt text verified in this file describes its image.')
      : vscode.l10n.t('No image in this file has alt text that could be verified.');
  const extra = notVerified ? ` ${vscode.l10n.t('{0} image(s) could not be verified: {1}', notVerified, report.summary.notVerified.join('; '))}` : '';
  void (notVerified ? ui.showWarningMessage(message + extra) : ui.showInformationMessage(message));
}

/** The image a mismatch is about, in the document as it is now (same link and alt text), if it is still there. */
function imageOf(doc: DocFile, m: Mismatch): FoundImage | undefined {
  return doc.images.find((i) => i.src === m.src && i.alt === m.alt && i.altState === 'present');
}

/** Put the document's mismatches where their images are now (an image whose alt text changed has none). */
function place(collection: vscode.DiagnosticCollection, document: vscode.TextDocument, doc: DocFile): void {
  const list = mismatches.get(document.uri.toString()) ?? [];
  const kept = list.filter((m) => imageOf(doc, m));
  mismatches.set(document.uri.toString(), kept);
  collection.set(
    document.uri,
    kept.map((m) => {
      const image = imageOf(doc, m) as FoundImage;
      const d = new vscode.Diagnostic(new vscode.Range(document.positionAt(image.start), document.positionAt(image.end)), m.message, vscode.DiagnosticSeverity.Warning);
      d.source = 'Describe Image';
      d.code = 'alt-mismatch';
      return d;
    }),
  );
}

/** After an edit: the mismatches follow their images, or go with their alt text. */
export async function refreshVerified(collection: vscode.DiagnosticCollection, document: vscode.TextDocument): Promise<void> {
  if (!mismatches.has(document.uri.toString())) return;
  const doc = await docOf(document);
  if (doc && !doc.parseError) place(collection, document, doc);
}

export function forget(uri: vscode.Uri): void {
  mismatches.delete(uri.toString());
}

/** "Replace with suggested alt text" for the alt-mismatch diagnostics in a range. */
export async function verifyActions(document: vscode.TextDocument, diagnostics: readonly vscode.Diagnostic[]): Promise<vscode.CodeAction[]> {
  const doc = await docOf(document);
  const list = mismatches.get(document.uri.toString());
  if (!doc || !list) return [];
  const actions: vscode.CodeAction[] = [];
  for (const d of diagnostics.filter((x) => x.code === 'alt-mismatch' && x.source === 'Describe Image')) {
    const at = document.offsetAt(d.range.start);
    const index = doc.images.findIndex((i) => i.start === at);
    const image = doc.images[index];
    const m = image ? list.find((x) => x.src === image.src && x.alt === image.alt) : undefined;
    if (!image || !m?.suggestion) continue;
    const edit = altEdit(image, m.suggestion);
    if (verifyEdits(doc.images, applyEdits(doc.text, [edit]), doc.language, [{ index, alt: m.suggestion }], doc.find)) continue;
    const a = new vscode.CodeAction(vscode.l10n.t('Replace with suggested alt text'), vscode.CodeActionKind.QuickFix);
    a.edit = new vscode.WorkspaceEdit();
    a.edit.replace(document.uri, new vscode.Range(document.positionAt(edit.start), document.positionAt(edit.end)), edit.newText);
    a.diagnostics = [d];
    a.isPreferred = true;
    actions.push(a);
  }
  return actions;
}
