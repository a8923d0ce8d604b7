/**
 * Alt text in the editor: quick fixes on images without alt text ("Generate alt text") and with it ("Refine alt
 * text…"), an optional diagnostic, and "Fill Missing Alt Text in Workspace", which scans the docs, generates with
 * progress, cancel, bounded concurrency and a cache, and proposes ONE workspace edit for review before anything changes.
 */
import ignore, { type Ignore } from 'ignore';
import * as vscode from 'vscode';
import { altEdit, findImages, imagesWithoutAlt, type FoundImage } from '../core/altText';
import { altPrompt, FileAltCache, generateAltTexts, resolveImageSource, type AltJob } from '../core/altTextRunner';
import { ChatClient } from '../core/client';
import { DescribeError } from '../core/errors';
import { createDispatcher, proxyFromEnv } from '../core/http';
import { resolveSettings } from '../core/settings';
import { showError } from './actions';
import { ensureReady, type DescribeDeps } from './describeCommand';
import { readAltTextSettings, readProxySettings, readSettings } from './settings';

export const ALT_LANGUAGES = ['markdown', 'mdx', 'html', 'javascriptreact', 'typescriptreact'];
const LANGUAGE_BY_EXT: Readonly<Record<string, string>> = { md: 'markdown', markdown: 'markdown', mdx: 'mdx', html: 'html', htm: 'html', jsx: 'javascriptreact', tsx: 'typescriptreact' };

function languageOf(doc: { languageId: string; uri: vscode.Uri }): string | undefined {
  if (ALT_LANGUAGES.includes(doc.languageId)) return doc.languageId;
  return LANGUAGE_BY_EXT[doc.uri.path.split('.').pop()?.toLowerCase() ?? ''];
}

export interface AltDeps extends DescribeDeps {
  readonly context: vscode.ExtensionContext;
}

/** Where site-absolute paths start: the docs-root setting, or the document's workspace folder. */
function docsRoot(uri: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const setting = readAltTextSettings(uri).docsRoot;
  const base = folder?.uri.fsPath ?? uri.fsPath.replace(/[/\\][^/\\]*$/, '');
  return setting ? vscode.Uri.joinPath(vscode.Uri.file(base), setting).fsPath : base;
}

async function withClient<T>(deps: AltDeps, key: string, run: (client: ChatClient, cache: FileAltCache) => Promise<T>): Promise<T> {
  const proxy = readProxySettings();
  const dispatcher = createDispatcher({ ...(proxy.proxy ? { proxy: proxy.proxy, noProxy: proxy.noProxy } : proxyFromEnv(process.env)), strictSSL: proxy.strictSSL });
  const client = new ChatClient({ apiKey: key, dispatcher, tokenParamMemory: deps.tokenMemory, logger: deps.log });
  const cache = await FileAltCache.load(vscode.Uri.joinPath(deps.context.globalStorageUri, 'alt-text-cache.json').fsPath);
  try {
    return await run(client, cache);
  } finally {
    await cache.save();
    await client.close();
    await dispatcher.close();
  }
}

/** Generate (or refine) the alt text of the image at `offset` in the document. Returns true when the edit was applied. */
export async function generateAltTextAt(deps: AltDeps, uri: vscode.Uri, offset: number, refine: boolean): Promise<boolean> {
  const ui = deps.ui.current;
  try {
    const document = await vscode.workspace.openTextDocument(uri);
    const language = languageOf(document);
    if (!language) return false;
    const version = document.version;
    const image = findImages(document.getText(), language).find((i) => offset >= i.start && offset <= i.end);
    if (!image) return false;
    let prompt: string | undefined;
    const settings = readAltTextSettings(uri);
    if (refine) {
      const instruction = await ui.showInputBox({
        title: vscode.l10n.t('Refine alt text'),
        prompt: vscode.l10n.t('How should the alt text change? (e.g. shorter, mention the error dialog, in German)'),
        value: '',
        ignoreFocusOut: true,
      });
      if (instruction === undefined || !instruction.trim()) return false; // cancelled: nothing changes
      prompt = `${altPrompt(settings.maxLength)}\nThe current alt text is: "${image.alt}". Rewrite it following this instruction: ${instruction.trim()}`;
    }
    const source = resolveImageSource(image.src, document.uri.fsPath, docsRoot(uri));
    if (!source) throw new DescribeError('bad-input', vscode.l10n.t('{0} is not a local file or an http(s) URL.', image.src));
    const key = await ensureReady(deps);
    if (!key) return false;
    deps.log.setSecrets([key]);
    const resolved = resolveSettings(readSettings(uri).raw);
    const outcome = await ui.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Generating alt text…'), cancellable: true }, (_p, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      return withClient(deps, key, async (client, cache) => {
        try {
          const { results } = await generateAltTexts([{ id: 'one', source }], { settings: resolved, apiKey: key, client, cache: refine ? undefined : cache, maxLength: settings.maxLength, prompt, signal: controller.signal, maxConcurrency: 1 });
          return results.get('one');
        } finally {
          sub.dispose();
        }
      });
    });
    if (!outcome?.ok) {
      void ui.showWarningMessage(vscode.l10n.t('No alt text was inserted: {0}', outcome?.reason ?? vscode.l10n.t('no answer.')));
      return false;
    }
    if (document.version !== version) {
      void ui.showWarningMessage(vscode.l10n.t('The document changed while the alt text was generated; run the quick fix again.'));
      return false;
    }
    const text = document.getText();
    const e = altEdit(image, outcome.alt, text);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)), e.newText);
    return vscode.workspace.applyEdit(edit);
  } catch (e) {
    await showError(ui, deps.log, e);
    return false;
  }
}

