/**
 * What a panel restored after a reload shows again: the images of the state its webview saved (web addresses, and
 * pasted images read back from the panel's folder, or from `pasted/<hash>/` where versions before panel folders kept
 * them), then every other image in its folder — the saved state can be older than the folder (pasteStore.ts).
 */
import * as vscode from 'vscode';
import { MAX_IMAGES } from '../../core/base';
import { safeImageName, type ImageInfo, type PanelState } from '../../webview/protocol';
import { PasteStore } from './pasteStore';

export type RestoredImage = { readonly url: string } | { readonly name: string; readonly bytes: Uint8Array };

export async function restoredImages(saved: unknown, store: PasteStore, panelId: string, log: { info(message: string): void }): Promise<RestoredImage[]> {
  const listed = (saved as Partial<PanelState> | undefined)?.images;
  const out: RestoredImage[] = [];
  const seen = new Set<string>();
  for (const info of (Array.isArray(listed) ? listed : []).slice(0, MAX_IMAGES) as ImageInfo[]) {
    if (typeof info?.url === 'string' && /^https?:\/\/[^\s]+$/i.test(info.url)) {
      out.push({ url: info.url });
      continue;
    }
    // The saved state is the webview's: an id that is not an image's (a path) is never read.
    if (!PasteStore.isImageId(info?.id) || typeof info.name !== 'string') continue;
    const name = safeImageName(info.name, 'image');
    const bytes = await firstReadable([vscode.Uri.joinPath(store.folder(panelId), info.id, name), vscode.Uri.joinPath(store.root, info.id, name)]);
    if (!bytes) {
      log.info(`Paste panel: ${info.name} is no longer in storage; not restored.`);
      continue;
    }
    seen.add(info.id);
    out.push({ name: info.name, bytes });
  }
  for (const held of await store.images(panelId)) {
    if (out.length >= MAX_IMAGES || seen.has(held.id)) continue;
    const bytes = await firstReadable([held.uri]);
    if (bytes) out.push({ name: held.uri.path.split('/').pop() ?? 'image', bytes });
  }
  return out;
}

async function firstReadable(uris: readonly vscode.Uri[]): Promise<Uint8Array | undefined> {
  for (const uri of uris) {
    try {
      return await vscode.workspace.fs.readFile(uri);
    } catch {
      // not there: the next place
    }
  }
  return undefined;
}
