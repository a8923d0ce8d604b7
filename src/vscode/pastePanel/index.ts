/**
 * Describe Image: Paste Screenshot…: the command and the serializer that restores the panel after a reload are
 * registered at activation, and old pasted images are pruned; the panel itself (pastePanel.ts: its webview, the
 * validation of every message, describing and reading text) loads when it is first shown or restored.
 */
import * as vscode from 'vscode';
import type { DescribeDeps } from '../base';
import type { PastePanel } from './pastePanel';
import type { PasteStore } from './pasteStore';
import { PASTE_VIEW_TYPE } from './viewType';

export { PasteStore } from './pasteStore';
export type { PastePanel } from './pastePanel';

/** Restore a panel from the state its webview saved (what the serializer does after a reload). */
export async function revivePastePanel(panel: vscode.WebviewPanel, state: unknown, context: vscode.ExtensionContext, deps: DescribeDeps, store: PasteStore): Promise<PastePanel> {
  return (await import('./pastePanel')).PastePanel.revive(panel, state, context, deps, store);
}

export function registerPastePanel(context: vscode.ExtensionContext, deps: DescribeDeps, store: PasteStore): vscode.Disposable[] {
  // At start: delete what no panel will show again (panels that may be restored are recorded by the store: kept).
  void store
    .prune(Date.now(), [])
    .then((deleted) => deleted.length && deps.log.info(`Paste panel: deleted ${deleted.length} folder(s) of pasted images no panel shows.`))
    .catch((e: unknown) => deps.log.warn(`Paste panel: old pasted images could not be deleted (${String(e)}).`));
  return [
    vscode.commands.registerCommand('describeImage.pasteScreenshot', async () => (await import('./pastePanel')).PastePanel.show(context, deps, store)),
    vscode.window.registerWebviewPanelSerializer(PASTE_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => void (await revivePastePanel(panel, state, context, deps, store)),
    }),
  ];
}
