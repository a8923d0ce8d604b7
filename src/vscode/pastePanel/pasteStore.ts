/**
 * Where the paste panel keeps pasted images, and for how long. Each panel has its own folder in the extension's global
 * storage, `pasted/<panel id>/<hash>/<name>` (the result document links the file; identical pastes in one panel share
 * it). The panel id is in the state the webview saves, so the panel VS Code restores after a reload — or when the
 * workspace is opened again — finds its folder.
 *
 * - An image removed from the panel is deleted; closing the panel deletes its folder.
 * - A panel that may still be restored (its window was reloaded or closed with the panel open) is recorded in global
 *   state — shared by every window — with when it was last open; an open panel renews that every hour.
 * - At start, what no recorded panel holds and that is older than a day is deleted (left by a crash, or by versions
 *   that kept every paste), and so is the folder of a panel not open for {@link RESTORABLE_DAYS} days (a workspace that
 *   was not opened again). The day's grace covers a panel just opened in another window.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** How long the images of a panel that may be restored are kept after it was last open. */
export const RESTORABLE_DAYS = 30;
/** How old an image no panel holds must be before it is deleted at start. */
export const ORPHAN_MS = 24 * 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;
/** The record of panels that may be restored: panel id → when it was last open (ms since the epoch). */
const RECORD_KEY = 'describeImage.pastePanels';
const PANEL_ID = /^panel-[0-9a-f]{16}$/;
/** An image's folder in its panel's: the start of its bytes' SHA-256. */
const IMAGE_ID = /^[0-9a-f]{20}$/;

type Record_ = Readonly<Record<string, number>>;

export class PasteStore {
  constructor(
    /** The folder all pasted images are under (`<global storage>/pasted`). */
    readonly root: vscode.Uri,
    private readonly memento: vscode.Memento,
  ) {}

  /** A new panel's id. */
  static newPanelId(): string {
    return `panel-${randomBytes(8).toString('hex')}`;
  }

  /** The id a restored panel saved, when it is one (the webview's state is not trusted). */
  static isPanelId(value: unknown): value is string {
    return typeof value === 'string' && PANEL_ID.test(value);
  }

  /** The id of a pasted image (a path, from a message or a saved state, is never one). */
  static isImageId(value: unknown): value is string {
    return typeof value === 'string' && IMAGE_ID.test(value);
  }

  folder(panelId: string): vscode.Uri {
    if (!PasteStore.isPanelId(panelId)) throw new Error(`not a panel id: ${panelId}`);
    return vscode.Uri.joinPath(this.root, panelId);
  }

  private record(): Record_ {
    return this.memento.get<Record_>(RECORD_KEY) ?? {};
  }

  /** Record that a panel is open now (it may be restored later). */
  async opened(panelId: string, now = Date.now()): Promise<void> {
    await this.memento.update(RECORD_KEY, { ...this.record(), [panelId]: now });
  }

  /**
   * The images in a panel's folder, oldest first (the order they were pasted): what the panel held when its window
   * went away. The folder is the truth, not the webview's saved state: a browser window (code-server, vscode.dev)
   * persists that state only now and then, so after a reload it can miss the last images pasted.
   */
  async images(panelId: string): Promise<{ id: string; uri: vscode.Uri }[]> {
    const folder = this.folder(panelId);
    const found: { id: string; uri: vscode.Uri; mtime: number }[] = [];
    for (const [id, type] of await Promise.resolve(vscode.workspace.fs.readDirectory(folder)).catch(() => [] as [string, vscode.FileType][])) {
      if (type !== vscode.FileType.Directory || !PasteStore.isImageId(id)) continue;
      const inside = await Promise.resolve(vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(folder, id))).catch(() => [] as [string, vscode.FileType][]);
      const file = inside.find(([, t]) => t === vscode.FileType.File);
      if (!file) continue;
      const uri = vscode.Uri.joinPath(folder, id, file[0]);
      const stat = await Promise.resolve(vscode.workspace.fs.stat(uri)).catch(() => undefined);
      if (stat) found.push({ id, uri, mtime: stat.mtime });
    }
    return found.sort((a, b) => a.mtime - b.mtime || a.id.localeCompare(b.id)).map(({ id, uri }) => ({ id, uri }));
  }

  /** Delete one image of a panel. */
  async removeImage(panelId: string, imageId: string): Promise<void> {
    if (!PasteStore.isImageId(imageId)) throw new Error(`not an image id: ${imageId}`);
    await deleteIfThere(vscode.Uri.joinPath(this.folder(panelId), imageId));
  }

  /** The panel was closed: delete its images and forget it. */
  async closed(panelId: string): Promise<void> {
    const { [panelId]: _gone, ...rest } = this.record();
    await this.memento.update(RECORD_KEY, rest);
    await deleteIfThere(this.folder(panelId));
  }

  /**
   * Delete what no panel will show again (see the file's comment); `keep` are panels open in this window. Returns the
   * names of the folders deleted.
   */
  async prune(now = Date.now(), keep: readonly string[] = []): Promise<string[]> {
    const record = this.record();
    const stale = Object.keys(record).filter((id) => !keep.includes(id) && now - (record[id] ?? 0) > RESTORABLE_DAYS * DAY_MS);
    const entries = await Promise.resolve(vscode.workspace.fs.readDirectory(this.root)).catch(() => [] as [string, vscode.FileType][]);
    const deleted: string[] = [];
    for (const [name] of entries) {
      const uri = vscode.Uri.joinPath(this.root, name);
      const held = keep.includes(name) || (name in record && !stale.includes(name));
      if (held || now - (await newestChange(uri)) <= ORPHAN_MS) continue;
      await deleteIfThere(uri);
      deleted.push(name);
    }
    if (stale.length) {
      const current = { ...this.record() };
      for (const id of stale) delete current[id];
      await this.memento.update(RECORD_KEY, current);
    }
    return deleted;
  }
}

/** The latest modification time of a file or of anything in a folder (ms since the epoch). */
async function newestChange(uri: vscode.Uri): Promise<number> {
  const stat = await vscode.workspace.fs.stat(uri);
  // A link is not followed (nothing the extension writes is one): its own time counts.
  if (stat.type !== vscode.FileType.Directory) return stat.mtime;
  let newest = stat.mtime;
  for (const [name] of await vscode.workspace.fs.readDirectory(uri)) newest = Math.max(newest, await newestChange(vscode.Uri.joinPath(uri, name)));
  return newest;
}

async function deleteIfThere(uri: vscode.Uri): Promise<void> {
  try {
    await vscode.workspace.fs.delete(uri, { recursive: true, useTrash: false });
  } catch (e) {
    if (!(e instanceof vscode.FileSystemError && e.code === 'FileNotFound')) throw e;
  }
}
