/**
 * Describe Image: Paste Screenshot… — a webview panel, because VS Code's clipboard API carries text only. The user
 * pastes (Ctrl/Cmd+V), drops, or picks images; the extension validates every message and every byte (the webview is
 * never trusted), keeps accepted images in the extension's global storage while the panel shows them (pasteStore.ts:
 * the result document links them and a reload restores the panel; removed or closed, they are deleted), and sends them
 * through the same describe flow as the Explorer command. Errors show in the panel with the same actions; nothing
 * pasted is lost on an error.
 *
 * One class for one panel's life (its messages, images, store and describe); the storage (pasteStore.ts), what a
 * restored panel shows again (restore.ts) and the message checks (src/webview/protocol.ts) are files of their own.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { isDetail, ACCEPTED_MIME_TYPES, extensionForMime, IMAGE_FILE_EXTENSIONS, MAX_IMAGES, isConvertible } from '../../core/base';
import { isDescribeError, type FixAction } from '../../core/base';
import { sniffImage } from '../../core/images';
import { makeThumbnail } from '../../core/images';
import { PROMPT_PRESETS } from '../../core/base';
import { safeImageName, validateFromWebview, type Detail, type ImageInfo, type PanelState, type ToWebview } from '../../webview/protocol';
import { actionLabel, runAction } from '../base';
import { describeUris } from '../describe';
import { extractTextFromUris } from '../extractText';
import { PasteStore } from './pasteStore';
import { restoredImages } from './restore';
import { PASTE_VIEW_TYPE } from './viewType';
import { readSettings } from '../base';
import { type DescribeDeps } from '../base';
import { describeChoice } from '../models';

/** Largest pasted file accepted (larger than the service's 20 MB: the image pipeline shrinks it). */
export const MAX_PASTE_BYTES = 50 * 1024 * 1024;

interface HeldImage {
  readonly info: ImageInfo;
  readonly uri: vscode.Uri;
}

export class PastePanel implements vscode.Disposable {
  static current: PastePanel | undefined;
  private images: HeldImage[] = [];
  private state: Omit<PanelState, 'images'>;
  private controller: AbortController | undefined;
  private retry: (() => Promise<unknown>) | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Describing or reading text: images removed meanwhile are deleted when it ends (the run may still read them). */
  private busy = 0;
  private readonly removedWhileBusy: string[] = [];
  /** This panel's folder in the store; kept in the webview's state so a restored panel finds it. */
  readonly panelId: string;

  static show(context: vscode.ExtensionContext, deps: DescribeDeps, store: PasteStore): PastePanel {
    if (PastePanel.current) {
      PastePanel.current.panel.reveal();
      return PastePanel.current;
    }
    const panel = vscode.window.createWebviewPanel(PASTE_VIEW_TYPE, vscode.l10n.t('Paste Screenshot'), vscode.ViewColumn.Active, PastePanel.options(context));
    PastePanel.current = new PastePanel(panel, context, deps, store, undefined);
    return PastePanel.current;
  }

  static options(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media')] };
  }

