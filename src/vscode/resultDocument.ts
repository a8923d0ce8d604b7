/**
 * The result as a new untitled Markdown document (never a file written behind the user's back), optionally with the
 * Markdown preview beside it.
 */
import * as vscode from 'vscode';

export async function openResultDocument(content: string, previewBeside: boolean): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  await vscode.window.showTextDocument(document, { preview: false });
  if (previewBeside) await vscode.commands.executeCommand('markdown.showPreviewToSide', document.uri);
  return document;
}
