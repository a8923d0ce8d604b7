/**
 * The HTTP client for chat completions. It uses undici through an explicit dispatcher of its own (never the
 * process-wide global one, which the VS Code extension host patches for proxies), takes an AbortSignal for cancel,
 * and has a timeout. The key goes only to the configured endpoint, in the `api-key` header; redirects are never
 * followed. When a deployment refuses `max_tokens` (reasoning models), it retries once with `max_completion_tokens`
 * and remembers that for the deployment.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { DescribeError, isDescribeError, redact } from './errors';
import { silentLogger, type Logger } from './log';
import { buildChatBody, chatCompletionsUrl, type TokenParam, type WireImage } from './request';
import { errorFromResponse, parseChatCompletion, type ChatCompletion } from './response';
import { assertSecureEndpoint, type DescribeSettings } from './settings';

/** Remembers which output-token parameter each deployment takes. */
export interface TokenParamMemory {
  get(deploymentKey: string): TokenParam | undefined;
  set(deploymentKey: string, param: TokenParam): void;
}

export class InMemoryTokenParamMemory implements TokenParamMemory {
  private readonly map = new Map<string, TokenParam>();
  get(key: string): TokenParam | undefined {
    return this.map.get(key);
  }
  set(key: string, param: TokenParam): void {
    this.map.set(key, param);
  }
}

export function deploymentKey(settings: DescribeSettings): string {
  return `${settings.endpoint}|${settings.deployment}`;
}

export const DEFAULT_TIMEOUT_MS = 120_000;

export interface ClientOptions {
  readonly apiKey: string;
  /** Dispatcher for every request (e.g. a ProxyAgent). Default: an Agent owned and closed by this client. */
  readonly dispatcher?: Dispatcher | undefined;
  /** Time allowed for connecting and the whole answer of a non-streamed request. */
  readonly timeoutMs?: number | undefined;
  readonly tokenParamMemory?: TokenParamMemory | undefined;
  readonly logger?: Logger | undefined;
}

export interface CompleteOptions {
  readonly signal?: AbortSignal | undefined;
}

export interface CompletionResult extends ChatCompletion {
  readonly tokenParam: TokenParam;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bodyText: string;
}

export class ChatClient {
  private readonly apiKey: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly timeoutMs: number;
  private readonly memory: TokenParamMemory;
  private readonly log: Logger;

  constructor(options: ClientOptions) {
    if (!options.apiKey) throw new DescribeError('missing-key', 'No API key is set.');
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher = options.dispatcher ?? new Agent({ connect: { timeout: Math.min(this.timeoutMs, 30_000) } });
    this.memory = options.tokenParamMemory ?? new InMemoryTokenParamMemory();
    this.log = options.logger ?? silentLogger;
  }

  /** Remove the key from any text (server bodies, messages). */
  redact(text: string): string {
    return redact(text, [this.apiKey]);
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /** Send one non-streamed chat completion with the images. */
  async complete(settings: DescribeSettings, images: readonly WireImage[], options: CompleteOptions = {}): Promise<CompletionResult> {
    assertSecureEndpoint(settings.endpoint);
    const key = deploymentKey(settings);
    let tokenParam: TokenParam = this.memory.get(key) ?? 'max_tokens';
    let switched = false;
    for (;;) {
      const body = buildChatBody(settings, images, { tokenParam, stream: false });
      const raw = await this.post(settings, body, options.signal);
      if (raw.status >= 200 && raw.status < 300) {
        return { ...parseChatCompletion(raw.bodyText, [this.apiKey]), tokenParam };
      }
      const error = this.toError(settings, raw);
      const other: TokenParam = tokenParam === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens';
      if (!switched && error.code === 'unsupported-parameter' && refersTo(error, tokenParam)) {
        this.log.info(`Deployment "${settings.deployment}" does not take ${tokenParam}; retrying once with ${other}.`);
        tokenParam = other;
        switched = true;
        this.memory.set(key, tokenParam);
        continue;
      }
      throw error;
    }
  }

  private toError(settings: DescribeSettings, raw: RawResponse): DescribeError {
    return errorFromResponse({
      status: raw.status,
      headers: raw.headers,
      bodyText: raw.bodyText,
      deployment: settings.deployment,
      endpoint: settings.endpoint,
      apiVersion: settings.apiVersion,
      secrets: [this.apiKey],
    });
  }

  private async post(settings: DescribeSettings, body: unknown, signal: AbortSignal | undefined): Promise<RawResponse> {
    const url = chatCompletionsUrl(settings);
    const payload = JSON.stringify(body);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const started = Date.now();
    this.log.debug(`POST ${url} (${payload.length} bytes)`);
    try {
      const res = await request(url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        signal: combined,
        headers: { 'content-type': 'application/json', accept: 'application/json', 'api-key': this.apiKey },
        body: payload,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const bodyText = await res.body.text();
      const requestId = res.headers['apim-request-id'] ?? res.headers['x-request-id'];
      this.log.info(`${res.statusCode} from ${new URL(url).host} in ${Date.now() - started} ms${requestId ? ` (request id ${String(requestId)})` : ''}`);
      if (res.statusCode >= 300 && res.statusCode < 400) {
        const location = String(res.headers['location'] ?? '');
        throw new DescribeError('config', `The endpoint answered with a redirect (${res.statusCode}) to ${this.redact(location) || 'another address'}; it is not followed with the key: set the endpoint to the final address.`, { status: res.statusCode, actions: ['configure-endpoint', 'show-log'] });
      }
      return { status: res.statusCode, headers: res.headers, bodyText };
    } catch (e) {
      throw this.transportError(e, signal, timeout, url);
    }
  }

  private transportError(e: unknown, user: AbortSignal | undefined, timeout: AbortSignal, url: string): DescribeError {
    if (isDescribeError(e)) return e;
    if (user?.aborted) return new DescribeError('cancelled', 'Cancelled.', { cause: e });
    const code = (e as { code?: string }).code ?? (e as { cause?: { code?: string } }).cause?.code;
    const host = new URL(url).host;
    if (timeout.aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new DescribeError('timeout', `No answer from ${host} within ${formatDuration(this.timeoutMs)}: try again, or raise the timeout setting.`, { cause: e });
    }
    const detail = this.redact(e instanceof Error ? e.message : String(e));
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return new DescribeError('network', `The endpoint's host ${host} was not found (DNS): check the endpoint URL and your network.`, { cause: e, actions: ['configure-endpoint', 'retry', 'show-log'] });
    }
    if (code === 'ECONNREFUSED') {
      return new DescribeError('network', `${host} refused the connection: check the endpoint URL and that the service is reachable.`, { cause: e, actions: ['configure-endpoint', 'retry', 'show-log'] });
    }
    if (code && /CERT|SSL|TLS/i.test(code)) {
      return new DescribeError('network', `The TLS connection to ${host} failed (${code}): check the endpoint and your proxy's certificates.`, { cause: e });
    }
    return new DescribeError('network', `The connection to ${host} failed${code ? ` (${code})` : ''}: check your network and try again. ${detail}`.trim(), { cause: e });
  }
}

function refersTo(error: DescribeError, param: TokenParam): boolean {
  const text = `${error.message} ${error.serviceMessage ?? ''}`;
  return text.includes(param);
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`.replace('.0 s', ' s');
}
