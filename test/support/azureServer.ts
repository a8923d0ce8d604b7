/**
 * A local HTTP server on 127.0.0.1 that behaves like Azure OpenAI chat completions for vision: it checks the path,
 * api-version, `api-key`, the body's shape and the bytes of every data URL, and answers with the real status codes and
 * error bodies (401, 404 DeploymentNotFound / Resource not found, 400 content_filter with innererror, 400
 * unsupported_parameter for max_tokens on reasoning deployments, 400 image input not supported, 429 with retry-after,
 * 500), or with a description derived from what it received. Tests can script replies ahead of the normal behaviour.
 * Used by the unit tests, the CLI tests and the tests inside VS Code. It never reaches the internet.
 */
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { imageSize } from 'image-size';

export interface FakeDeployment {
  /** The model name the service reports. */
  readonly model: string;
  /** Reasoning model: rejects `max_tokens` and non-default sampling parameters. */
  readonly reasoning?: boolean;
  /** Takes no image input (e.g. o3-mini, provisioned gpt-4-turbo). */
  readonly noImages?: boolean;
}

export interface ReceivedImage {
  readonly url: string;
  readonly detail: string | undefined;
  /** For data URLs: the declared type, the decoded bytes' real type, size and dimensions. */
  readonly declaredMime: string | undefined;
  readonly sniffedType: string | undefined;
  readonly bytes: number | undefined;
  readonly width: number | undefined;
  readonly height: number | undefined;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawBody: string;
  readonly body: Record<string, unknown> | undefined;
  readonly images: ReceivedImage[];
  readonly status: number;
}

export interface ScriptedReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown;
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /** Destroy the connection without an answer. */
  readonly fault?: 'reset';
  /** Answer 200 text/event-stream with these raw pieces, written one by one (split anywhere you like). */
  readonly sse?: readonly string[];
  /** Wait between two pieces of `sse`. */
  readonly chunkDelayMs?: number;
  /** After the `sse` pieces: end the response (default), reset the connection, or stall (keep it open, silent). */
  readonly afterSse?: 'end' | 'reset' | 'stall';
  /** Only for requests that pass this test (default: any). */
  readonly when?: (req: RecordedRequest) => boolean;
}

export interface AzureLikeServerOptions {
  readonly key?: string;
  /** Microsoft Entra ID tokens the resource accepts as `Authorization: Bearer` (with the OpenAI User role). */
  readonly tokens?: readonly string[];
  /** Tokens of identities that are signed in but lack the role: 403 PermissionDenied. */
  readonly tokensWithoutRole?: readonly string[];
  /** Local (key) authentication disabled on the resource, as many organisations set it: keys get 403. */
  readonly keyAuthDisabled?: boolean;
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** The host name in `url` (default 127.0.0.1), e.g. a name only a test proxy resolves. */
  readonly hostName?: string;
  /** Added before every normal answer (like a model's time to answer). */
  readonly latencyMs?: number;
  /** Requests per second allowed (token bucket, burst = one second); beyond it: 429 with retry-after-ms. */
  readonly ratePerSecond?: number;
  readonly deployments?: Record<string, FakeDeployment>;
  /** Text the fake model answers; default: a description derived from the request. */
  readonly answer?: (req: RecordedRequest) => string;
}

