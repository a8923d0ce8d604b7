/**
 * A local server on 127.0.0.1 that behaves like the Batch API of Azure OpenAI (v1 `/openai/v1/files|batches`, classic
 * `/openai/files|batches?api-version=2024-10-21` or newer) or of OpenAI (`/v1/files|batches`): it checks the key, parses
 * the multipart upload with a real parser (undici's Request.formData), validates every JSONL line (JSON, unique
 * custom_id, method POST, the url of the shape, a body with `model` and messages) and answers validation errors in the
 * official shape `{error: {code, message}}`; a batch whose deployment is not a batch one fails validation with
 * `errors.data`. The test drives the status (`validating` → `in_progress` → `completed`, cancel), chooses which requests
 * fail (a content filter, an image refused), and can drop a download midway; downloads honour Range. Every request is
 * recorded; a chat-completions request is answered 404 (and counted). It never reaches the internet.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type BatchServerShape = 'azure-v1' | 'azure-classic' | 'openai';

export interface BatchServerOptions {
  readonly shape?: BatchServerShape;
  /** Deployments (models) that are batch ones; others fail validation. Default: gpt-4o-batch and gpt-4o. */
  readonly batchDeployments?: readonly string[];
  /** No Batch API at all: files and batches answer this status (404 or 405). */
  readonly noBatch?: 404 | 405;
  /** The model's answer to a line's body (default: derived from the bytes of its images). */
  readonly answer?: (body: Record<string, unknown>) => string;
  /** Put the key the client sent into every answer and error message (a hostile server). */
  readonly echoKey?: boolean;
  /** Put the key into the ids it gives (files, batches): a hostile server whose ids must not be saved. */
  readonly keyInIds?: boolean;
}

export interface BatchRecord {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly status: number;
}

interface StoredFile {
  readonly id: string;
  readonly purpose: string;
  readonly filename: string;
  bytes: Buffer;
}

export interface FakeBatch {
  readonly id: string;
  readonly inputFileId: string;
  status: string;
  readonly lines: Record<string, unknown>[];
  outputFileId: string | undefined;
  errorFileId: string | undefined;
  errors: { code: string; message: string; line: number }[];
  completed: number;
  failed: number;
}

/** The answer the fake model gives a body by default: a sentence made from its images' bytes (deterministic). */
export function answerFromImages(body: Record<string, unknown>): string {
  const messages = body['messages'] as { content?: unknown }[] | undefined;
  const parts = Array.isArray(messages?.[1]?.content) ? (messages[1].content as { type?: string; image_url?: { url?: string } }[]) : [];
  const urls = parts.filter((p) => p.type === 'image_url').map((p) => p.image_url?.url ?? '');
  const hash = createHash('sha256').update(urls.join('\n')).digest('hex');
  return `Settings panel ${hash.slice(0, 8)} with the sync option turned on`;
}

const key = `batch-key-${randomBytes(8).toString('hex')}`;

export class BatchLikeServer {
  readonly key = key;
  readonly records: BatchRecord[] = [];
  readonly files = new Map<string, StoredFile>();
  readonly batches = new Map<string, FakeBatch>();
  /** custom_id → the error that request gets when its batch completes ({code, message}). */
  readonly failures = new Map<string, { code: string; message: string; status: number }>();
  /** Drop the next download of a file after this many bytes (once). */
  dropNextDownloadAfter: number | undefined;
  /** Answer a Range request with the whole file (200), as a server without range support does. */
  ignoreRange = false;
  /** Send a file's content without end (a broken or hostile server), until the client goes. */
  endlessDownload = false;
  /** Creating a batch waits for this (to hold a run midway through its submission). */
  holdCreate: Promise<void> | undefined;
  /** Change each batch object before it is sent (a hostile server: another id, the key in a field). */
  patchBatch: ((json: Record<string, unknown>) => Record<string, unknown>) | undefined;
  chatRequests = 0;
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private counter = 0;

  constructor(readonly options: BatchServerOptions = {}) {}

  get shape(): BatchServerShape {
    return this.options.shape ?? 'azure-v1';
  }

