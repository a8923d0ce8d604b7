/**
 * Describe Image: wiring only. Creates the log, key store and token memory, registers each feature, and pushes every
 * disposable on context.subscriptions. Activation reads only what registers commands, menus, providers and the status
 * item: each feature loads its real work the first time it is used (see ARCHITECTURE.md). In Test mode it also returns
 * a small API that lets the integration tests answer prompts (never the key: it stays in SecretStorage).
 */
import * as vscode from 'vscode';
import { registerAltText, registerAltTextPaste } from './vscode/altText';
import { COMMANDS, ExtensionLog, GlobalStateTokenMemory, KeyStore, UiHolder, windowUi, type DescribeDeps, type Ui } from './vscode/base';
import { registerDescribe } from './vscode/describe';
import { registerExtractText } from './vscode/extractText';
import { registerFirstRun, registerModels } from './vscode/models';
import { PasteStore, registerPastePanel, revivePastePanel, type PastePanel } from './vscode/pastePanel';
import { createTools, registerTools } from './vscode/tools';

export interface TestApi {
  setUi(ui: Ui | undefined): void;
  /** The last log lines (already redacted). */
  recentLog(): readonly string[];
  /** A language-model tool as registered (to call prepareInvocation, which VS Code's API does not reach). */
  tool(name: string): vscode.LanguageModelTool<unknown> | undefined;
  /** The extension's global storage (pasted images are kept under it). */
  readonly globalStorage: vscode.Uri;
  /** Where pasted images are kept, and the pruning done at start. */
  readonly pasteStore: PasteStore;
  /** What the paste panel's serializer does after a reload: restore a panel from the state its webview saved. */
  revivePastePanel(panel: vscode.WebviewPanel, state: unknown): Promise<PastePanel>;
}

export function activate(context: vscode.ExtensionContext): TestApi | undefined {
  const log = new ExtensionLog('Describe Image');
  const keys = new KeyStore(context.secrets);
  const ui = new UiHolder();
  const deps: DescribeDeps = { ui, keys, log, tokenMemory: new GlobalStateTokenMemory(context.globalState) };
  const tools = createTools(deps);
  const pasteStore = new PasteStore(vscode.Uri.joinPath(context.globalStorageUri, 'pasted'), context.globalState);
  const refreshSecrets = async () => log.setStoredKeys(await keys.all());
  void refreshSecrets();

  context.subscriptions.push(
    log,
    keys,
    keys.onDidChange(() => void refreshSecrets()),
    vscode.commands.registerCommand(COMMANDS.showLog, () => log.show()),
    ...registerModels(deps),
    ...registerDescribe(deps),
    ...registerExtractText(deps),
    ...registerPastePanel(context, deps, pasteStore),
    ...registerFirstRun(context, deps),
    ...registerTools(tools),
    ...registerAltText({ ...deps, context }),
    ...registerAltTextPaste({ ...deps, context }),
  );
  log.info(`Describe Image ${String(context.extension.packageJSON['version'])} activated (${vscode.env.appName}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'}).`);

  if (context.extensionMode === vscode.ExtensionMode.Test) {
    return {
      setUi: (replacement) => (ui.current = replacement ?? windowUi),
      recentLog: () => [...log.recent],
      tool: (name) => tools.get(name),
      globalStorage: context.globalStorageUri,
      pasteStore,
      revivePastePanel: (panel, state) => revivePastePanel(panel, state, context, deps, pasteStore),
    };
  }
  return undefined;
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
