/**
 * The Batch API over HTTP, in its three shapes: Azure OpenAI v1 (`{endpoint}/openai/v1/files|batches`), Azure OpenAI
 * classic (`{endpoint}/openai/files|batches?api-version=…`, 2024-10-21 or newer) and OpenAI-compatible
 * (`{base}/files|batches`). Upload a JSONL file (multipart, purpose `batch`, streamed from disk), create a batch on it
 * (chat completions, 24h window), read or cancel it, and download a result file — resumed with a Range request from
 * what an interrupted download left. The credential goes in the same header as the chat client's; every text that
 * could carry it is redacted. A server without these endpoints (404/405) is a NoBatchEndpointError.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, createReadStream, promises as fs } from 'node:fs';
import { assertSecureEndpoint, DescribeError, isDescribeError, redact, type DescribeSettings } from '../base';
import { authHeader, errorFromResponse, knownSecret, type Credential, type Transport, type TransportResponse } from '../net';

/** Which API the batch goes to. */
export type BatchShape = 'azure-v1' | 'azure-classic' | 'openai';

/** The oldest api-version whose classic (deployments) API has files and batches. */
export const BATCH_API_VERSION = '2024-10-21';

export function batchShapeOf(settings: Pick<DescribeSettings, 'apiStyle'>): BatchShape {
  return settings.apiStyle === 'openai' ? 'openai' : settings.apiStyle === 'v1' ? 'azure-v1' : 'azure-classic';
}

/** The `url` of each JSONL line and the batch's `endpoint`: OpenAI names its path with /v1, Azure without. */
export function batchOperation(shape: BatchShape): string {
  return shape === 'openai' ? '/v1/chat/completions' : '/chat/completions';
}

/** The api-version of the classic API: the configured one when it has batches, else the oldest that does. */
export function batchApiVersion(apiVersion: string): string {
  return apiVersion.slice(0, 10) >= BATCH_API_VERSION ? apiVersion : BATCH_API_VERSION;
}

/** The URL of a files/batches operation, e.g. `/batches/{id}/cancel`. */
export function batchUrl(settings: Pick<DescribeSettings, 'apiStyle' | 'endpoint' | 'apiVersion'>, operation: string): string {
  const shape = batchShapeOf(settings);
  if (shape === 'openai') return `${settings.endpoint}${operation}`;
  if (shape === 'azure-v1') return `${settings.endpoint}/openai/v1${operation}`;
  return `${settings.endpoint}/openai${operation}?api-version=${encodeURIComponent(batchApiVersion(settings.apiVersion))}`;
}

export type BatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

/** A batch as the service reports it. */
export interface BatchInfo {
  readonly id: string;
  readonly status: BatchStatus | string;
  readonly total: number;
  readonly completed: number;
  readonly failed: number;
  readonly outputFileId: string | undefined;
  readonly errorFileId: string | undefined;
  /** Why the batch failed validation (a malformed line, a deployment that is not a batch one). */
  readonly errors: readonly { readonly code: string | undefined; readonly message: string; readonly line: number | undefined }[];
}

/** Done: nothing more will change (its files, if any, can be read). */
export function isFinished(status: string): boolean {
  return status === 'completed' || status === 'failed' || status === 'expired' || status === 'cancelled';
}

/** The server has no files or batches endpoint (404/405): it can answer only one request at a time. */
export class NoBatchEndpointError extends DescribeError {
  constructor(url: string, status: number) {
    super('not-found', `${url.replace(/\?.*$/, '')} answered ${status}: this server has no Batch API (files and batches). Run alt-text fix without --batch to send the requests one by one, or use an Azure OpenAI Global Batch deployment or the OpenAI API.`, { status });
  }
}

export interface BatchApiOptions {
  readonly settings: DescribeSettings;
  readonly credential: Credential;
  readonly transport: Transport;
  /** Time allowed for the answer to start (an upload: after its last byte). */
  readonly timeoutMs?: number | undefined;
}

interface Call {
  readonly method: 'GET' | 'POST';
  readonly operation: string;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly body?: (() => string | AsyncIterable<Uint8Array>) | undefined;
  readonly signal?: AbortSignal | undefined;
  /** A 404/405 here means the server has no Batch API (not: no such batch). */
  readonly endpointCheck?: boolean | undefined;
}

export class BatchApi {
  private readonly secrets = new Set<string>();
  private readonly timeoutMs: number;

  constructor(private readonly o: BatchApiOptions) {
    const secret = knownSecret(o.credential);
    if (secret) this.secrets.add(secret);
    this.timeoutMs = o.timeoutMs ?? 120_000;
  }

  /** Text without the key or any token this client sent. */
  redact(text: string): string {
    return redact(text, [...this.secrets]);
  }

  /** The secrets sent so far (the key, each token). */
  get sentSecrets(): readonly string[] {
    return [...this.secrets];
  }

