/**
 * Where a description goes: streamed to stdout (when asked, or by default on a terminal; never as JSON or to a file),
 * JSON, Markdown to stdout, or --out. While the model thinks, the waiting line on a terminal says so; it goes when
 * text arrives. What arrived before a cancel or a broken stream is kept, clearly marked.
 */
import * as path from 'node:path';
import type { ChatClient } from '../../core/net';
import { type DescribeEvent, type DescribeResult, renderFooter, renderHeader, renderInterruption, renderMarkdown, renderPartial, renderWarnings, relativeImageRef } from '../../core/describe';
import { isDescribeError, redact } from '../../core/base';
import type { PreparedImage } from '../../core/images';
import { StreamedText, writeOut, type CliIo, type WaitingLine } from '../base';

/** The flags that decide where the answer goes. */
export interface AnswerFlags {
  readonly json?: boolean | undefined;
  readonly stream?: boolean | undefined;
  readonly 'no-stream'?: boolean | undefined;
  readonly force?: boolean | undefined;
  readonly verbose?: boolean | undefined;
}

export function resultToJson(result: DescribeResult): unknown {
  return {
    text: result.text,
    finishReason: result.finishReason ?? null,
    model: result.model ?? null,
    deployment: result.deployment,
    usage: result.usage ?? null,
    promptFilter: result.promptFilter,
    completionFilter: result.completionFilter,
    warnings: result.warnings,
    notes: result.notes,
    images: result.images.map((i) => ({
      source: i.source,
      name: i.name,
      kind: i.kind,
      originalMime: i.originalMime ?? null,
      originalBytes: i.originalBytes ?? null,
      width: i.width ?? null,
      height: i.height ?? null,
      sentMime: i.sentMime ?? null,
      sentBytes: i.sentBytes ?? null,
    })),
    elapsedMs: result.elapsedMs,
  };
}

/** The secrets removed from all output: the key and tokens in the environment, and every token the client fetched. */
export class Secrets {
  client: ChatClient | undefined;
  constructor(private readonly inEnv: string[]) {}
  readonly all = (): string[] => [...this.inEnv, ...(this.client?.sentSecrets ?? [])];
  readonly hide = (text: string): string => redact(text, this.all());
}

export class AnswerOutput {
  readonly streamToStdout: boolean;
  readonly imageRef: (image: PreparedImage) => string;
  private images: readonly PreparedImage[] = [];
  private readonly streamed: StreamedText | undefined;
  private readonly io: CliIo;

  constructor(
    io: CliIo,
    private readonly v: AnswerFlags,
    private readonly outAbs: string | undefined,
    private readonly hide: (text: string) => string,
    secrets: () => string[],
    private readonly waiting: WaitingLine,
    private readonly model: string,
  ) {
    this.io = waiting.wrap(io);
    const docDir = outAbs ? path.dirname(outAbs) : io.cwd;
    this.imageRef = (image) => relativeImageRef(image, docDir);
    this.streamToStdout = !v.json && !outAbs && (v.stream ?? (v['no-stream'] ? false : io.isTty === true));
    this.streamed = this.streamToStdout ? new StreamedText(secrets, io.isTty === true) : undefined;
  }

  onEvent(event: DescribeEvent): void {
    const { io, hide } = this;
    if (event.type === 'prepared') {
      this.images = event.images;
      if (this.streamToStdout) io.stdout(hide(renderHeader(event.images, this.imageRef)));
      this.waiting.show(`waiting for ${this.model}…`);
    } else if (event.type === 'text' && this.streamToStdout) {
      // The answer is coming: the waiting line must not be drawn across the text.
      this.waiting.stop();
      const safe = this.streamed?.push(event.delta);
      if (safe) io.stdout(hide(safe));
    } else if (event.type === 'waiting' && event.ms >= 1000) {
      io.stderr(`describe-image: ${hide(event.reason)} Retrying in ${Math.ceil(event.ms / 1000)} s (attempt ${event.attempt + 1} of ${event.maxAttempts}).\n`);
    }
  }

  async done(result: DescribeResult): Promise<void> {
    this.waiting.stop();
    const { io, hide, v, outAbs } = this;
    for (const w of result.warnings) io.stderr(`describe-image: warning: ${hide(w)}\n`);
    if (v.verbose) for (const n of result.notes) io.stderr(`describe-image: info: ${hide(n)}\n`);
    const markdown = hide(renderMarkdown(result, { imageRef: this.imageRef }));
    if (this.streamToStdout) io.stdout(hide(`${this.streamed?.end() ?? ''}\n\n${renderWarnings(result.warnings)}${renderFooter(result)}`));
    else if (v.json) io.stdout(`${hide(JSON.stringify(resultToJson(result), null, 2))}\n`);
    else if (!outAbs) io.stdout(markdown);
    if (outAbs) {
      await writeOut(outAbs, markdown, v.force ?? false);
      io.stderr(`describe-image: wrote ${path.relative(io.cwd, outAbs) || outAbs}\n`);
    }
  }

  async interrupted(e: unknown): Promise<void> {
    this.waiting.stop();
    if (!isDescribeError(e) || !e.partialText) return;
    const { io, hide, outAbs } = this;
    const status = e.code === 'cancelled' ? 'cancelled' : 'incomplete';
    const partial = () => hide(renderPartial(this.images, this.imageRef, e.partialText ?? '', status, e.message));
    if (this.streamToStdout) io.stdout(hide(`${this.streamed?.end() ?? ''}${renderInterruption(status, e.message)}`));
    else if (outAbs) {
      await writeOut(outAbs, partial(), this.v.force ?? false);
      io.stderr(`describe-image: wrote the incomplete text to ${path.relative(io.cwd, outAbs) || outAbs}\n`);
    } else if (!this.v.json) io.stdout(partial());
  }
}
