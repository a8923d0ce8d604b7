/**
 * A batch's result files read: each line `{id, custom_id, response: {status_code, request_id, body}, error}` becomes,
 * per custom id, the chat completion's text and finish reason (read by core/net as an interactive answer is), or the
 * reason it failed — the service's error code and message (a content filter, an image it refused, …), redacted.
 */
import { createReadStream } from 'node:fs';
import { isDescribeError, redact } from '../base';
import { parseChatCompletion } from '../net';
import { MAX_RESULT_LINE_BYTES } from './api';

export type BatchAnswer =
  | { readonly ok: true; readonly text: string; readonly finishReason: string | undefined }
  | { readonly ok: false; readonly reason: string };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** Why a request failed, from its error object (`{code, message}`), or its status. */
function failure(error: unknown, status: unknown, secrets: readonly string[]): BatchAnswer {
  const e = (error && typeof error === 'object' ? error : {}) as Record<string, unknown>;
  const code = str(e['code']);
  const message = str(e['message']);
  const said = [code, message].filter(Boolean).join(': ') || `the service answered ${typeof status === 'number' ? status : 'with an error'}`;
  return { ok: false, reason: `the batch request failed (${redact(said, secrets).slice(0, 400)})` };
}

/** One result line read; undefined when it is not one. */
export function readResultLine(line: string, secrets: readonly string[]): { customId: string; answer: BatchAnswer } | undefined {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const customId = str(json['custom_id']);
  if (!customId) return undefined;
  const response = (json['response'] ?? undefined) as Record<string, unknown> | undefined;
  const status = response?.['status_code'];
  const body = response?.['body'];
  if (json['error'] || !response || status !== 200) {
    const inner = body && typeof body === 'object' ? (body as Record<string, unknown>)['error'] : undefined;
    return { customId, answer: failure(json['error'] ?? inner, status, secrets) };
  }
  try {
    const completion = parseChatCompletion(typeof body === 'string' ? body : JSON.stringify(body), secrets);
    return { customId, answer: { ok: true, text: completion.content, finishReason: completion.finishReason } };
  } catch (e) {
    return { customId, answer: { ok: false, reason: isDescribeError(e) ? e.message : 'the answer could not be read' } };
  }
}

/**
 * The lines of a file, each at most `max` bytes: a longer one (a broken or hostile server) is dropped as it is read,
 * never held whole, and said as undefined.
 */
export async function* boundedLines(file: string, max = MAX_RESULT_LINE_BYTES): AsyncGenerator<string | undefined> {
  let parts: Buffer[] = [];
  let size = 0;
  let dropped = false;
  const end = function* (): Generator<string | undefined> {
    yield dropped ? undefined : Buffer.concat(parts).toString('utf8');
    parts = [];
    size = 0;
    dropped = false;
  };
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(10); ; nl = chunk.indexOf(10, from)) {
      const piece = chunk.subarray(from, nl < 0 ? chunk.length : nl);
      size += piece.length;
      dropped ||= size > max;
      if (dropped) parts = [];
      else parts.push(piece);
      if (nl < 0) break;
      yield* end();
      from = nl + 1;
    }
  }
  if (size || dropped) yield* end();
}

/** Every line of a result file into `into` (a success is never replaced by a failure for the same id); the lines not read. */
export async function readResultFile(file: string, into: Map<string, BatchAnswer>, secrets: readonly string[]): Promise<number> {
  let unread = 0;
  for await (const line of boundedLines(file)) {
    if (line !== undefined && !line.trim()) continue;
    const read = line === undefined ? undefined : readResultLine(line, secrets);
    if (!read) {
      unread++;
      continue;
    }
    if (into.get(read.customId)?.ok) continue;
    into.set(read.customId, read.answer);
  }
  return unread;
}
