/**
 * Describe Image: wiring only. Creates the log, key store and token memory, registers each command, and pushes every
 * disposable on context.subscriptions. In Test mode it also returns a small API that lets the integration tests answer
 * prompts (never the key: it stays in SecretStorage).
 */
import * as vscode from 'vscode';
import { COMMANDS, showError } from './vscode/actions';
import { signInCommand } from './vscode/auth';
import { createStatusItem, pickModel } from './vscode/chooseModel';
import { disposeOcrEngine, extractTextCommand } from './vscode/extractText';
import { firstRunChoice, needsFirstChoice, registerFirstRun } from './vscode/firstRun';
import { createTools, registerTools } from './vscode/tools';
import { registerAltText } from './vscode/altText';
import { registerAltTextPaste } from './vscode/altTextPaste';
import { describeCommand, type DescribeDeps } from './vscode/describeCommand';
import { clearApiKeyCommand, configureEndpointCommand, setApiKeyCommand } from './vscode/keyCommands';
import { ExtensionLog } from './vscode/log';
import { PastePanel, registerPastePanel } from './vscode/pastePanel';
import { PasteStore } from './vscode/pasteStore';
import { KeyStore } from './vscode/secrets';
import { GlobalStateTokenMemory } from './vscode/tokenMemory';
import { UiHolder, windowUi, type Ui } from './vscode/ui';

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
    vscode.commands.registerCommand(COMMANDS.describe, (uri?: unknown, uris?: unknown) => describeCommand(deps, uri, uris)),
    vscode.commands.registerCommand(COMMANDS.extractText, (uri?: unknown, uris?: unknown) => extractTextCommand(deps, uri, uris)),
    { dispose: disposeOcrEngine },
    vscode.commands.registerCommand(COMMANDS.setApiKey, (key?: unknown) => setApiKeyCommand(ui.current, keys, key)),
    vscode.commands.registerCommand(COMMANDS.clearApiKey, () => clearApiKeyCommand(ui.current, keys)),
    vscode.commands.registerCommand(COMMANDS.configureEndpoint, () => configureEndpointCommand(ui.current)),
    vscode.commands.registerCommand(COMMANDS.showLog, () => log.show()),
    vscode.commands.registerCommand(COMMANDS.chooseModel, () => (needsFirstChoice() ? firstRunChoice(deps) : pickModel(deps))),
    createStatusItem(),
    vscode.commands.registerCommand(COMMANDS.signIn, async (options?: { again?: boolean }) => {
      try {
        const session = await signInCommand(log, options?.again === true);
        if (session) void ui.current.showInformationMessage(vscode.l10n.t('Signed in with Microsoft Entra ID as {0}: Describe Image uses it for your endpoint.', session.account.label));
        return !!session;
      } catch (e) {
        await showError(ui.current, log, e);
        return false;
      }
    }),
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
      revivePastePanel: (panel, state) => PastePanel.revive(panel, state, context, deps, pasteStore),
    };
  }
  return undefined;
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
