/**
 * Paste and drop into Markdown with generated alt text: beside VS Code's own "insert image" paste/drop, an option
 * "Insert image with generated alt text". It is always an explicit choice: it yields to every plain image insert, and
 * when VS Code's own is not there (its Markdown features not active yet, turned off by a setting, or an MDX file) we
 * offer a plain "Insert image" of our own as the default, so nothing is ever sent unless the user picks the option.
 * Pasted image data is saved next to the document (as the built-in paste does, in the same undoable edit); dropped
 * workspace files are linked relatively. A failure inserts the link with empty alt text and says why.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { altPrompt, generateAltTexts, type AltJob } from '../../core/docs';
import { withCache } from './cache';
import { sniffImage } from '../../core/images';
import { markdownLinkTarget, escapeMarkdownText } from '../../core/markdown';
import type { AltDeps } from './deps';
import { BUILT_IN_IMAGE, KIND, PLAIN_KIND } from './kinds';
import { openTarget } from '../models';
import { readAltTextSettings, readSettings } from '../base';
import { hasImageExtension } from '../../core/base';


interface PendingImage {
  /** Link target, relative to the document (or a URL). */
  readonly target: string;
  readonly name: string;
  readonly fsPath?: string;
  readonly bytes?: Uint8Array;
}

interface Pending {
  readonly document: vscode.TextDocument;
  readonly images: readonly PendingImage[];
}

class AltPasteEdit extends vscode.DocumentPasteEdit {
  constructor(
    readonly pending: Pending,
    additional: vscode.WorkspaceEdit | undefined,
  ) {
    super('', vscode.l10n.t('Insert image with generated alt text'), KIND);
    this.yieldTo = [BUILT_IN_IMAGE, PLAIN_KIND];
    if (additional) this.additionalEdit = additional;
  }
}

class AltDropEdit extends vscode.DocumentDropEdit {
  constructor(readonly pending: Pending) {
    super('', vscode.l10n.t('Insert image with generated alt text'), KIND);
    this.yieldTo = [BUILT_IN_IMAGE, PLAIN_KIND];
  }
}

/**
 * Will VS Code's own Markdown extension offer its image insert here? Only for Markdown (not MDX), when it is active
 * and its setting does not turn it off.
 */
export function builtInImageInsertAvailable(document: vscode.TextDocument, action: 'paste' | 'drop'): boolean {
  if (document.languageId !== 'markdown') return false;
  if (!vscode.extensions.getExtension('vscode.markdown-language-features')?.isActive) return false;
  const setting = action === 'paste' ? 'editor.filePaste.enabled' : 'editor.drop.enabled';
  const value = vscode.workspace.getConfiguration('markdown', document.uri).get<string | boolean>(setting, 'smart');
  return value !== 'never' && value !== false;
}

async function uniqueUri(dir: vscode.Uri, name: string): Promise<vscode.Uri> {
  const ext = path.extname(name) || '.png';
  const base = path.basename(name, ext) || 'image';
  for (let i = 0; ; i++) {
    const candidate = vscode.Uri.joinPath(dir, `${base}${i ? `-${i}` : ''}${ext}`);
    try {
      await vscode.workspace.fs.stat(candidate);
    } catch {
      return candidate;
    }
  }
}

function relativeTarget(document: vscode.TextDocument, uri: vscode.Uri): string {
  return path.relative(path.dirname(document.uri.fsPath), uri.fsPath).split(path.sep).join('/');
}

/** Images in a paste or drop: image data (saved beside the document) and image files (linked). */
async function collect(document: vscode.TextDocument, dataTransfer: vscode.DataTransfer): Promise<{ pending: Pending; additional: vscode.WorkspaceEdit | undefined } | undefined> {
  const images: PendingImage[] = [];
  let additional: vscode.WorkspaceEdit | undefined;
  const uriList = await dataTransfer.get('text/uri-list')?.asString();
  if (uriList) {
    for (const line of uriList.split(/\r?\n/)) {
      if (!line.trim() || line.startsWith('#')) continue;
      const uri = vscode.Uri.parse(line.trim());
      if (uri.scheme === 'file' && hasImageExtension(uri.path)) images.push({ target: relativeTarget(document, uri), name: path.basename(uri.fsPath), fsPath: uri.fsPath });
      else if ((uri.scheme === 'https' || uri.scheme === 'http') && hasImageExtension(uri.path)) images.push({ target: uri.toString(true), name: path.posix.basename(uri.path) });
    }
  }
  if (images.length === 0 && document.uri.scheme === 'file') {
    for (const [mime, item] of dataTransfer) {
      if (!mime.startsWith('image/')) continue;
      const file = item.asFile();
      if (!file) continue;
      const bytes = await file.data();
      if (!sniffImage(bytes)) continue;
      const dest = await uniqueUri(vscode.Uri.file(path.dirname(document.uri.fsPath)), file.name || 'image.png');
      additional ??= new vscode.WorkspaceEdit();
      additional.createFile(dest, { contents: bytes });
      images.push({ target: relativeTarget(document, dest), name: path.basename(dest.fsPath), bytes });
    }
  }
  return images.length ? { pending: { document, images }, additional } : undefined;
}

