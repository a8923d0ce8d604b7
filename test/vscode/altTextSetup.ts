/**
 * What the alt-text integration suites (alt text, purposes, verify) share: the workspace folder, closing every editor
 * without saving, and the extension activated and pointed at a local Azure-like server with its key.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestApi } from '../../src/extension';
import type { AzureLikeServer } from '../support/azureServer';

/** The test workspace's folder. */
export function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f);
  return f.uri;
}

/**
 * Discard every unsaved change — also in documents a workspace edit changed without opening a tab (Fill Missing Alt
 * Text edits the whole workspace), which closing tabs alone leaves dirty for the next suite — then close every editor.
 */
export async function revertAll(): Promise<void> {
  for (const d of vscode.workspace.textDocuments.filter((x) => x.isDirty && !x.isUntitled)) {
    await vscode.window.showTextDocument(d);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  for (let i = 0; i < 80 && vscode.window.tabGroups.all.some((g) => g.tabs.length > 0); i++) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

/** Start the server, activate the extension and set its endpoint, deployment and key to the server's: the test API. */
export async function connectToServer(server: AzureLikeServer): Promise<TestApi> {
  await server.start();
  const api = await vscode.extensions.getExtension<TestApi>('describe-image.describe-image')?.activate();
  assert.ok(api);
  const c = vscode.workspace.getConfiguration('describeImage');
  await c.update('endpoint', server.url, vscode.ConfigurationTarget.Global);
  await c.update('deployment', 'gpt-4o', vscode.ConfigurationTarget.Global);
  await vscode.commands.executeCommand('describeImage.setApiKey', server.key);
  return api;
}
