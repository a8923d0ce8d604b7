/**
 * A local server on 127.0.0.1 that behaves like an OpenAI-compatible chat API: OpenAI itself (a bearer key, `model`
 * in the body, `max_completion_tokens`, errors in OpenAI's shape — invalid_api_key, model_not_found,
 * insufficient_quota, rate limits with x-ratelimit-* and retry-after —, streaming with a usage chunk) or a local server
 * such as Ollama (no key, `max_tokens` only: it refuses `max_completion_tokens` naming it in its message, and streams
 * without usage). `GET /v1/models` lists the models. Requests are recorded; it never reaches the internet.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { imageSize } from 'image-size';
import { isObject } from '../../src/core/base';
import { streamEvents } from './azureServer';

export interface OpenAiLikeOptions {
  /** The loopback address it listens on (default 127.0.0.1; any of 127.0.0.0/8 is this machine too). */
  readonly address?: string;
  /** The key required as `Authorization: Bearer`; undefined: no key needed (a local server). */
  readonly key?: string | undefined;
  readonly models?: readonly string[];
  /** Knows `max_completion_tokens` (OpenAI) or only `max_tokens` (an older local server). */
  readonly knowsMaxCompletionTokens?: boolean;
  /** Sends a usage chunk when asked (`stream_options.include_usage`). */
  readonly streamUsage?: boolean;
  readonly answer?: (req: OpenAiRequest) => string;
}

export interface OpenAiRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Record<string, unknown> | undefined;
  /** Declared type and byte size of each data-URL image. */
  readonly images: { mime: string; bytes: number; width: number | undefined; height: number | undefined }[];
  status: number;
}

export interface OpenAiScripted {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
}

export class OpenAiLikeServer {
  readonly requests: OpenAiRequest[] = [];
  readonly script: OpenAiScripted[] = [];
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private base = '';

  constructor(readonly options: OpenAiLikeOptions = {}) {}

  /** The base URL, as a user would configure it: http://127.0.0.1:PORT/v1 */
  get url(): string {
    return `${this.base}/v1`;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    const address = this.options.address ?? '127.0.0.1';
    await new Promise<void>((r) => this.server?.listen(0, address, r));
    this.base = `http://${address}:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      body = isObject(parsed) ? parsed : undefined;
    } catch {
      body = undefined;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: OpenAiRequest = { method: req.method ?? '', path: url.pathname, headers: req.headers, body, images: imagesOf(body), status: 0 };
    this.requests.push(record);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_${this.requests.length}`, ...headers });
      res.end(JSON.stringify(payload));
    };
    const error = (status: number, message: string, type: string, code: string | null, param: string | null = null, headers: Record<string, string> = {}) => send(status, { error: { message, type, param, code } }, headers);

    const scripted = this.script.shift();
    if (scripted) return send(scripted.status, scripted.body, scripted.headers);
    if (this.options.key !== undefined && req.headers['authorization'] !== `Bearer ${this.options.key}`) {
      return error(401, 'Incorrect API key provided: sk-****. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key');
    }
    const models = this.options.models ?? ['gpt-4.1', 'gpt-4o-mini'];
    if (req.method === 'GET' && url.pathname === '/v1/models') {
      return send(200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1, owned_by: 'test' })) });
    }
    if (req.method !== 'POST' || url.pathname !== '/v1/chat/completions') return error(404, `Invalid URL (${req.method} ${url.pathname})`, 'invalid_request_error', null);
    if (!body) return error(400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null);
    const model = typeof body['model'] === 'string' ? body['model'] : '';
    if (!models.includes(model)) return error(404, `The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found');
    if ('max_completion_tokens' in body && this.options.knowsMaxCompletionTokens === false) {
      // What a server that knows only max_tokens says: it names the field, without OpenAI's `param`.
      return send(400, { error: { message: 'invalid request: unknown field "max_completion_tokens"', type: 'invalid_request_error' } });
    }
    const limit = Number(body['max_completion_tokens'] ?? body['max_tokens'] ?? 4096);
    const text = (this.options.answer ?? defaultAnswer)(record);
    const words = text.split(/(?<=\s)/);
    const cut = words.length > limit;
    const content = cut ? words.slice(0, limit).join('').trimEnd() : text;
    const usage = { prompt_tokens: 100, completion_tokens: Math.min(words.length, limit), total_tokens: 100 + Math.min(words.length, limit) };
    if (body['stream'] === true) {
      record.status = 200;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const includeUsage = this.options.streamUsage !== false && isObject(body['stream_options']) && body['stream_options']['include_usage'] === true;
      // OpenAI's stream has none of Azure's filter results: take them out of the Azure-shaped events.
      for (const e of streamEvents(model, content, cut ? 'length' : 'stop', includeUsage ? usage : undefined)) {
        const data = e.slice('data: '.length).trim();
        if (data === '[DONE]') res.write(e);
        else {
          const chunk = JSON.parse(data) as Record<string, unknown>;
          if ('prompt_filter_results' in chunk) continue;
          const choices = (chunk['choices'] as Record<string, unknown>[]).map(({ content_filter_results: _, ...rest }) => rest);
          if (choices.length && choices.every((c) => !('delta' in c))) continue;
          res.write(`data: ${JSON.stringify({ ...chunk, choices })}\n\n`);
        }
      }
      res.end();
      return;
    }
    send(200, { id: 'chatcmpl-x', object: 'chat.completion', created: 1, model, choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: cut ? 'length' : 'stop' }], usage });
  }
}

function imagesOf(body: Record<string, unknown> | undefined): OpenAiRequest['images'] {
  const out: OpenAiRequest['images'] = [];
  const messages = Array.isArray(body?.['messages']) ? (body['messages'] as unknown[]) : [];
  for (const m of messages) {
    if (!isObject(m) || !Array.isArray(m['content'])) continue;
    for (const p of m['content']) {
      if (!isObject(p) || p['type'] !== 'image_url' || !isObject(p['image_url'])) continue;
      const match = /^data:([^;]+);base64,(.*)$/s.exec(String(p['image_url']['url']));
      if (!match) continue;
      const bytes = Buffer.from(match[2] ?? '', 'base64');
      let size: { width?: number; height?: number } = {};
      try {
        size = imageSize(bytes);
      } catch {
        size = {};
      }
      out.push({ mime: match[1] ?? '', bytes: bytes.length, width: size.width, height: size.height });
    }
  }
  return out;
}

function defaultAnswer(req: OpenAiRequest): string {
  return `The model ${String(req.body?.['model'])} saw ${req.images.length} image(s): ${req.images.map((i) => `a ${i.width}x${i.height} ${i.mime}`).join(', ')}.`;
}