function imageMarkdown(pending: Pending, alts: readonly string[]): string {
  const mdx = pending.document.languageId === 'mdx';
  return pending.images.map((image, i) => `![${escapeMarkdownText(alts[i] ?? '', mdx)}](${markdownLinkTarget(image.target)})`).join('\n\n');
}

/**
 * Generate the alt text of each image through the one alt-text path (the cache, the animation prompt, the token
 * minimum, the decorative check: core/docs generateAltTexts); a failure gives empty alt text and a message saying why.
 */
async function insertText(deps: AltDeps, pending: Pending, token: vscode.CancellationToken): Promise<string> {
  const alts: string[] = pending.images.map(() => '');
  const problems: string[] = [];
  const { maxLength } = readAltTextSettings(pending.document.uri);
  const target = await openTarget(deps, pending.document.uri, { userPrompt: altPrompt(maxLength) });
  if (!target) problems.push(vscode.l10n.t('no model, endpoint, key or sign-in'));
  else {
    const extensionSettings = readSettings(pending.document.uri);
    const jobs: AltJob[] = pending.images.map((image, i) => ({ id: String(i), source: image.fsPath ?? (image.bytes ? image.name : image.target), bytes: image.bytes }));
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      const run = await withCache(deps, (cache) =>
        generateAltTexts(jobs, { settings: target.settings, client: target.backend, cache, maxLength, resize: extensionSettings.resizeImages, maxFrames: extensionSettings.maxFrames, signal: controller.signal }),
      );
      pending.images.forEach((image, i) => {
        const outcome = run.results.get(String(i));
        if (outcome?.ok) alts[i] = outcome.alt;
        else problems.push(`${image.name}: ${deps.log.redact(outcome?.reason ?? 'no answer')}`);
      });
    } finally {
      sub.dispose();
      await target.close();
    }
  }
  if (problems.length) void deps.ui.current.showWarningMessage(vscode.l10n.t('Inserted without alt text: {0}', problems.join('; ')));
  return imageMarkdown(pending, alts);
}

/** The paste and drop providers (the altText door registers them, loading this file on first use). */
export function pasteProviders(deps: AltDeps): { paste: vscode.DocumentPasteEditProvider; drop: vscode.DocumentDropEditProvider } {
  const paste: vscode.DocumentPasteEditProvider = {
    async provideDocumentPasteEdits(document, _ranges, dataTransfer) {
      const found = await collect(document, dataTransfer);
      if (!found) return undefined;
      const edits: vscode.DocumentPasteEdit[] = [new AltPasteEdit(found.pending, found.additional)];
      if (!builtInImageInsertAvailable(document, 'paste')) {
        const plain = new vscode.DocumentPasteEdit(imageMarkdown(found.pending, []), vscode.l10n.t('Insert image'), PLAIN_KIND);
        plain.yieldTo = [BUILT_IN_IMAGE];
        if (found.additional) plain.additionalEdit = found.additional;
        edits.unshift(plain);
      }
      return edits;
    },
    async resolveDocumentPasteEdit(edit, token) {
      if (edit instanceof AltPasteEdit) edit.insertText = await insertText(deps, edit.pending, token);
      return edit;
    },
  };
  const drop: vscode.DocumentDropEditProvider = {
    async provideDocumentDropEdits(document, _position, dataTransfer) {
      const found = await collect(document, dataTransfer);
      if (!found) return undefined;
      const ours = new AltDropEdit(found.pending);
      if (found.additional) ours.additionalEdit = found.additional;
      if (builtInImageInsertAvailable(document, 'drop')) return [ours];
      const plain = new vscode.DocumentDropEdit(imageMarkdown(found.pending, []), vscode.l10n.t('Insert image'), PLAIN_KIND);
      plain.yieldTo = [BUILT_IN_IMAGE];
      if (found.additional) plain.additionalEdit = found.additional;
      return [plain, ours];
    },
    async resolveDocumentDropEdit(edit, token) {
      if (edit instanceof AltDropEdit) edit.insertText = await insertText(deps, edit.pending, token);
      return edit;
    },
  };
  return { paste, drop };
}
