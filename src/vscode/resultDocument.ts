/**
 * The result as a new untitled Markdown document (never a file written behind the user's back), optionally with the
 * Markdown preview beside it. While a streamed answer arrives, the document fills in, in batches so the editor stays
 * smooth; the footer (or a Cancelled / Incomplete note) is written when the stream ends.
 */
import * as vscode from 'vscode';

export async function openResultDocument(content: string, previewBeside: boolean): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  await vscode.window.showTextDocument(document, { preview: false });
  if (previewBeside) await vscode.commands.executeCommand('markdown.showPreviewToSide', document.uri);
  return document;
}

export class StreamingResultDocument {
  private document: vscode.TextDocument | undefined;
  private opening: Promise<vscode.TextDocument> | undefined;
  private pending = '';
  private written = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** Number of edits applied (for the log and the benchmark). */
  edits = 0;

  constructor(
    private readonly header: string,
    private readonly previewBeside: boolean,
    private readonly batchMs = 60,
  ) {}

  /** Everything written so far, header included. */
  get text(): string {
    return this.header + this.written + this.pending;
  }

  /** Add text; it reaches the editor within `batchMs`. */
  append(text: string): void {
    if (!text) return;
    this.pending += text;
    if (!this.document && !this.opening) {
      this.opening = openResultDocument(this.header, this.previewBeside).then((d) => (this.document = d));
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.chain = this.chain.then(() => this.flush());
    }, this.batchMs);
  }

  private async flush(): Promise<void> {
    await this.opening;
    const doc = this.document;
    if (!doc || !this.pending) return;
    const text = this.pending;
    this.pending = '';
    if (doc.isClosed) {
      this.written += text;
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, doc.lineAt(doc.lineCount - 1).range.end, text);
    const ok = await vscode.workspace.applyEdit(edit);
    this.edits++;
    this.written += text;
    if (!ok) this.document = undefined;
  }

  /** Write the tail (footer or interruption note) and return the document; reopens one if the user closed it. */
  async finish(tail: string): Promise<vscode.TextDocument> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.pending += tail;
    if (!this.document && !this.opening) {
      this.opening = openResultDocument(this.header, this.previewBeside).then((d) => (this.document = d));
    }
    this.chain = this.chain.then(() => this.flush());
    await this.chain;
    const doc = this.document;
    if (doc && !doc.isClosed) return doc;
    // The user closed the document while it filled in: give them the whole result in a new one.
    return openResultDocument(this.header + this.written, false);
  }
}
