/**
 * Alt text in the editor: quick fixes, optional diagnostics, Fill Missing Alt Text in Workspace, and paste/drop with
 * generated alt text. Registered at activation for the documentation languages; the finders, rules and generation
 * (altText.ts, fill.ts, altTextPaste.ts: the docs subsystem and its parsers) load the first time a document needs them — a
 * quick fix asked for, diagnostics turned on, a fill or a paste.
 */
import * as vscode from 'vscode';
import { docLanguageOf, VSCODE_LANGUAGE_IDS } from '../../core/base';
import { readAltTextSettings } from '../base';
import type * as AltTextImpl from './altText';
import type * as FillImpl from './fill';
import type * as AltTextPasteImpl from './altTextPaste';
import type * as VerifyImpl from './verify';
import type { AltDeps } from './deps';
import { KIND, PLAIN_KIND } from './kinds';

export type { AltDeps } from './deps';

/** VS Code language ids the alt-text features serve (activation events list the same). */
export const ALT_LANGUAGES: readonly string[] = Object.keys(VSCODE_LANGUAGE_IDS);

type Impl = typeof AltTextImpl;
let loaded: Promise<Impl> | undefined;
const impl = (): Promise<Impl> => (loaded ??= import('./altText'));
let verifyLoaded: Promise<typeof VerifyImpl> | undefined;
const verifyImpl = (): Promise<typeof VerifyImpl> => (verifyLoaded ??= import('./verify'));

class AltTextCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite];
  async provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    // Verify's quick fixes only where its diagnostics are (the module is loaded by then).
    const verified = context.diagnostics.some((d) => d.code === 'alt-mismatch') ? await (await verifyImpl()).verifyActions(document, context.diagnostics) : [];
    return [...verified, ...(await (await impl()).provideAltTextActions(document, range))];
  }
}

/** Fill Missing Alt Text in Workspace (the command; tests call it through the command too). */
export async function fillMissingAltText(deps: AltDeps): Promise<FillImpl.FillReport | undefined> {
  return (await import('./fill')).fillMissingAltText(deps);
}

export function registerAltText(deps: AltDeps): vscode.Disposable[] {
  const selector = ALT_LANGUAGES.map((language) => ({ language, scheme: 'file' }));
  const diagnostics = vscode.languages.createDiagnosticCollection('describeImage.altText');
  // Verify Alt Text in This File's findings: only after the command ran (it loads ./verify).
  const verified = vscode.languages.createDiagnosticCollection('describeImage.altTextVerify');
  const followEdits = (d: vscode.TextDocument) => {
    if (verifyLoaded && verified.has(d.uri)) void verifyImpl().then((m) => m.refreshVerified(verified, d)).catch((e: unknown) => deps.log.warn(`Verified alt text for ${d.uri.toString()}: ${String(e)}`));
  };
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const refresh = (d: vscode.TextDocument, delay = 0) => {
    const key = d.uri.toString();
    clearTimeout(timers.get(key));
    // Diagnostics are off by default: then nothing is parsed (and nothing loaded), only stale ones are cleared.
    if (!docLanguageOf(d.languageId, d.uri.path) || !readAltTextSettings(d.uri).diagnostics) {
      diagnostics.delete(d.uri);
      return;
    }
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        impl()
          .then((m) => m.updateDiagnostics(diagnostics, d))
          .catch((e: unknown) => deps.log.warn(`Alt-text diagnostics for ${key}: ${String(e)}`));
      }, delay),
    );
  };
  for (const d of vscode.workspace.textDocuments) refresh(d);
  return [
    diagnostics,
    verified,
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
    vscode.languages.registerCodeActionsProvider(selector, new AltTextCodeActions(), { providedCodeActionKinds: AltTextCodeActions.kinds }),
    vscode.commands.registerCommand('describeImage.generateAltText', async (uri: vscode.Uri, offset: number) => (await impl()).generateAltTextAt(deps, uri, offset, false)),
    vscode.commands.registerCommand('describeImage.refineAltText', async (uri: vscode.Uri, offset: number) => (await impl()).generateAltTextAt(deps, uri, offset, true)),
    vscode.commands.registerCommand('describeImage.useRealFileName', async (uri: vscode.Uri, offset: number) => (await impl()).useRealFileName(deps, uri, offset)),
    vscode.commands.registerCommand('describeImage.markDecorative', async (uri: vscode.Uri, offset: number) => (await import('./purpose')).markDecorativeAt(deps, uri, offset)),
    vscode.commands.registerCommand('describeImage.addLongDescription', async (uri: vscode.Uri, offset: number) => (await import('./purpose')).addLongDescriptionAt(deps, uri, offset)),
    vscode.commands.registerCommand('describeImage.fillMissingAltText', () => fillMissingAltText(deps)),
    vscode.commands.registerCommand('describeImage.verifyAltText', async (uri?: vscode.Uri) => (await verifyImpl()).verifyAltTextInFile(deps, verified, uri instanceof vscode.Uri ? uri : undefined)),
    vscode.workspace.onDidOpenTextDocument((d) => refresh(d)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      refresh(e.document, 300);
      followEdits(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      diagnostics.delete(d.uri);
      verified.delete(d.uri);
      if (verifyLoaded) void verifyImpl().then((m) => m.forget(d.uri));
    }),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('describeImage.altText') && vscode.workspace.textDocuments.forEach((d) => refresh(d))),
  ];
}

/** Paste and drop into Markdown with generated alt text, always as an explicit choice beside the plain insert. */
export function registerAltTextPaste(deps: AltDeps): vscode.Disposable[] {
  let providers: Promise<ReturnType<typeof AltTextPasteImpl.pasteProviders>> | undefined;
  const load = () => (providers ??= import('./altTextPaste').then((m) => m.pasteProviders(deps)));
  const paste: vscode.DocumentPasteEditProvider = {
    provideDocumentPasteEdits: async (...args) => (await load()).paste.provideDocumentPasteEdits?.(...args),
    resolveDocumentPasteEdit: async (edit, token) => (await (await load()).paste.resolveDocumentPasteEdit?.(edit, token)) ?? edit,
  };
  const drop: vscode.DocumentDropEditProvider = {
    provideDocumentDropEdits: async (...args) => (await load()).drop.provideDocumentDropEdits(...args),
    resolveDocumentDropEdit: async (edit, token) => (await (await load()).drop.resolveDocumentDropEdit?.(edit, token)) ?? edit,
  };
  const selector = [
    { language: 'markdown', scheme: 'file' },
    { language: 'mdx', scheme: 'file' },
  ];
  return [
    vscode.languages.registerDocumentPasteEditProvider(selector, paste, { providedPasteEditKinds: [KIND, PLAIN_KIND], pasteMimeTypes: ['image/*', 'text/uri-list'] }),
    vscode.languages.registerDocumentDropEditProvider(selector, drop, { providedDropEditKinds: [KIND, PLAIN_KIND], dropMimeTypes: ['image/*', 'text/uri-list'] }),
  ];
}