export class AltTextCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite];

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const language = languageOf(document);
    if (!language) return [];
    const start = document.offsetAt(range.start);
    const end = document.offsetAt(range.end);
    const actions: vscode.CodeAction[] = [];
    for (const image of findImages(document.getText(), language)) {
      if (image.end < start || image.start > end) continue;
      if (!image.alt.trim()) {
        const a = new vscode.CodeAction(vscode.l10n.t('Generate alt text'), vscode.CodeActionKind.QuickFix);
        a.command = { command: 'describeImage.generateAltText', title: a.title, arguments: [document.uri, image.start] };
        a.isPreferred = true;
        actions.push(a);
      } else {
        const a = new vscode.CodeAction(vscode.l10n.t('Refine alt text…'), vscode.CodeActionKind.RefactorRewrite);
        a.command = { command: 'describeImage.refineAltText', title: a.title, arguments: [document.uri, image.start] };
        actions.push(a);
      }
    }
    return actions;
  }
}

/** The optional "image without alt text" diagnostic (off by default). */
export function updateDiagnostics(collection: vscode.DiagnosticCollection, document: vscode.TextDocument): void {
  const language = languageOf(document);
  if (!language || document.uri.scheme === 'output' || !readAltTextSettings(document.uri).diagnostics) {
    collection.delete(document.uri);
    return;
  }
  collection.set(
    document.uri,
    imagesWithoutAlt(document.getText(), language).map((i) => {
      const d = new vscode.Diagnostic(new vscode.Range(document.positionAt(i.start), document.positionAt(i.end)), vscode.l10n.t('Image without alt text'), vscode.DiagnosticSeverity.Information);
      d.source = 'Describe Image';
      d.code = 'MD045';
      return d;
    }),
  );
}

interface FileScan {
  readonly uri: vscode.Uri;
  readonly text: string;
  readonly version: number | undefined;
  readonly images: readonly FoundImage[];
}

async function scanWorkspace(): Promise<FileScan[]> {
  const { glob } = readAltTextSettings(undefined);
  const uris = await vscode.workspace.findFiles(glob, undefined, 5000);
  const ignoreByFolder = new Map<string, Ignore>();
  const out: FileScan[] = [];
  for (const uri of uris.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (folder) {
      let ig = ignoreByFolder.get(folder.uri.toString());
      if (!ig) {
        ig = ignore();
        try {
          ig.add(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, '.gitignore'))));
        } catch {
          // no .gitignore
        }
        ignoreByFolder.set(folder.uri.toString(), ig);
      }
      const rel = vscode.workspace.asRelativePath(uri, false);
      if (rel && ig.ignores(rel)) continue;
    }
    const language = LANGUAGE_BY_EXT[uri.path.split('.').pop()?.toLowerCase() ?? ''];
    if (!language) continue;
    // A file open with unsaved changes is read (and later edited) as the open document, never from disk.
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const images = imagesWithoutAlt(text, language);
    if (images.length) out.push({ uri, text, version: open?.version, images });
  }
  return out;
}

export interface FillReport {
  readonly found: number;
  readonly filled: number;
  readonly skipped: readonly string[];
  readonly sent: number;
  readonly applied: boolean;
}