  /** Upload a JSONL file with purpose `batch`, streamed from disk; its file id. */
  async upload(file: string, name: string, signal?: AbortSignal): Promise<string> {
    const boundary = `----describe-image-${randomBytes(12).toString('hex')}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name.replace(/["\r\n]/g, '_')}"\r\nContent-Type: application/jsonl\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const size = (await fs.stat(file)).size;
    async function* body(): AsyncGenerator<Uint8Array> {
      yield head;
      for await (const chunk of createReadStream(file)) yield chunk as Buffer;
      yield tail;
    }
    const json = await this.json({ method: 'POST', operation: '/files', endpointCheck: true, signal, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + size + tail.length) }, body });
    const id = json['id'];
    if (typeof id !== 'string' || !id) throw new DescribeError('bad-response', 'The upload was answered without a file id.');
    return this.checkedId(id);
  }

  /** Create a batch of chat completions on an uploaded file. */
  async create(inputFileId: string, signal?: AbortSignal): Promise<BatchInfo> {
    const payload = JSON.stringify({ input_file_id: inputFileId, endpoint: batchOperation(batchShapeOf(this.o.settings)), completion_window: '24h' });
    const info = batchInfo(await this.json({ method: 'POST', operation: '/batches', endpointCheck: true, signal, headers: { 'content-type': 'application/json' }, body: () => payload }));
    this.checkedId(info.id);
    return info;
  }

  get(id: string, signal?: AbortSignal): Promise<BatchInfo> {
    return this.json({ method: 'GET', operation: `/batches/${encodeURIComponent(id)}`, signal }).then((j) => sameBatch(id, batchInfo(j)));
  }

  cancel(id: string, signal?: AbortSignal): Promise<BatchInfo> {
    return this.json({ method: 'POST', operation: `/batches/${encodeURIComponent(id)}/cancel`, signal }).then((j) => sameBatch(id, batchInfo(j)));
  }

  /**
   * A file's content into `dest`: written to `dest.part` as it arrives, and renamed when whole. A part left by an
   * interrupted download is resumed with a Range request (a server that answers 200 instead sends it all again).
   */
  async download(fileId: string, dest: string, signal?: AbortSignal, maxBytes = MAX_RESULT_FILE_BYTES): Promise<void> {
    const part = `${dest}.part`;
    const have = (await regularFileSize(part)) ?? 0;
    const res = await this.call({ method: 'GET', operation: `/files/${encodeURIComponent(fileId)}/content`, signal, headers: have ? { range: `bytes=${have}-` } : {} });
    if (res.status === 416 && have) {
      await res.discard();
      await fs.rename(part, dest);
      return;
    }
    if (res.status !== 200 && res.status !== 206) throw await this.errorOf(res, false, `/files/${fileId}/content`);
    const resumed = res.status === 206;
    const expected = Number(res.headers['content-length'] ?? NaN);
    // Never through a symbolic link a repository could hold in its place (it would write outside the repository).
    const out = await fs.open(part, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_NOFOLLOW | (resumed ? fsConstants.O_APPEND : fsConstants.O_TRUNC));
    const start = resumed ? have : 0;
    let written = 0;
    let over = false;
    try {
      for await (const chunk of res.body) {
        over = start + written + chunk.length > maxBytes;
        if (over) break;
        await out.write(chunk);
        written += chunk.length;
      }
    } catch (e) {
      throw new DescribeError('network', `The download of ${fileId} broke after ${start + written} bytes; what arrived is kept (${part}): run again to resume it.`, { cause: e });
    } finally {
      await out.close();
    }
    if (over) {
      await res.discard();
      await fs.rm(part, { force: true });
      throw tooLarge(`the file ${fileId}`, maxBytes);
    }
    if (Number.isFinite(expected) && written !== expected) throw new DescribeError('network', `The download of ${fileId} ended after ${start + written} bytes, short of what was announced; run again to resume it.`);
    await fs.rename(part, dest);
  }

  /** An id the service gave, to be saved in the repository: never one that holds a secret this client sent. */
  private checkedId(id: string): string {
    if (this.redact(id) !== id) throw new DescribeError('bad-response', 'The service answered with an id that holds the credential that was sent (a hostile server or proxy); it was not saved.');
    if (id.length > 200 || [...id].some((c) => c.charCodeAt(0) < 0x20)) throw new DescribeError('bad-response', 'The service answered with an id that is not one (too long, or control characters); it was not saved.');
    return id;
  }

  private async json(call: Call): Promise<Record<string, unknown>> {
    const res = await this.call(call);
    const text = await boundedText(res, MAX_JSON_BYTES, call.operation);
    if (res.status < 200 || res.status >= 300) throw this.errorFrom(res, text, call.endpointCheck === true, call.operation);
    try {
      const json = JSON.parse(text) as unknown;
      if (json && typeof json === 'object' && !Array.isArray(json)) return json as Record<string, unknown>;
    } catch {
      // said below
    }
    throw new DescribeError('bad-response', `The service answered ${call.operation} with something that is not a JSON object: ${this.redact(text.slice(0, 200))}`);
  }

  /** The request with the credential's header; a refused Entra token is fetched afresh once. */
  private async call(call: Call, refresh = false): Promise<TransportResponse> {
    const { settings, credential, transport } = this.o;
    if (credential.kind !== 'none') assertSecureEndpoint(settings.endpoint);
    const url = batchUrl(settings, call.operation);
    const auth = await authHeader(credential, { signal: call.signal, refresh });
    for (const value of Object.values(auth)) this.secrets.add(value.replace(/^Bearer /, ''));
    let res: TransportResponse;
    try {
      res = await transport({ url, method: call.method, headers: { accept: 'application/json', ...call.headers, ...auth }, body: call.body?.(), signal: call.signal, headersTimeoutMs: this.timeoutMs, bodyTimeoutMs: this.timeoutMs });
    } catch (e) {
      if (isDescribeError(e)) throw e;
      if (call.signal?.aborted) throw new DescribeError('cancelled', 'Cancelled.', { cause: e });
      const code = (e as { code?: string } | undefined)?.code;
      throw new DescribeError('network', `The connection to ${new URL(url).host} failed${code ? ` (${code})` : ''}: ${this.redact(e instanceof Error ? e.message : String(e))}`, { cause: e });
    }
    if (res.status === 401 && credential.kind === 'entra' && !refresh) {
      await res.discard();
      return this.call(call, true);
    }
    return res;
  }

  private async errorOf(res: TransportResponse, endpointCheck: boolean, operation: string): Promise<DescribeError> {
    return this.errorFrom(res, await boundedText(res, MAX_JSON_BYTES, operation).catch(() => ''), endpointCheck, operation);
  }

  private errorFrom(res: TransportResponse, bodyText: string, endpointCheck: boolean, operation: string): DescribeError {
    const { settings, credential } = this.o;
    if (endpointCheck && (res.status === 404 || res.status === 405)) return new NoBatchEndpointError(this.redact(batchUrl(settings, operation)), res.status);
    const apiVersion = settings.apiStyle === 'deployments' ? batchApiVersion(settings.apiVersion) : undefined;
    return errorFromResponse({ status: res.status, headers: res.headers, bodyText, deployment: settings.deployment, endpoint: settings.endpoint, apiVersion, provider: settings.provider, auth: credential.kind, secrets: [...this.secrets] });
  }
}

/** The most one result line may hold (an answer of a few hundred tokens is a few kB): far above any real one. */
export const MAX_RESULT_LINE_BYTES = 1024 * 1024;
/** The most a result file may hold (a server that sends without end is stopped there). */
export const MAX_RESULT_FILE_BYTES = 4 * 1024 * 1024 * 1024;

/** The most the result file of a batch of `requests` requests may hold: a full line for each, and some. */
export function maxResultBytes(requests: number): number {
  return Math.min(MAX_RESULT_FILE_BYTES, (requests + 16) * MAX_RESULT_LINE_BYTES);
}
/** The most a JSON answer (a batch, a file, an error) may hold. */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;

function tooLarge(what: string, max: number): DescribeError {
  return new DescribeError('bad-response', `The service sent more for ${what} than ${max} bytes, more than any batch answer holds (a broken or hostile server); it was stopped and what arrived dropped.`);
}

/** The size of a download (or its part) when it is there: undefined when not; refused when not a regular file. */
export async function regularFileSize(file: string): Promise<number | undefined> {
  const stat = await fs.lstat(file).catch(() => undefined);
  if (stat && !stat.isFile()) throw new DescribeError('bad-input', `${file} is ${stat.isSymbolicLink() ? 'a symbolic link' : 'not a file'}: a download of the batch job is only ever a file of its own. Remove it and run again.`);
  return stat?.size;
}

/** The batch asked for, never another one (whose files would be read and applied as this one's). */
function sameBatch(id: string, info: BatchInfo): BatchInfo {
  if (info.id !== id) throw new DescribeError('bad-response', `The service answered for another batch than the one asked (${id}); nothing was downloaded or written, the job is kept.`);
  return info;
}

/** A body as text, stopped (and dropped) past `max` bytes. */
async function boundedText(res: TransportResponse, max: number, what: string): Promise<string> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.length;
    if (size > max) {
      await res.discard();
      throw tooLarge(what, max);
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** A batch object read (fields the service leaves out are zero or undefined). */
export function batchInfo(json: Record<string, unknown>): BatchInfo {
  const counts = (json['request_counts'] ?? {}) as Record<string, unknown>;
  const errors = (json['errors'] as { data?: unknown } | null | undefined)?.data;
  const id = text(json['id']);
  const status = text(json['status']);
  if (!id || !status) throw new DescribeError('bad-response', 'The service answered with something that is not a batch (no id or status).');
  return {
    id,
    status,
    total: count(counts['total']),
    completed: count(counts['completed']),
    failed: count(counts['failed']),
    outputFileId: text(json['output_file_id']),
    errorFileId: text(json['error_file_id']),
    errors: Array.isArray(errors) ? errors.map((e: Record<string, unknown>) => ({ code: text(e['code']), message: text(e['message']) ?? 'no reason given', line: typeof e['line'] === 'number' ? e['line'] : undefined })) : [],
  };
}