const ERROR_401 = {
  error: {
    code: '401',
    message:
      'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
  },
};
const ERROR_404_RESOURCE = { error: { code: '404', message: 'Resource not found' } };
const ERROR_401_TOKEN = { error: { code: '401', message: 'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.' } };
const ERROR_403_ROLE = {
  error: {
    code: 'PermissionDenied',
    message:
      'The principal `00000000-0000-0000-0000-000000000000` lacks the required data action `Microsoft.CognitiveServices/accounts/OpenAI/deployments/chat/completions/action` to perform `POST /openai/deployments/{deployment-id}/chat/completions` operation.',
  },
};
const ERROR_403_KEY_DISABLED = { error: { code: 'AuthenticationTypeDisabled', message: 'Key based authentication is disabled for this resource.' } };
const ERROR_404_DEPLOYMENT = {
  error: {
    code: 'DeploymentNotFound',
    message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
  },
};
const ERROR_NO_IMAGES = {
  error: {
    message: 'Invalid content type. image_url is only supported by certain models.',
    type: 'invalid_request_error',
    param: 'messages.[1].content.[1].type',
    code: null,
  },
};
export const CONTENT_FILTER_TRIGGER = '[[unsafe]]';
const ERROR_CONTENT_FILTER = {
  error: {
    message:
      "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
    type: null,
    param: 'prompt',
    code: 'content_filter',
    status: 400,
    innererror: {
      code: 'ResponsibleAIPolicyViolation',
      content_filter_result: {
        hate: { filtered: false, severity: 'safe' },
        jailbreak: { filtered: false, detected: false },
        self_harm: { filtered: false, severity: 'safe' },
        sexual: { filtered: false, severity: 'safe' },
        violence: { filtered: true, severity: 'medium' },
      },
    },
  },
};
const SAFE_FILTER = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};

function unsupported(param: string, code: 'unsupported_parameter' | 'unsupported_value'): unknown {
  const message =
    code === 'unsupported_parameter'
      ? `Unsupported parameter: '${param}' is not supported with this model. Use 'max_completion_tokens' instead.`
      : `Unsupported value: '${param}' does not support 0.2 with this model. Only the default (1) value is supported.`;
  return { error: { message, type: 'invalid_request_error', param, code } };
}

const SNIFF_MIME: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };

function inspectImage(url: string, detail: string | undefined): ReceivedImage {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (!m) return { url, detail, declaredMime: undefined, sniffedType: undefined, bytes: undefined, width: undefined, height: undefined };
  const bytes = Buffer.from(m[2] ?? '', 'base64');
  let info: { type?: string; width?: number; height?: number } = {};
  try {
    info = imageSize(bytes);
  } catch {
    info = {};
  }
  return {
    url: `data:${m[1]};base64,…(${bytes.length} bytes)`,
    detail,
    declaredMime: m[1],
    sniffedType: info.type ? (SNIFF_MIME[info.type] ?? info.type) : undefined,
    bytes: bytes.length,
    width: info.width,
    height: info.height,
  };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export class AzureLikeServer {
  readonly key: string;
  readonly tokens: string[];
  readonly tokensWithoutRole: string[];
  keyAuthDisabled: boolean;
  readonly deployments: Record<string, FakeDeployment>;
  readonly requests: RecordedRequest[] = [];
  /** Replies used, in order, before the normal behaviour. */
  readonly script: ScriptedReply[] = [];
  answer: ((req: RecordedRequest) => string) | undefined;
  /**
   * 'received' (a request's body was read; its status is not known yet) and 'abandoned' (the client closed the
   * connection before the answer ended), each with the request: tests wait on these instead of sleeping.
   */
  readonly events = new EventEmitter<{ received: [RecordedRequest]; abandoned: [RecordedRequest] }>();
  latencyMs: number;
  ratePerSecond: number | undefined;
  private bucket = 0;
  private lastRefill = Date.now();
  private server: http.Server | undefined;
  private readonly tls: AzureLikeServerOptions['tls'];
  private readonly hostName: string;
  private readonly sockets = new Set<Socket>();
  private base = '';

  constructor(options: AzureLikeServerOptions = {}) {
    this.key = options.key ?? `test-key-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
    this.tokens = [...(options.tokens ?? [])];
    this.tokensWithoutRole = [...(options.tokensWithoutRole ?? [])];
    this.keyAuthDisabled = options.keyAuthDisabled ?? false;
    this.tls = options.tls;
    this.hostName = options.hostName ?? '127.0.0.1';
    this.deployments = options.deployments ?? {
      'gpt-4o': { model: 'gpt-4o-2024-08-06' },
      'o4-mini': { model: 'o4-mini-2025-04-16', reasoning: true },
      'text-only': { model: 'o3-mini-2025-01-31', noImages: true },
    };
    this.answer = options.answer;
    this.latencyMs = options.latencyMs ?? 0;
    this.ratePerSecond = options.ratePerSecond;
    this.bucket = options.ratePerSecond ?? 0;
  }

  /** Before each test: forget the requests seen and the replies scripted. */
  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
  }

  /** Take a token from the rate limiter; returns the wait in ms when there is none. */
  private takeToken(): number {
    if (!this.ratePerSecond) return 0;
    const now = Date.now();
    this.bucket = Math.min(this.ratePerSecond, this.bucket + ((now - this.lastRefill) / 1000) * this.ratePerSecond);
    this.lastRefill = now;
    if (this.bucket >= 1) {
      this.bucket -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.bucket) / this.ratePerSecond) * 1000);
  }

  /** Base URL, e.g. http://127.0.0.1:43123 */
  get url(): string {
    return this.base;
  }

  async start(): Promise<string> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
    this.server = this.tls ? https.createServer({ key: this.tls.key, cert: this.tls.cert }, handler) : http.createServer(handler);
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.base = `${this.tls ? 'https' : 'http'}://${this.hostName}:${port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The Target URI the portal shows for a deployment. */
  targetUri(deployment = 'gpt-4o', apiVersion = '2024-10-21'): string {
    return `${this.base}/openai/deployments/${deployment}/chat/completions?api-version=${apiVersion}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body: Json | undefined;
    try {
      const parsed: unknown = JSON.parse(rawBody);
      body = isObject(parsed) ? parsed : undefined;
    } catch {
      body = undefined;
    }
    const images: ReceivedImage[] = [];
    const messages = body?.['messages'];
    if (Array.isArray(messages)) {
      for (const m of messages) {
        if (!isObject(m) || !Array.isArray(m['content'])) continue;
        for (const part of m['content']) {
          if (isObject(part) && part['type'] === 'image_url' && isObject(part['image_url'])) {
            const iu = part['image_url'];
            images.push(inspectImage(String(iu['url']), typeof iu['detail'] === 'string' ? iu['detail'] : undefined));
          }
        }
      }
    }
    const record = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, rawBody, body, images, status: 0 };
    this.events.emit('received', record);
    res.once('close', () => {
      if (!res.writableEnded) this.events.emit('abandoned', record);
    });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      (record as { status: number }).status = status;
      this.requests.push(record);
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      res.writeHead(status, { 'content-type': typeof payload === 'string' ? 'text/plain' : 'application/json', 'apim-request-id': `req-${this.requests.length}`, ...headers });
      res.end(text);
    };

    const scriptedIndex = this.script.findIndex((s) => !s.when || s.when(record));
    if (scriptedIndex >= 0) {
      const [reply] = this.script.splice(scriptedIndex, 1);
      if (reply) {
        if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        if (reply.fault === 'reset') {
          (record as { status: number }).status = -1;
          this.requests.push(record);
          req.socket.destroy();
          return;
        }
        if (reply.sse) {
          (record as { status: number }).status = 200;
          this.requests.push(record);
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...(reply.headers ?? {}) });
          for (const piece of reply.sse) {
            res.write(piece);
            if (reply.chunkDelayMs) await new Promise((r) => setTimeout(r, reply.chunkDelayMs));
          }
          if (reply.afterSse === 'reset') {
            // Let the pieces reach the client first, then cut the connection.
            await new Promise((r) => setTimeout(r, 100));
            req.socket.destroy();
          }
          else if (reply.afterSse !== 'stall') res.end();
          return;
        }
        const headers = { ...(reply.headers ?? {}) };
        if (typeof reply.body === 'string' && !headers['content-type']) headers['content-type'] = 'text/html';
        send(reply.status ?? 200, reply.body ?? '', headers);
        return;
      }
    }

    const wait = this.takeToken();
    if (wait > 0) {
      return send(429, { error: { code: '429', message: `Requests to the ChatCompletions_Create Operation have exceeded call rate limit. Please retry after ${Math.ceil(wait / 1000)} second.` } }, { 'retry-after-ms': String(wait), 'retry-after': String(Math.ceil(wait / 1000)) });
    }
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));

    // Routing as Azure does it.
    let deploymentName: string | undefined;
    const classic = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(url.pathname);
    if (req.method !== 'POST') return send(405, { error: { code: '405', message: 'Method not allowed' } });
    if (classic) {
      if (!url.searchParams.get('api-version')) return send(404, ERROR_404_RESOURCE);
      deploymentName = decodeURIComponent(classic[1] ?? '');
    } else if (url.pathname === '/openai/v1/chat/completions') {
      deploymentName = typeof body?.['model'] === 'string' ? body['model'] : undefined;
    } else {
      return send(404, ERROR_404_RESOURCE);
    }
    // Authentication as Azure does it: a key in `api-key`, or an Entra ID token as `Authorization: Bearer`.
    const bearer = /^Bearer (.+)$/.exec(String(req.headers['authorization'] ?? ''))?.[1];
    if (bearer !== undefined) {
      if (this.tokensWithoutRole.includes(bearer)) return send(403, ERROR_403_ROLE);
      if (!this.tokens.includes(bearer)) return send(401, ERROR_401_TOKEN);
    } else {
      if (req.headers['api-key'] !== this.key) return send(401, ERROR_401);
      if (this.keyAuthDisabled) return send(403, ERROR_403_KEY_DISABLED);
    }
    const deployment = deploymentName ? this.deployments[deploymentName] : undefined;
    if (!deployment) return send(404, ERROR_404_DEPLOYMENT);
    if (!body) return send(400, { error: { code: 'BadRequest', message: 'The request body is not valid JSON.' } });

    // Body shape, as the seed describes it.
    const shapeError = checkShape(body);
    if (shapeError) return send(400, { error: { code: 'BadRequest', message: shapeError, type: 'invalid_request_error' } });
    if (images.length > 10) return send(400, { error: { code: 'BadRequest', message: 'Too many images in request. Max is 10.' } });
    for (const image of images) {
      if (image.bytes === undefined) continue;
      if (image.bytes === 0 || image.bytes > 20_971_520) {
        return send(400, { error: { code: 'BadRequest', message: 'The image size must be greater than zero and cannot exceed 20971520 bytes.' } });
      }
      if (!image.sniffedType || image.sniffedType !== image.declaredMime) {
        return send(400, { error: { code: 'BadRequest', message: `Invalid image data: declared ${image.declaredMime}, bytes are ${image.sniffedType ?? 'not an image'}.` } });
      }
    }
    const apiVersion = url.searchParams.get('api-version');
    if (deployment.reasoning && classic && apiVersion && apiVersion.slice(0, 10) < '2024-12-01') {
      return send(400, { error: { code: 'BadRequest', message: `Model ${deployment.model.replace(/-\d{4}-\d{2}-\d{2}$/, '')} is enabled only for api versions 2024-12-01-preview and later` } });
    }
    if (deployment.reasoning) {
      if ('max_tokens' in body) return send(400, unsupported('max_tokens', 'unsupported_parameter'));
      for (const p of ['temperature', 'top_p']) if (p in body) return send(400, unsupported(p, 'unsupported_value'));
    }
    if (deployment.noImages && images.length > 0) return send(400, ERROR_NO_IMAGES);
    const userText = textOf(body);
    if (userText.includes(CONTENT_FILTER_TRIGGER)) return send(400, ERROR_CONTENT_FILTER);

    const full = (this.answer ?? defaultAnswer)(record);
    const limit = Number(body['max_completion_tokens'] ?? body['max_tokens'] ?? 4096);
    const words = full.split(/(?<=\s)/);
    const cut = words.length > limit;
    const text = cut ? words.slice(0, limit).join('').trimEnd() : full;
    const completionTokens = Math.min(words.length, limit);
    const promptTokens = 20 + images.length * 85 + Math.ceil(userText.length / 4);
    const finishReason = cut ? 'length' : 'stop';
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    if (body['stream'] === true) {
      this.requests.push({ ...record, status: 200 });
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'apim-request-id': `req-${this.requests.length}` });
      const includeUsage = isObject(body['stream_options']) && body['stream_options']['include_usage'] === true;
      for (const event of streamEvents(deployment.model, text, finishReason, includeUsage ? usage : undefined)) res.write(event);
      res.end();
      return;
    }
    send(200, {
      id: `chatcmpl-test${this.requests.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: deployment.model,
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: SAFE_FILTER }],
      choices: [{ index: 0, finish_reason: finishReason, message: { role: 'assistant', content: text }, content_filter_results: SAFE_FILTER }],
      usage,
    });
  }
}

