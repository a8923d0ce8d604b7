/** What the alt-text features get from activation: the shared dependencies and the extension's context (storage). */
import type * as vscode from 'vscode';
import type { DescribeDeps } from '../base';

export interface AltDeps extends DescribeDeps {
  readonly context: vscode.ExtensionContext;
}
