/**
 * The workbench state every integration suite starts from and leaves behind: the test workspace's folder, and no
 * editor and no unsaved change (one suite's leftover edit must never be the next suite's input).
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** The test workspace's folder. */
export function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f);
  return f.uri;
}

/**
 * Discard every unsaved change — also in documents a command changed without opening a tab (Fill Missing Alt Text and
 * Generate on a document that is not shown edit through a workspace edit), which closing tabs alone leaves dirty for
 * the next suite — then close every editor (result documents are untitled and dirty: closed without a prompt).
 */
export async function revertAll(): Promise<void> {
  for (const d of vscode.workspace.textDocuments.filter((x) => x.isDirty && !x.isUntitled)) {
    await vscode.window.showTextDocument(d);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  for (let i = 0; i < 80 && vscode.window.tabGroups.all.some((g) => g.tabs.length > 0); i++) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}