export function textOf(body: Json): string {
  const messages = body['messages'] as unknown[];
  return messages
    .flatMap((m) => (isObject(m) ? (typeof m['content'] === 'string' ? [m['content']] : Array.isArray(m['content']) ? m['content'] : []) : []))
    .map((p) => (typeof p === 'string' ? p : isObject(p) && typeof p['text'] === 'string' ? p['text'] : ''))
    .join('\n');
}

/** The request body must be what the seed shows: system message, user message with a text part then image parts (and text between them). */
function checkShape(body: Json): string | undefined {
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length < 2) return "'messages' must hold a system and a user message.";
  const [system, user] = messages as unknown[];
  if (!isObject(system) || system['role'] !== 'system' || typeof system['content'] !== 'string') return 'The first message must be a system message with text content.';
  if (!isObject(user) || user['role'] !== 'user' || !Array.isArray(user['content'])) return 'The second message must be a user message with an array of content parts.';
  const parts = user['content'] as unknown[];
  const first = parts[0];
  if (!isObject(first) || first['type'] !== 'text' || typeof first['text'] !== 'string') return "The user message must start with a 'text' part.";
  for (const p of parts.slice(1)) {
    // Text parts may come between images (as the API allows: content parts in any order).
    if (isObject(p) && p['type'] === 'text' && typeof p['text'] === 'string') continue;
    if (!isObject(p) || p['type'] !== 'image_url' || !isObject(p['image_url']) || typeof p['image_url']['url'] !== 'string') return "Every part after the text must be a 'text' part or an 'image_url' part with a url.";
    const detail = p['image_url']['detail'];
    if (detail !== undefined && detail !== 'low' && detail !== 'high' && detail !== 'auto') return `Invalid value for 'detail': ${String(detail)}.`;
    const u = p['image_url']['url'];
    if (!/^data:image\/[a-z0-9.+-]+;base64,/i.test(u) && !/^https?:\/\//i.test(u)) return 'Invalid image URL: must be an http(s) URL or a base64 data URL.';
  }
  if ('max_tokens' in body && (typeof body['max_tokens'] !== 'number' || body['max_tokens'] < 1)) return "'max_tokens' must be a positive integer.";
  return undefined;
}