/** Fill Missing Alt Text in Workspace: scan, confirm, generate with progress, then one reviewed edit. */
export async function fillMissingAltText(deps: AltDeps): Promise<FillReport | undefined> {
  const ui = deps.ui.current;
  try {
    const scans = await scanWorkspace();
    const found = scans.reduce((n, s) => n + s.images.length, 0);
    if (found === 0) {
      void ui.showInformationMessage(vscode.l10n.t('Every image in the workspace has alt text.'));
      return { found: 0, filled: 0, skipped: [], sent: 0, applied: false };
    }
    const go = vscode.l10n.t('Generate');
    const picked = await ui.showInformationMessage(vscode.l10n.t('Found {0} image(s) without alt text in {1} file(s). Generate alt text for them? You will review every change before it is applied.', found, scans.length), go);
    if (picked !== go) return undefined;
    const key = await ensureReady(deps);
    if (!key) return undefined;
    deps.log.setSecrets([key]);
    const altSettings = readAltTextSettings(undefined);
    const resolved = resolveSettings(readSettings().raw);
    const jobs: (AltJob & { scan: FileScan; image: FoundImage })[] = [];
    const skipped: string[] = [];
    for (const scan of scans) {
      for (const image of scan.images) {
        const source = resolveImageSource(image.src, scan.uri.fsPath, docsRoot(scan.uri));
        if (source) jobs.push({ id: `${scan.uri.toString()}#${image.start}`, source, scan, image });
        else skipped.push(`${vscode.workspace.asRelativePath(scan.uri)}:${image.line + 1}: ${image.src}`);
      }
    }
    const run = await ui.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Generating alt text'), cancellable: true }, (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      let last = 0;
      return withClient(deps, key, async (client, cache) => {
        try {
          return await generateAltTexts(jobs, {
            settings: resolved,
            apiKey: key,
            client,
            cache,
            maxLength: altSettings.maxLength,
            maxConcurrency: altSettings.concurrency,
            signal: controller.signal,
            onProgress: (done, total, current) => {
              progress.report({ message: vscode.l10n.t('{0} of {1}: {2}', done, total, vscode.workspace.asRelativePath(current)), increment: ((done - last) / total) * 100 });
              last = done;
            },
          });
        } finally {
          sub.dispose();
        }
      });
    });
    const edit = new vscode.WorkspaceEdit();
    let filled = 0;
    for (const job of jobs) {
      const outcome = run.results.get(job.id);
      if (!outcome?.ok) {
        skipped.push(`${vscode.workspace.asRelativePath(job.scan.uri)}:${job.image.line + 1}: ${outcome?.reason ?? 'no answer'}`);
        continue;
      }
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === job.scan.uri.toString());
      if (open && open.getText() !== job.scan.text) {
        skipped.push(`${vscode.workspace.asRelativePath(job.scan.uri)}: changed while alt text was generated`);
        continue;
      }
      const e = altEdit(job.image, outcome.alt, job.scan.text);
      const doc = open ?? (await vscode.workspace.openTextDocument(job.scan.uri));
      edit.replace(job.scan.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText, {
        label: vscode.l10n.t('Alt text: {0}', outcome.alt),
        needsConfirmation: deps.ui.current.reviewEdits,
        description: outcome.cached ? vscode.l10n.t('from the cache') : job.image.src,
      });
      filled++;
    }
    for (const s of skipped) deps.log.warn(`Alt text not filled: ${s}`);
    deps.log.info(`Alt text: ${filled} of ${found} filled; ${run.stats.sent} request(s) sent, ${run.stats.cached} cached, ${run.stats.deduplicated} duplicate(s), ${run.stats.throttled} throttled.`);
    // needsConfirmation opens the refactor preview; no isRefactoring flag, which would auto-save the files
    // (files.refactoring.autoSave), including ones with the user's unsaved changes.
    const applied = filled > 0 ? await vscode.workspace.applyEdit(edit) : false;
    if (skipped.length) {
      const showLog = vscode.l10n.t('Show Log');
      void ui.showWarningMessage(vscode.l10n.t('{0} image(s) got no alt text (cut, filtered, failed or not a file): see the log.', skipped.length), showLog).then((p) => p === showLog && deps.log.show());
    }
    return { found, filled, skipped, sent: run.stats.sent, applied };
  } catch (e) {
    await showError(ui, deps.log, e);
    return undefined;
  }
}

export function registerAltText(deps: AltDeps): vscode.Disposable[] {
  const selector = ALT_LANGUAGES.map((language) => ({ language }));
  const diagnostics = vscode.languages.createDiagnosticCollection('describeImage.altText');
  const refresh = (d: vscode.TextDocument) => updateDiagnostics(diagnostics, d);
  for (const d of vscode.workspace.textDocuments) refresh(d);
  return [
    diagnostics,
    vscode.languages.registerCodeActionsProvider(selector, new AltTextCodeActions(), { providedCodeActionKinds: AltTextCodeActions.kinds }),
    vscode.commands.registerCommand('describeImage.generateAltText', (uri: vscode.Uri, offset: number) => generateAltTextAt(deps, uri, offset, false)),
    vscode.commands.registerCommand('describeImage.refineAltText', (uri: vscode.Uri, offset: number) => generateAltTextAt(deps, uri, offset, true)),
    vscode.commands.registerCommand('describeImage.fillMissingAltText', () => fillMissingAltText(deps)),
    vscode.workspace.onDidOpenTextDocument(refresh),
    vscode.workspace.onDidChangeTextDocument((e) => refresh(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => diagnostics.delete(d.uri)),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('describeImage.altText') && vscode.workspace.textDocuments.forEach(refresh)),
  ];
}
