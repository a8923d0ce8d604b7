/**
 * Paste and drop into Markdown with generated alt text: beside VS Code's own "insert image" paste/drop, an option
 * "Insert image with generated alt text". Pasted image data is saved next to the document (as the built-in paste
 * does, through the same undoable edit); dropped workspace files are linked relatively. The alt text is generated
 * only when the user picks this option (in resolve), and a failure inserts the link with empty alt text and says why.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cleanAltText, escapeAlt } from '../core/altText';
import { describeImages } from '../core/describe';
import { sniffImage } from '../core/images';
import { markdownLinkTarget } from '../core/markdown';
import { resolveSettings } from '../core/settings';
import { altPrompt } from '../core/altTextRunner';
import { ensureReady } from './describeCommand';
import type { AltDeps } from './altText';
import { readAltTextSettings, readSettings } from './settings';

const KIND = vscode.DocumentDropOrPasteEditKind.Empty.append('markdown', 'link', 'image', 'describeImage');
const BUILT_IN_IMAGE = vscode.DocumentDropOrPasteEditKind.Empty.append('markdown', 'link', 'image');
const IMAGE_EXT = /\.(png|jpe?g|gif|webp|bmp|svg)$/i;

interface Pending {
  readonly document: vscode.TextDocument;
  /** Link target and the image to describe (path on disk, or bytes still to be written). */
  readonly images: readonly { target: string; name: string; fsPath?: string; bytes?: Uint8Array }[];
}

class AltPasteEdit extends vscode.DocumentPasteEdit {
  constructor(readonly pending: Pending, additional: vscode.WorkspaceEdit | undefined) {
    super('', vscode.l10n.t('Insert image with generated alt text'), KIND);
    this.yieldTo = [BUILT_IN_IMAGE];
    if (additional) this.additionalEdit = additional;
  }
}

class AltDropEdit extends vscode.DocumentDropEdit {
  constructor(readonly pending: Pending) {
    super('', vscode.l10n.t('Insert image with generated alt text'), KIND);
    this.yieldTo = [BUILT_IN_IMAGE];
  }
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
  const images: { target: string; name: string; fsPath?: string; bytes?: Uint8Array }[] = [];
  let additional: vscode.WorkspaceEdit | undefined;
  const uriList = await dataTransfer.get('text/uri-list')?.asString();
  if (uriList) {
    for (const line of uriList.split(/\r?\n/)) {
      if (!line.trim() || line.startsWith('#')) continue;
      const uri = vscode.Uri.parse(line.trim());
      if (uri.scheme === 'file' && IMAGE_EXT.test(uri.path)) images.push({ target: relativeTarget(document, uri), name: path.basename(uri.fsPath), fsPath: uri.fsPath });
      else if ((uri.scheme === 'https' || uri.scheme === 'http') && IMAGE_EXT.test(uri.path)) images.push({ target: uri.toString(true), name: path.posix.basename(uri.path) });
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

/** Generate the alt text of each image; a failure gives empty alt text and a message saying why. */
async function insertText(deps: AltDeps, pending: Pending, token: vscode.CancellationToken): Promise<string> {
  const alts: string[] = pending.images.map(() => '');
  const problems: string[] = [];
  const key = await ensureReady(deps);
  if (key) {
    deps.log.setSecrets([key]);
    const { maxLength } = readAltTextSettings(pending.document.uri);
    const settings = resolveSettings({ ...readSettings(pending.document.uri).raw, userPrompt: altPrompt(maxLength) });
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      await Promise.all(
        pending.images.map(async (image, i) => {
          try {
            const source = image.fsPath ?? (image.bytes ? { name: image.name, bytes: image.bytes } : image.target);
            const result = await describeImages({ settings, apiKey: key, sources: [source], signal: controller.signal, clientOptions: { logger: deps.log, tokenParamMemory: deps.tokenMemory } });
            if (result.finishReason === 'length' || result.finishReason === 'content_filter') problems.push(vscode.l10n.t('{0}: the answer was cut or filtered', image.name));
            else alts[i] = cleanAltText(result.text, maxLength);
          } catch (e) {
            problems.push(`${image.name}: ${e instanceof Error ? deps.log.redact(e.message) : String(e)}`);
          }
        }),
      );
    } finally {
      sub.dispose();
    }
  } else {
    problems.push(vscode.l10n.t('no endpoint or API key'));
  }
  if (problems.length) void deps.ui.current.showWarningMessage(vscode.l10n.t('Inserted without alt text: {0}', problems.join('; ')));
  return pending.images.map((image, i) => `![${escapeAlt(alts[i] ?? '', 'markdown')}](${markdownLinkTarget(image.target)})`).join('\n\n');
}

export function registerAltTextPaste(deps: AltDeps): vscode.Disposable[] {
  const paste: vscode.DocumentPasteEditProvider<AltPasteEdit> = {
    async provideDocumentPasteEdits(document, _ranges, dataTransfer) {
      const found = await collect(document, dataTransfer);
      return found ? [new AltPasteEdit(found.pending, found.additional)] : undefined;
    },
    async resolveDocumentPasteEdit(edit, token) {
      edit.insertText = await insertText(deps, edit.pending, token);
      return edit;
    },
  };
  const drop: vscode.DocumentDropEditProvider<AltDropEdit> = {
    async provideDocumentDropEdits(document, _position, dataTransfer) {
      const found = await collect(document, dataTransfer);
      if (!found) return undefined;
      const edit = new AltDropEdit(found.pending);
      if (found.additional) edit.additionalEdit = found.additional;
      return [edit];
    },
    async resolveDocumentDropEdit(edit, token) {
      edit.insertText = await insertText(deps, edit.pending, token);
      return edit;
    },
  };
  const selector = [{ language: 'markdown' }, { language: 'mdx' }];
  return [
    vscode.languages.registerDocumentPasteEditProvider(selector, paste, { providedPasteEditKinds: [KIND], pasteMimeTypes: ['image/*', 'text/uri-list'] }),
    vscode.languages.registerDocumentDropEditProvider(selector, drop, { providedDropEditKinds: [KIND], dropMimeTypes: ['image/*', 'text/uri-list'] }),
  ];
}
