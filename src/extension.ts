// Placeholder until the extension issue: the VS Code layer wires commands here.
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {}

export function deactivate(): void {}
