/**
 * The window functions the extension uses, behind one small interface. The extension uses `vscode.window`; the
 * integration tests (and only they, in Test mode) swap in a recording stand-in to answer prompts and press Cancel.
 */
import * as vscode from 'vscode';

export interface Ui {
  /** Whether workspace-wide edits are shown for review (refactor preview) before they apply. */
  readonly reviewEdits: boolean;
  showInformationMessage(message: string, ...items: string[]): Thenable<string | undefined>;
  showWarningMessage(message: string, ...items: string[]): Thenable<string | undefined>;
  showErrorMessage(message: string, ...items: string[]): Thenable<string | undefined>;
  showInputBox(options: vscode.InputBoxOptions): Thenable<string | undefined>;
  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<T | undefined>;
  showOpenDialog(options: vscode.OpenDialogOptions): Thenable<vscode.Uri[] | undefined>;
  withProgress<R>(
    options: vscode.ProgressOptions,
    task: (progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => Thenable<R>,
  ): Thenable<R>;
}

export const windowUi: Ui = {
  reviewEdits: true,
  showInformationMessage: (m, ...items) => vscode.window.showInformationMessage(m, ...items),
  showWarningMessage: (m, ...items) => vscode.window.showWarningMessage(m, ...items),
  showErrorMessage: (m, ...items) => vscode.window.showErrorMessage(m, ...items),
  showInputBox: (o) => vscode.window.showInputBox(o),
  showQuickPick: (items, o) => vscode.window.showQuickPick([...items], o),
  showOpenDialog: (o) => vscode.window.showOpenDialog(o),
  withProgress: (o, task) => vscode.window.withProgress(o, task),
};

/** Holds the current Ui; tests replace it through the Test-mode API. */
export class UiHolder {
  current: Ui = windowUi;
}
