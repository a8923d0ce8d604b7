/**
 * Errors at the command boundary: a typed DescribeError becomes one sentence with buttons that fix the cause.
 */
import * as vscode from 'vscode';
import { isDescribeError, type DescribeError, type FixAction, type SettingName } from '../../core/base';
import type { ExtensionLog } from './log';
import type { Ui } from './ui';

export const COMMANDS = {
  describe: 'describeImage.describe',
  extractText: 'describeImage.extractText',
  setApiKey: 'describeImage.setApiKey',
  clearApiKey: 'describeImage.clearApiKey',
  configureEndpoint: 'describeImage.configureEndpoint',
  showLog: 'describeImage.showLog',
  signIn: 'describeImage.signIn',
  chooseModel: 'describeImage.chooseModel',
} as const;

export function actionLabel(action: FixAction): string {
  switch (action) {
    case 'set-key':
      return vscode.l10n.t('Set API Key');
    case 'sign-in':
      return vscode.l10n.t('Sign In with Microsoft Entra ID');
    case 'configure-endpoint':
      return vscode.l10n.t('Configure Endpoint');
    case 'choose-model':
      return vscode.l10n.t('Choose Model');
    case 'open-settings':
      return vscode.l10n.t('Open Settings');
    case 'show-log':
      return vscode.l10n.t('Show Log');
    case 'retry':
      return vscode.l10n.t('Retry');
  }
}

/** The advice to change an input, in VS Code's terms (for the core's warnings, e.g. a description cut at the limit). */
export function vscodeRaise(setting: SettingName): string {
  switch (setting) {
    case 'maxTokens':
      return vscode.l10n.t('raise the max output tokens setting');
    case 'timeout':
      return vscode.l10n.t('raise the request timeout setting');
    case 'proxy':
      return vscode.l10n.t('check the proxy setting');
    default:
      return vscode.l10n.t('change the {0} setting', setting);
  }
}

/** What to change, in VS Code's terms, for an error that names an input the user sets (the core's message does not). */
export function settingHint(error: DescribeError): string {
  if (error.setting === 'timeout') return ` ${vscode.l10n.t('Raise the request timeout setting (describeImage.requestTimeoutSeconds) to wait longer.')}`;
  if (error.setting === 'proxy') return ` ${vscode.l10n.t('The proxy is the http.proxy setting (or the environment).')}`;
  return '';
}

export interface ActionHandlers {
  readonly retry?: (() => unknown) | undefined;
}

/** Run what the user picked. */
export async function runAction(action: FixAction, log: ExtensionLog, handlers: ActionHandlers = {}): Promise<void> {
  switch (action) {
    case 'set-key':
      await vscode.commands.executeCommand(COMMANDS.setApiKey);
      break;
    case 'sign-in':
      await vscode.commands.executeCommand(COMMANDS.signIn, { again: true });
      break;
    case 'configure-endpoint':
      await vscode.commands.executeCommand(COMMANDS.configureEndpoint);
      break;
    case 'choose-model':
      await vscode.commands.executeCommand(COMMANDS.chooseModel);
      break;
    case 'open-settings':
      await vscode.commands.executeCommand('workbench.action.openSettings', 'describeImage.');
      break;
    case 'show-log':
      log.show();
      break;
    case 'retry':
      await handlers.retry?.();
      break;
  }
}

/**
 * Show an error with its actions and run the one chosen. Unknown errors are logged with their stack and shown as
 * "unexpected" with Show Log. A cancel shows nothing.
 */
export async function showError(ui: Ui, log: ExtensionLog, error: unknown, handlers: ActionHandlers = {}): Promise<void> {
  if (isDescribeError(error)) {
    if (error.code === 'cancelled') return;
    log.error(`${error.code}${error.status ? ` (${error.status})` : ''}: ${error.message}`);
    const actions = error.actions.filter((a) => a !== 'retry' || handlers.retry);
    const labels = actions.map(actionLabel);
    const picked = await ui.showErrorMessage(log.redact(`${error.message}${settingHint(error)}`), ...labels);
    const action = actions[labels.indexOf(picked ?? '')];
    if (action) await runAction(action, log, handlers);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  log.error(`Unexpected error: ${error instanceof Error ? (error.stack ?? message) : message}`);
  const showLog = vscode.l10n.t('Show Log');
  const picked = await ui.showErrorMessage(vscode.l10n.t('Describe Image failed unexpectedly: {0}', log.redact(message)), showLog);
  if (picked === showLog) log.show();
}
