/**
 * Extract Text from Image: registered at activation; the OCR engine and its worker are loaded the first time text is
 * read (extractText.ts). One engine for the window, ended with the extension.
 */
import * as vscode from 'vscode';
import type { OcrEngine } from '../../core/ocr';
import { COMMANDS, type DescribeDeps } from '../base';
import type * as ExtractTextImpl from './extractText';

type Impl = typeof ExtractTextImpl;
let loaded: Impl | undefined;
async function impl(): Promise<Impl> {
  return (loaded ??= await import('./extractText'));
}

/** Read the text of the images and open it as one Markdown document. Undefined: cancelled or failed (said). */
export async function extractTextFromUris(deps: DescribeDeps, uris: readonly vscode.Uri[]): Promise<vscode.TextDocument | undefined> {
  return (await impl()).extractTextFromUris(deps, uris);
}

/** The window's OCR engine (the agent tools read text with it too). */
export async function ocrEngine(deps: DescribeDeps): Promise<OcrEngine> {
  return (await impl()).ocrEngine(deps);
}

/** Refuse any file too large to read for its text, before any is read. */
export async function checkOcrSizes(uris: readonly vscode.Uri[], names: readonly string[]): Promise<void> {
  return (await impl()).checkOcrSizes(uris, names);
}

export function registerExtractText(deps: DescribeDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.extractText, async (uri?: unknown, uris?: unknown) => (await impl()).extractTextCommand(deps, uri, uris)),
    { dispose: () => loaded?.disposeOcrEngine() },
  ];
}