  /** Restore a panel after a reload, from the state the webview saved. */
  static async revive(panel: vscode.WebviewPanel, saved: unknown, context: vscode.ExtensionContext, deps: DescribeDeps, store: PasteStore): Promise<PastePanel> {
    panel.webview.options = PastePanel.options(context);
    const p = new PastePanel(panel, context, deps, store, saved);
    PastePanel.current = p;
    await p.restoreImages(saved);
    return p;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly deps: DescribeDeps,
    private readonly store: PasteStore,
    saved: unknown,
  ) {
    const settings = readSettings().raw;
    const savedState = (typeof saved === 'object' && saved !== null ? saved : {}) as Partial<PanelState>;
    this.panelId = PasteStore.isPanelId(savedState.panelId) ? savedState.panelId : PasteStore.newPanelId();
    const stillOpen = () => void this.store.opened(this.panelId).catch((e: unknown) => this.deps.log.warn(`Paste panel: could not record the open panel (${String(e)}).`));
    stillOpen();
    const renew = setInterval(stillOpen, 60 * 60_000);
    const detail: Detail = isDetail(savedState.detail) ? savedState.detail : isDetail(settings.detail) ? settings.detail : 'auto';
    this.state = {
      prompt: typeof savedState.prompt === 'string' ? savedState.prompt : settings.userPrompt?.trim() || (PROMPT_PRESETS[0]?.prompt ?? ''),
      detail,
      presetId: typeof savedState.presetId === 'string' ? savedState.presetId : undefined,
    };
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('describeImage') && this.post({ type: 'deployment', deployment: this.deployment() })),
      { dispose: () => clearInterval(renew) },
    );
  }

  /** The panel was closed: its images are deleted (only a reload keeps them, for the restored panel). */
  dispose(): void {
    if (this.disposables.length === 0) return;
    this.controller?.abort();
    if (PastePanel.current === this) PastePanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    void this.store.closed(this.panelId).catch((e: unknown) => this.deps.log.warn(`Paste panel: the pasted images could not be deleted (${String(e)}).`));
  }

  /** The images' files, as the panel holds them (URLs are not files). */
  files(): vscode.Uri[] {
    return this.images.filter((i) => !i.info.url).map((i) => i.uri);
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  /** The model that will answer and where the images go, as the status bar says it. */
  private deployment(): string | undefined {
    const choice = describeChoice();
    return choice.where ? `${choice.label} — ${choice.local ? vscode.l10n.t('images stay on {0}', choice.where) : vscode.l10n.t('images go to {0}', choice.where)}` : choice.label;
  }

  private storage(): vscode.Uri {
    return this.store.folder(this.panelId);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const checked = validateFromWebview(raw, { maxBytes: MAX_PASTE_BYTES, maxImages: MAX_IMAGES });
    if (!checked.ok) {
      this.deps.log.warn(`Paste panel: ignored a message (${checked.reason}).`);
      return;
    }
    const m = checked.message;
    switch (m.type) {
      case 'ready':
        this.post({
          type: 'init',
          state: { ...this.state, images: this.images.map((i) => i.info), panelId: this.panelId },
          presets: PROMPT_PRESETS,
          deployment: this.deployment(),
          maxImages: MAX_IMAGES,
          maxBytes: MAX_PASTE_BYTES,
        });
        break;
      case 'state':
        this.state = { prompt: m.prompt, detail: m.detail, presetId: m.presetId };
        break;
      case 'addImages':
        await this.add(m.images.map((i) => ({ name: i.name, bytes: Buffer.from(i.dataBase64, 'base64') })));
        break;
      case 'addUrl':
        this.addUrl(m.url);
        break;
      case 'pick':
        await this.pick();
        break;
      case 'remove':
        await this.remove(m.id);
        break;
      case 'send':
        this.state = { prompt: m.prompt, detail: m.detail, presetId: m.presetId };
        await this.send();
        break;
      case 'extract':
        await this.extract();
        break;
      case 'cancel':
        this.controller?.abort();
        break;
      case 'action':
        if (m.action === 'retry') await this.retry?.();
        else await runAction(m.action as FixAction, this.deps.log);
        this.post({ type: 'deployment', deployment: this.deployment() });
        break;
    }
  }

  /** Take an image out of the panel and delete its file (after the run that may be reading it). Only ids it holds. */
  async remove(id: string): Promise<void> {
    const held = this.images.find((i) => i.info.id === id);
    if (!held) return;
    this.images = this.images.filter((i) => i !== held);
    this.post({ type: 'images', images: this.images.map((i) => i.info) });
    if (held.info.url) return; // a web address: no file
    if (this.busy > 0) this.removedWhileBusy.push(id);
    else await this.deleteRemoved([id]);
  }

  private async deleteRemoved(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      if (this.images.some((i) => i.info.id === id)) continue; // pasted again meanwhile
      await this.store.removeImage(this.panelId, id).catch((e: unknown) => this.deps.log.warn(`Paste panel: a removed image could not be deleted (${String(e)}).`));
    }
  }

  /** Run describing or reading text; images removed meanwhile are deleted after it. */
  private async whileBusy<T>(run: () => Promise<T>): Promise<T> {
    this.busy++;
    try {
      return await run();
    } finally {
      if (--this.busy === 0) await this.deleteRemoved(this.removedWhileBusy.splice(0));
    }
  }

  private refuse(message: string): void {
    this.deps.log.info(`Paste panel: ${message}`);
    this.post({ type: 'refused', message });
  }

  /** Check and keep pasted bytes: sniffed (never trusted by name or declared type), capped in size and count. */
  async add(incoming: readonly { name: string; bytes: Uint8Array }[]): Promise<void> {
    const refused: string[] = [];
    for (const [n, item] of incoming.entries()) {
      const name = safeImageName(item.name, `pasted-${n + 1}`);
      if (this.images.length >= MAX_IMAGES) {
        refused.push(vscode.l10n.t('{0} was not added: one request takes at most {1} images.', name, MAX_IMAGES));
        continue;
      }
      if (item.bytes.length === 0) {
        refused.push(vscode.l10n.t('{0} is empty.', name));
        continue;
      }
      if (item.bytes.length > MAX_PASTE_BYTES) {
        refused.push(vscode.l10n.t('{0} is larger than {1} MB.', name, MAX_PASTE_BYTES / 1048576));
        continue;
      }
      const sniffed = sniffImage(item.bytes);
      if (!sniffed || !(ACCEPTED_MIME_TYPES.includes(sniffed.mime) || isConvertible(sniffed.mime))) {
        refused.push(vscode.l10n.t('{0} is not an image that can be described (PNG, JPEG, GIF, WebP, BMP, SVG, TIFF or AVIF).', name));
        continue;
      }
      const hash = createHash('sha256').update(item.bytes).digest('hex').slice(0, 20);
      if (this.images.some((i) => i.info.id === hash)) continue;
      // Kept as pasted/<hash>/<name>: the document shows the pasted name, identical pastes share one file.
      const displayName = /\.[a-z0-9]+$/i.test(name) ? name : `${name}.${extensionForMime(sniffed.mime) ?? 'img'}`;
      const uri = vscode.Uri.joinPath(this.storage(), hash, displayName);
      await vscode.workspace.fs.writeFile(uri, item.bytes);
      const thumbnail = await makeThumbnail(item.bytes).catch(() => undefined);
      this.images.push({ uri, info: { id: hash, name: displayName, mime: sniffed.mime, bytes: item.bytes.length, width: sniffed.width, height: sniffed.height, thumbnail, url: undefined } });
    }
    this.post({ type: 'images', images: this.images.map((i) => i.info) });
    if (refused.length) this.refuse(refused.join(' '));
  }

  private addUrl(url: string): void {
    if (this.images.length >= MAX_IMAGES) return this.refuse(vscode.l10n.t('One request takes at most {0} images.', MAX_IMAGES));
    const id = `url-${createHash('sha256').update(url).digest('hex').slice(0, 16)}`;
    if (!this.images.some((i) => i.info.id === id)) {
      const name = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? url);
      this.images.push({ uri: vscode.Uri.parse(url), info: { id, name, mime: 'url', bytes: 0, width: undefined, height: undefined, thumbnail: undefined, url } });
    }
    this.post({ type: 'images', images: this.images.map((i) => i.info) });
  }

  private async pick(): Promise<void> {
    const picked = await this.deps.ui.current.showOpenDialog({ canSelectMany: true, openLabel: vscode.l10n.t('Add'), filters: { [vscode.l10n.t('Images')]: [...IMAGE_FILE_EXTENSIONS] } });
    if (!picked?.length) return;
    const files = await Promise.all(picked.map(async (u) => ({ name: u.path.split('/').pop() ?? 'image', bytes: await vscode.workspace.fs.readFile(u) })));
    await this.add(files);
  }

  private async restoreImages(saved: unknown): Promise<void> {
    for (const image of await restoredImages(saved, this.store, this.panelId, this.deps.log)) {
      if ('url' in image) this.addUrl(image.url);
      else await this.add([image]);
    }
  }

  /** Read the text of the images on this machine; the text opens as a Markdown document. Nothing is sent. */
  async extract(): Promise<vscode.TextDocument | undefined> {
    if (this.controller) return undefined;
    const files = this.images.filter((i) => i.uri.scheme !== 'http' && i.uri.scheme !== 'https');
    if (files.length === 0) {
      this.refuse(this.images.length ? vscode.l10n.t('Text is read only from images you pasted, dropped or chose: web addresses are not fetched.') : vscode.l10n.t('Paste, drop or choose an image first.'));
      return undefined;
    }
    this.post({ type: 'busy', busy: true, message: vscode.l10n.t('Reading the text on this machine…') });
    let doc: vscode.TextDocument | undefined;
    try {
      doc = await this.whileBusy(() => extractTextFromUris(this.deps, files.map((i) => i.uri)));
      return doc;
    } finally {
      this.post({ type: 'busy', busy: false, message: doc ? vscode.l10n.t('The text is open in a new tab.') : undefined });
    }
  }

  /** Describe the images with the panel's prompt and detail; the result opens as the usual Markdown document. */
  async send(): Promise<vscode.TextDocument | undefined> {
    if (this.controller) return undefined;
    if (this.images.length === 0) {
      this.refuse(vscode.l10n.t('Paste, drop or choose an image first.'));
      return undefined;
    }
    const controller = new AbortController();
    this.controller = controller;
    this.post({ type: 'busy', busy: true, message: vscode.l10n.t('Describing {0} image(s)…', this.images.length) });
    let status: string | undefined;
    try {
      const uris = this.images.map((i) => i.uri);
      const doc = await this.whileBusy(() => describeUris(this.deps, uris, {
        userPrompt: this.state.prompt,
        detail: this.state.detail,
        signal: controller.signal,
        onError: async (error, retry) => {
          this.retry = retry;
          if (isDescribeError(error) && error.code === 'cancelled') {
            status = vscode.l10n.t('Cancelled. Your images and prompt are still here.');
            return;
          }
          const message = this.deps.log.redact(error instanceof Error ? error.message : String(error));
          this.deps.log.error(`Paste panel: ${message}`);
          status = vscode.l10n.t('Not described. Your images and prompt are still here.');
          const actions = isDescribeError(error) ? error.actions : (['show-log'] as const);
          this.post({ type: 'error', message, actions: actions.map((action) => ({ action, label: actionLabel(action) })) });
        },
      }));
      if (doc) status = vscode.l10n.t('The description is open in a new tab.');
      return doc;
    } finally {
      this.controller = undefined;
      this.post({ type: 'busy', busy: false, message: status });
    }
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    const media = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'media', ...p));
    const t = (s: string) => escapeHtml(vscode.l10n.t(s));
    return `<!DOCTYPE html>
<html lang="${escapeHtml(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${webview.cspSource} data:; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${media('paste.css')}">
<title>${t('Paste Screenshot')}</title>
</head>
<body>
<main>
  <h1>${t('Describe a screenshot')}</h1>
  <div id="drop" class="drop" tabindex="0" role="button" aria-describedby="drop-hint">
    <p id="drop-hint">${t('Press Ctrl+V (Cmd+V) to paste a screenshot, drop image files here, or')} <button id="pick" type="button" class="link">${t('choose files…')}</button></p>
  </div>
  <p id="notice" class="notice" role="status" aria-live="polite"></p>
  <ul id="images" class="images" aria-label="${t('Images to describe')}"></ul>
  <section class="ask" aria-label="${t('Prompt')}">
    <div class="row">
      <label for="preset">${t('Ask')}</label>
      <select id="preset"></select>
    </div>
    <textarea id="prompt" rows="4" aria-label="${t('Prompt')}"></textarea>
    <div class="row">
      <fieldset class="detail"><legend>${t('Detail')}</legend>
        <label><input type="radio" name="detail" value="auto"> auto</label>
        <label><input type="radio" name="detail" value="low"> low</label>
        <label><input type="radio" name="detail" value="high"> high</label>
      </fieldset>
      <span id="deployment" class="deployment"></span>
      <button id="choose-model" type="button" class="link">${t('Choose Model…')}</button>
    </div>
  </section>
  <div id="error" class="error" role="alert" hidden><p id="error-text"></p><div id="error-actions" class="actions"></div></div>
  <div class="send-row">
    <button id="send" type="button" class="primary" title="Ctrl+Enter">${t('Describe')}</button>
    <button id="extract" type="button" title="${t('Read the words in the images here, with nothing sent anywhere')}">${t('Extract text (on this machine)')}</button>
    <button id="cancel" type="button" hidden>${t('Cancel')}</button>
    <span id="progress" class="progress" role="status" aria-live="polite"></span>
  </div>
</main>
<script nonce="${nonce}" src="${media('dist', 'paste.js')}"></script>
</body>
</html>`;
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
