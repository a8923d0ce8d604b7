/** The kinds of the paste and drop edits: VS Code's own image insert, ours with generated alt text, and our plain one. */
import * as vscode from 'vscode';

export const BUILT_IN_IMAGE = vscode.DocumentDropOrPasteEditKind.Empty.append('markdown', 'link', 'image');
export const KIND = BUILT_IN_IMAGE.append('describeImage');
export const PLAIN_KIND = BUILT_IN_IMAGE.append('describeImage', 'plain');
