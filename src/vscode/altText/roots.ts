/** Where an editor document's links may lead, as the alt-text features resolve them (quick fixes, diagnostics, fill). */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isInside } from '../../core/docs';
import type { AltTextSettings } from '../base';

/** The folder links may lead to: the document's workspace folder, else its own folder. */
export function folderOf(uri: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(uri.fsPath);
}

/** Where site-absolute links start: the docs-root setting inside the folder, else the folder. */
export function docsRootOf(uri: vscode.Uri, settings: AltTextSettings): string {
  const folder = folderOf(uri);
  if (!settings.docsRoot) return folder;
  const root = path.resolve(folder, settings.docsRoot);
  return isInside(folder, root) ? root : folder;
}
