/**
 * Where requests go: the provider chosen (Azure OpenAI, an OpenAI-compatible server, a language model in VS Code, or
 * text on this machine), the first-run question and the walkthrough, Choose Model and its status-bar item, keys and
 * Microsoft Entra ID sign-in, and opening the target a request is sent to. Loaded at activation: imports the core's
 * base and net (the chat client; no image or docs code).
 */
import * as vscode from 'vscode';
import { COMMANDS, showError, type DescribeDeps } from '../base';
import { signInCommand } from './auth';
import { needsFirstChoice } from './choice';
import { createStatusItem, pickModel } from './chooseModel';
import { firstRunChoice } from './firstRun';
import { clearApiKeyCommand, configureEndpointCommand, setApiKeyCommand } from './keyCommands';

export * from './auth';
export * from './choice';
export * from './chooseModel';
export * from './firstRun';
export * from './keyCommands';
export * from './languageModels';
export * from './target';

/** The commands that set up where requests go, and the status-bar item that shows it. */
export function registerModels(deps: DescribeDeps): vscode.Disposable[] {
  const { ui, keys, log } = deps;
  return [
    vscode.commands.registerCommand(COMMANDS.setApiKey, (key?: unknown) => setApiKeyCommand(ui.current, keys, key)),
    vscode.commands.registerCommand(COMMANDS.clearApiKey, () => clearApiKeyCommand(ui.current, keys)),
    vscode.commands.registerCommand(COMMANDS.configureEndpoint, () => configureEndpointCommand(ui.current)),
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
  ];
}