/** A description derived from what was received, so tests can check the request reached the model intact. */
export function defaultAnswer(req: RecordedRequest): string {
  const list = req.images
    .map((i, n) => (i.bytes !== undefined ? `image ${n + 1} is a ${i.width}x${i.height} ${i.sniffedType} of ${i.bytes} bytes` : `image ${n + 1} is at ${i.url}`))
    .join('; ');
  return `The fake model saw ${req.images.length} image(s): ${list}. It was asked: "${firstText(req.body)}".`;
}

function firstText(body: Json | undefined): string {
  const user = Array.isArray(body?.['messages']) ? (body?.['messages'] as unknown[])[1] : undefined;
  const first = isObject(user) && Array.isArray(user['content']) ? (user['content'] as unknown[])[0] : undefined;
  return isObject(first) && typeof first['text'] === 'string' ? first['text'] : '';
}

/** Server-sent events as Azure sends them, quirks included. */
export function streamEvents(model: string, text: string, finishReason: string, usage: unknown): string[] {
  const data = (o: unknown): string => `data: ${typeof o === 'string' ? o : JSON.stringify(o)}\n\n`;
  const id = 'chatcmpl-stream';
  const events = [
    data({ id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: [{ prompt_index: 0, content_filter_results: SAFE_FILTER }] }),
    data({ id, object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }),
  ];
  for (const piece of text.match(/\S+\s*/g) ?? []) {
    events.push(data({ id, object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: { content: piece }, finish_reason: null, content_filter_results: SAFE_FILTER }] }));
  }
  events.push(data({ id, object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: {}, finish_reason: finishReason }] }));
  events.push(data({ id, object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, content_filter_results: SAFE_FILTER, finish_reason: null }] }));
  if (usage) events.push(data({ id, object: 'chat.completion.chunk', created: 1, model, choices: [], usage }));
  events.push(data('[DONE]'));
  return events;
}
