/**
 * The result as a new untitled Markdown document (never a file written behind the user's back), optionally with the
 * Markdown preview beside it. While a streamed answer arrives, the document fills in, in batches so the editor stays
 * smooth; the footer (or a Cancelled / Incomplete note) is written when the stream ends.
 */
import * as vscode from 'vscode';
import { StreamRedactor } from '../../core/base';

export async function openResultDocument(content: string, previewBeside: boolean): Promise<vscode.TextDocument> {
  const document = await openUntitled(content);
  await vscode.window.showTextDocument(document, { preview: false });
  if (previewBeside) await vscode.commands.executeCommand('markdown.showPreviewToSide', document.uri);
  return document;
}

const sameText = (a: string, b: string): boolean => a === b || a.replace(/\r\n?/g, '\n') === b.replace(/\r\n?/g, '\n');

/**
 * A new untitled Markdown document holding `content`. VS Code names it with the lowest free Untitled-N and, when it
 * still has a backup under that name, fills it from the backup instead of `content`: a result closed (reverted) while
 * its backup was being written leaves one behind, so the next result showed the closed one's text. Such a document is
 * set to `content`; should VS Code refuse that edit, a second document (which gets another name) is opened.
 */
async function openUntitled(content: string, attempts = 2): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  if (sameText(document.getText(), content)) return document;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(new vscode.Position(0, 0), document.lineAt(document.lineCount - 1).range.end), content);
  if ((await vscode.workspace.applyEdit(edit)) || attempts <= 1) return document;
  return openUntitled(content, attempts - 1);
}

/**
 * A result document that fills in while the answer streams. The model's text is kept raw and rendered as a whole on
 * every batch (`render`: HTML neutralised by a LiveNeutraliser, in work linear in the text; secrets removed), and
 * only what changed is edited into the document — so a tag that arrives in pieces is never raw in the document, not even for a moment. A secret that arrives in pieces is
 * never in it either: the last characters of the text are held back (StreamRedactor) until it is clear they do not
 * begin one, and released when the stream ends.
 */
export class StreamingResultDocument {
  private document: vscode.TextDocument | undefined;
  private opening: Promise<vscode.TextDocument> | undefined;
  private raw = '';
  private received = false;
  private readonly redactor: StreamRedactor;
  private tail = '';
  /** What the document shows after the header. */
  private shown = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** Number of edits applied (for the log and the benchmark). */
  edits = 0;

  constructor(
    private readonly header: string,
    private readonly previewBeside: boolean,
    private readonly render: (raw: string) => string,
    secrets: () => readonly (string | undefined)[],
    private readonly batchMs = 60,
  ) {
    this.redactor = new StreamRedactor(secrets);
  }

  /** Everything the document will show, header included. */
  get text(): string {
    return this.header + this.render(this.raw) + this.tail;
  }

  /** Whether any of the model's text arrived. */
  get hasText(): boolean {
    return this.received;
  }

  /** Add raw text from the model; it reaches the editor within `batchMs`. */
  append(text: string): void {
    if (!text) return;
    this.received = true;
    this.raw += this.redactor.push(text);
    this.open();
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.chain = this.chain.then(() => this.flush());
    }, this.batchMs);
  }

  private open(): void {
    if (!this.document && !this.opening) {
      this.opening = openResultDocument(this.header, this.previewBeside).then((d) => (this.document = d));
    }
  }

  private async flush(): Promise<void> {
    await this.opening;
    const doc = this.document;
    const body = this.render(this.raw) + this.tail;
    if (!doc || doc.isClosed || body === this.shown) {
      this.shown = body;
      return;
    }
    // Replace from the first character that differs; if the user edited what we wrote, only add at the end.
    const current = doc.getText();
    const ours = current.startsWith(this.header + this.shown) && current.length === this.header.length + this.shown.length;
    // Mostly the text only grew: then what was shown is all kept (one comparison, not one per character).
    let common = ours && body.startsWith(this.shown) ? this.shown.length : 0;
    if (ours) while (common < this.shown.length && common < body.length && this.shown[common] === body[common]) common++;
    else common = this.shown.length;
    const edit = new vscode.WorkspaceEdit();
    const from = ours ? doc.positionAt(this.header.length + common) : doc.lineAt(doc.lineCount - 1).range.end;
    edit.replace(doc.uri, new vscode.Range(from, ours ? doc.positionAt(current.length) : from), body.slice(common));
    const ok = await vscode.workspace.applyEdit(edit);
    this.edits++;
    this.shown = body;
    if (!ok) this.document = undefined;
  }

  /** Write the tail (footer or interruption note) and return the document; reopens one if the user closed it. */
  async finish(tail: string): Promise<vscode.TextDocument> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.raw += this.redactor.end();
    this.tail = tail;
    this.open();
    this.chain = this.chain.then(() => this.flush());
    await this.chain;
    const doc = this.document;
    if (doc && !doc.isClosed) return doc;
    // The user closed the document while it filled in: give them the whole result in a new one.
    return openResultDocument(this.text, false);
  }
}