  /** The endpoint (Azure) or base URL (OpenAI: with /v1) a client is given. */
  get url(): string {
    return this.shape === 'openai' ? `http://127.0.0.1:${this.port}/v1` : `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The only batch (tests that submit one). */
  only(): FakeBatch {
    const all = [...this.batches.values()];
    if (all.length !== 1) throw new Error(`expected one batch, have ${all.length}`);
    return all[0] as FakeBatch;
  }

  setStatus(status: string, id?: string): void {
    for (const b of this.batches.values()) if (!id || b.id === id) b.status = status;
  }

  /** Answer every line (the failures chosen fail), write the output and error files, status completed (or the given end). */
  complete(id?: string, end: 'completed' | 'cancelled' | 'expired' = 'completed', answered = Infinity): void {
    for (const b of this.batches.values()) {
      if (id && b.id !== id) continue;
      const out: string[] = [];
      const err: string[] = [];
      for (const [n, line] of b.lines.entries()) {
        if (n >= answered) break;
        const customId = String(line['custom_id']);
        const failure = this.failures.get(customId);
        const rid = `req_${++this.counter}`;
        if (failure) err.push(JSON.stringify({ id: `batch_req_${rid}`, custom_id: customId, response: { status_code: failure.status, request_id: rid, body: { error: { code: failure.code, message: this.echo(failure.message) } } }, error: null }));
        else out.push(JSON.stringify({ id: `batch_req_${rid}`, custom_id: customId, response: { status_code: 200, request_id: rid, body: this.completion(line['body'] as Record<string, unknown>) }, error: null }));
      }
      b.completed = out.length;
      b.failed = err.length;
      b.outputFileId = out.length ? this.store('batch_output', 'output.jsonl', Buffer.from(`${out.join('\n')}\n`)) : undefined;
      b.errorFileId = err.length ? this.store('batch_output', 'errors.jsonl', Buffer.from(`${err.join('\n')}\n`)) : undefined;
      b.status = end;
    }
  }

  private echo(text: string): string {
    return this.options.echoKey ? `${text} (key ${this.key})` : text;
  }

  private completion(body: Record<string, unknown>): unknown {
    const text = this.echo((this.options.answer ?? answerFromImages)(body));
    return { id: `chatcmpl-${++this.counter}`, object: 'chat.completion', model: String(body['model']), choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage: { prompt_tokens: 100, completion_tokens: 12, total_tokens: 112 } };
  }

  private store(purpose: string, filename: string, bytes: Buffer): string {
    const id = `file-${randomBytes(8).toString('hex')}`;
    this.files.set(id, { id, purpose, filename, bytes });
    return id;
  }

  private base(): string {
    return this.shape === 'openai' ? '/v1' : this.shape === 'azure-v1' ? '/openai/v1' : '/openai';
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.records.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, status });
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    };
    const error = (status: number, code: string, message: string) => send(status, { error: { code, message: this.echo(message), type: 'invalid_request_error', param: null } });
    if (url.pathname.endsWith('/chat/completions')) {
      this.chatRequests++;
      return error(404, 'NotFound', 'This fake server answers batches only.');
    }
    const given = this.shape === 'openai' ? (req.headers['authorization'] ?? '').replace(/^Bearer /, '') : (req.headers['api-key'] ?? (req.headers['authorization'] ?? '').replace(/^Bearer /, ''));
    if (given !== this.key) return error(401, '401', 'Access denied due to invalid subscription key or wrong API endpoint.');
    const base = this.base();
    if (!url.pathname.startsWith(`${base}/`)) return error(404, '404', 'Resource not found');
    if (this.shape === 'azure-classic' && (url.searchParams.get('api-version') ?? '').slice(0, 10) < '2024-10-21') return error(404, '404', 'Resource not found');
    if (this.options.noBatch) return error(this.options.noBatch, String(this.options.noBatch), this.options.noBatch === 404 ? 'Resource not found' : 'Method Not Allowed');
    const route = url.pathname.slice(base.length);
    if (req.method === 'POST' && route === '/files') return this.upload(req, raw, send, error);
    if (req.method === 'POST' && route === '/batches') {
      await this.holdCreate;
      return this.create(raw, send, error);
    }
    let m = /^\/batches\/([^/]+)(\/cancel)?$/.exec(route);
    if (m) {
      const b = this.batches.get(decodeURIComponent(m[1] ?? ''));
      if (!b) return error(404, 'batchNotFound', 'Batch not found.');
      if (m[2] && req.method === 'POST') b.status = b.status === 'completed' ? b.status : 'cancelling';
      return send(200, this.batchJson(b));
    }
    m = /^\/files\/([^/]+)\/content$/.exec(route);
    if (m && req.method === 'GET') return this.download(decodeURIComponent(m[1] ?? ''), req, res, url, error);
    return error(404, '404', 'Resource not found');
  }

  private async upload(req: http.IncomingMessage, raw: Buffer, send: (s: number, b: unknown) => void, error: (s: number, c: string, m: string) => void): Promise<void> {
    let form: FormData;
    try {
      form = await new Request('http://127.0.0.1/', { method: 'POST', headers: { 'content-type': String(req.headers['content-type'] ?? '') }, body: new Uint8Array(raw) }).formData();
    } catch {
      return error(400, 'invalidPayload', 'The request body is not multipart/form-data.');
    }
    const purpose = form.get('purpose');
    const file = form.get('file');
    if (purpose !== 'batch') return error(400, 'invalidPurpose', `The purpose must be batch (got ${String(purpose)}).`);
    if (!(file instanceof Blob)) return error(400, 'invalidPayload', 'No file in the upload.');
    const bytes = Buffer.from(await file.arrayBuffer());
    const problem = this.validate(bytes.toString('utf8'));
    if (problem) return error(400, 'invalidPayload', problem);
    const id = this.store('batch', (file as File).name, bytes);
    send(200, { id, object: 'file', purpose: 'batch', filename: (file as File).name, bytes: bytes.length, status: 'processed' });
  }

  /** Why a JSONL input file is refused, or undefined. */
  private validate(text: string): string | undefined {
    const ids = new Set<string>();
    const lineUrl = this.shape === 'openai' ? '/v1/chat/completions' : '/chat/completions';
    for (const [n, line] of text.split('\n').filter((l) => l.trim()).entries()) {
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return `Line ${n + 1} is not valid JSON.`;
      }
      const body = json['body'] as Record<string, unknown> | undefined;
      if (typeof json['custom_id'] !== 'string' || ids.has(json['custom_id'])) return `Line ${n + 1}: custom_id is missing or not unique.`;
      ids.add(json['custom_id']);
      if (json['method'] !== 'POST' || json['url'] !== lineUrl) return `Line ${n + 1}: method must be POST and url ${lineUrl}.`;
      if (!body || typeof body['model'] !== 'string' || !Array.isArray(body['messages'])) return `Line ${n + 1}: the body needs model and messages.`;
    }
    return ids.size ? undefined : 'The file has no requests.';
  }

  private create(raw: Buffer, send: (s: number, b: unknown) => void, error: (s: number, c: string, m: string) => void): void {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      return error(400, 'invalidPayload', 'The body is not JSON.');
    }
    const input = this.files.get(String(json['input_file_id']));
    const endpoint = this.shape === 'openai' ? '/v1/chat/completions' : '/chat/completions';
    if (!input || input.purpose !== 'batch') return error(400, 'invalidInputFile', 'input_file_id is not an uploaded batch file.');
    if (json['endpoint'] !== endpoint || json['completion_window'] !== '24h') return error(400, 'invalidPayload', `endpoint must be ${endpoint} and completion_window 24h.`);
    const lines = input.bytes.toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
    const batchDeployments = this.options.batchDeployments ?? ['gpt-4o-batch', 'gpt-4o'];
    const errors = lines.flatMap((l, n) => (batchDeployments.includes(String((l['body'] as Record<string, unknown>)['model'])) ? [] : [{ code: 'model_not_found', message: this.echo(`The provided model deployment '${String((l['body'] as Record<string, unknown>)['model'])}' is not a Global Batch deployment.`), line: n + 1 }]));
    const id = `batch_${randomBytes(8).toString('hex')}${this.options.keyInIds ? `_${this.key}` : ''}`;
    const batch: FakeBatch = { id, inputFileId: input.id, status: errors.length ? 'failed' : 'validating', lines, outputFileId: undefined, errorFileId: undefined, errors, completed: 0, failed: 0 };
    this.batches.set(id, batch);
    send(200, this.batchJson(batch));
  }

  private endless(res: http.ServerResponse): void {
    const chunk = Buffer.alloc(256 * 1024, 'x');
    const more = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', more);
    };
    res.on('close', () => res.removeAllListeners('drain'));
    more();
  }

  private batchJson(b: FakeBatch): unknown {
    const json = {
      id: b.id,
      object: 'batch',
      endpoint: this.shape === 'openai' ? '/v1/chat/completions' : '/chat/completions',
      errors: b.errors.length ? { object: 'list', data: b.errors } : null,
      input_file_id: b.inputFileId,
      completion_window: '24h',
      status: b.status,
      output_file_id: b.outputFileId ?? null,
      error_file_id: b.errorFileId ?? null,
      created_at: 1733443200,
      request_counts: { total: b.lines.length, completed: b.completed, failed: b.failed },
    };
    return this.patchBatch ? this.patchBatch(json) : json;
  }

  private download(id: string, req: http.IncomingMessage, res: http.ServerResponse, url: URL, error: (s: number, c: string, m: string) => void): void {
    const file = this.files.get(id);
    if (!file) return error(404, 'fileNotFound', 'File not found.');
    const range = this.ignoreRange ? null : /^bytes=(\d+)-$/.exec(String(req.headers['range'] ?? ''));
    const start = range ? Number(range[1]) : 0;
    const body = file.bytes.subarray(start);
    const status = range ? 206 : 200;
    this.records.push({ method: 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, status });
    if (this.endlessDownload) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return this.endless(res);
    }
    res.writeHead(status, { 'content-type': 'application/octet-stream', 'content-length': String(body.length), ...(range ? { 'content-range': `bytes ${start}-${file.bytes.length - 1}/${file.bytes.length}` } : {}) });
    const drop = this.dropNextDownloadAfter;
    if (drop !== undefined && drop < body.length) {
      this.dropNextDownloadAfter = undefined;
      res.write(body.subarray(0, drop), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(body);
  }
}
