/**
 * A stand-in for the window functions, used by the integration tests to answer prompts, press Cancel and record what
 * the user would have seen. Installed through the extension's Test-mode API.
 */
import * as vscode from 'vscode';
import type { Ui } from '../../src/vscode/base';

export interface ShownMessage {
  readonly level: 'info' | 'warning' | 'error';
  readonly message: string;
  readonly items: readonly string[];
}

export class StubUi implements Ui {
  /** Tests cannot press Apply in the refactor preview: edits apply directly (the flag is checked in a test). */
  reviewEdits = false;
  readonly messages: ShownMessage[] = [];
  readonly inputBoxes: vscode.InputBoxOptions[] = [];
  readonly progressTitles: string[] = [];
  readonly progressMessages: string[] = [];
  /** Button to press (once) for a message whose text matches, with something to do first; default: dismiss. */
  readonly answers: { match: RegExp; pick: string; before?: () => void }[] = [];
  /** Values typed into the next input boxes, in order (undefined: Escape). */
  readonly inputs: (string | undefined)[] = [];
  openDialogResult: vscode.Uri[] | undefined;
  /** Press Cancel on the progress notification this long after it appears. */
  cancelAfterMs: number | undefined;

  private answer(level: ShownMessage['level'], message: string, items: string[]): Thenable<string | undefined> {
    this.messages.push({ level, message, items });
    const index = this.answers.findIndex((a) => a.match.test(message) && items.includes(a.pick));
    const rule = index >= 0 ? this.answers.splice(index, 1)[0] : undefined;
    rule?.before?.();
    return Promise.resolve(rule?.pick);
  }
  showInformationMessage(message: string, ...items: string[]): Thenable<string | undefined> {
    return this.answer('info', message, items);
  }
  showWarningMessage(message: string, ...items: string[]): Thenable<string | undefined> {
    return this.answer('warning', message, items);
  }
  showErrorMessage(message: string, ...items: string[]): Thenable<string | undefined> {
    return this.answer('error', message, items);
  }
  showInputBox(options: vscode.InputBoxOptions): Thenable<string | undefined> {
    this.inputBoxes.push(options);
    const value = this.inputs.shift();
    return Promise.resolve(value);
  }
  /** Labels picked in the next quick picks, in order (undefined: Escape); without one, the first item is picked. */
  readonly picks: (string | undefined)[] = [];
  readonly quickPicks: { title: string | undefined; items: string[] }[] = [];
  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<T | undefined> {
    this.quickPicks.push({ title: options.title, items: items.map((i) => i.label) });
    const want = this.picks.length ? this.picks.shift() : items[0]?.label;
    return Promise.resolve(items.find((i) => i.label === want));
  }
  showOpenDialog(): Thenable<vscode.Uri[] | undefined> {
    return Promise.resolve(this.openDialogResult);
  }
  async withProgress<R>(
    options: vscode.ProgressOptions,
    task: (progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => Thenable<R>,
  ): Promise<R> {
    this.progressTitles.push(options.title ?? '');
    const source = new vscode.CancellationTokenSource();
    const timer = this.cancelAfterMs !== undefined ? setTimeout(() => source.cancel(), this.cancelAfterMs) : undefined;
    try {
      return await task({ report: (v) => v.message && this.progressMessages.push(v.message) }, source.token);
    } finally {
      if (timer) clearTimeout(timer);
      source.dispose();
    }
  }
  errors(): string[] {
    return this.messages.filter((m) => m.level === 'error').map((m) => m.message);
  }
}
