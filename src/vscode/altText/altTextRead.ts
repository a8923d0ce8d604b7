/**
 * How the alt-text features read a document: an open one as VS Code has it (unsaved changes included), a closed one
 * from disk the way VS Code would show it — strict UTF-8 with the byte order mark dropped, as TextDocument drops it —
 * so that offsets found in the text are the document's. A file that is not UTF-8 is refused with the reason, never
 * decoded with replacement characters; and nothing is edited unless VS Code's document reads exactly as scanned.
 */
import * as vscode from 'vscode';
import { MAX_DOC_BYTES, parseDoc, readDocFile, type DocFile } from '../../core/docs';
import { decodeDocText, NotUtf8Error } from '../../core/docs';
import { DocTooLargeError } from '../../core/finders';
import { docLanguageOf } from '../../core/base';
import type { PageSetup } from '../../core/docs';
import { pageSetupOf } from './roots';

const parsed = new WeakMap<vscode.TextDocument, { version: number; page: PageSetup; doc: DocFile }>();

/**
 * The document parsed by the core (once per version and page setup), read as `alt-text check` reads it: a `.md` page
 * of a site that compiles Markdown as MDX is MDX, with the repository's image components. Undefined for other
 * languages or other schemes.
 */
export async function docOf(document: vscode.TextDocument): Promise<DocFile | undefined> {
  const language = docLanguageOf(document.languageId, document.uri.path);
  if (!language || document.uri.scheme !== 'file' || tooLarge(document)) return undefined;
  const page = await pageSetupOf(document.uri);
  const hit = parsed.get(document);
  if (hit?.version === document.version && hit.page.site === page.site && hit.page.components === page.components) return hit.doc;
  const doc = parseDoc(vscode.workspace.asRelativePath(document.uri, false), document.uri.fsPath, document.getText(), language, undefined, page);
  parsed.set(document, { version: document.version, page, doc });
  return doc;
}

/** A document too large to parse (as the CLI refuses such a file): its size, else undefined. */
function tooLarge(document: vscode.TextDocument): number | undefined {
  const text = document.getText();
  if (text.length * 3 <= MAX_DOC_BYTES) return undefined; // no UTF-8 character takes more than 3 bytes per UTF-16 unit
  const bytes = Buffer.byteLength(text);
  return bytes > MAX_DOC_BYTES ? bytes : undefined;
}

const openDocument = (uri: vscode.Uri) => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
const UTF8 = new Set(['utf8', 'utf8bom']);

/**
 * A workspace file for the workspace scan: its open document, else the file on disk. `problem` says why it can't be
 * used (not UTF-8 — also when it is open as UTF-8 and VS Code replaced the bytes it could not read —, not readable).
 */
export async function readForScan(folder: vscode.Uri, rel: string, uri: vscode.Uri): Promise<{ doc: DocFile } | { line: number; problem: string } | undefined> {
  const open = openDocument(uri);
  try {
    if (!open) return { doc: await readDocFile(folder.fsPath, rel, { keepBom: false, page: await pageSetupOf(uri) }) };
    const size = tooLarge(open);
    if (size !== undefined) return { line: 1, problem: new DocTooLargeError(size, MAX_DOC_BYTES).message };
    if (UTF8.has(open.encoding)) decodeDocText(await vscode.workspace.fs.readFile(uri), { keepBom: false });
  } catch (e) {
    if (e instanceof NotUtf8Error) return { line: e.line, problem: e.message };
    if (!open) return { line: 1, problem: `can't be read: ${e instanceof Error ? e.message : String(e)}` };
    // An open document whose file is gone or unreadable: the document is what the user sees and edits.
  }
  const doc = await docOf(open);
  return doc && { doc };
}

/** The text of the file now — its open document, or the disk read as the scan read it — undefined when unreadable. */
export async function textNow(uri: vscode.Uri): Promise<string | undefined> {
  const open = openDocument(uri);
  if (open) return open.getText();
  try {
    return decodeDocText(await vscode.workspace.fs.readFile(uri), { keepBom: false });
  } catch {
    return undefined;
  }
}

/** The document to put the edits in, if VS Code reads it exactly as it was scanned (so the offsets are its own). */
export async function documentAsScanned(uri: vscode.Uri, scanned: string): Promise<vscode.TextDocument | undefined> {
  const doc = openDocument(uri) ?? (await vscode.workspace.openTextDocument(uri));
  return doc.getText() === scanned ? doc : undefined;
}
