/**
 * The HTTP client for chat completions. Requests go through a Transport (undici with an explicit dispatcher in the
 * CLI — never the process-wide one —, VS Code's own fetch in the extension, see core/nodeHttp), with an AbortSignal for cancel and two
 * timeouts: connecting + first byte, and silence between chunks. The credential goes only to the configured endpoint,
 * in the `api-key` header (a key) or `Authorization: Bearer` (an Entra ID token, refreshed once when refused);
 * redirects are never followed.
 *
 * Faults: 429 and 503 are retried with backoff and jitter, honouring `retry-after-ms`, `x-ms-retry-after-ms`, then
 * `retry-after`; 500/502/504 and connection resets before any byte a small number of times; never 400/401/403/404.
 * When a deployment refuses `max_tokens` (reasoning models), it retries once with `max_completion_tokens` and
 * remembers that for the deployment. A streamed answer that breaks keeps what arrived (`DescribeError.partialText`).
 */
import { authHeader, knownSecret, type Credential } from './auth';
import { DescribeError, isDescribeError, redact, silentLogger, type FixAction, type Logger } from '../base';
import { buildChatBody, chatCompletionsUrl, defaultTokenParam, modelsUrl, type TokenParam, type WireImage } from './request';
import { errorFromResponse, parseChatCompletion, parseModelList, type ChatCompletion } from './response';
import { assertSecureEndpoint, type DescribeSettings } from '../base';
import { parseChatStream, StreamBroken } from './stream';
import { fetchTransport, ProxyTunnelError, type Transport, type TransportResponse } from './transport';
import { CERTIFICATE_CODES, errorCode, formatDuration, sleep, TRANSIENT_CODES, InMemoryTokenParamMemory, deploymentKey, type TokenParamMemory } from './attempts';

export interface RetryPolicy {
  /** Retries after 429 or 503. */
  readonly maxThrottleRetries: number;
  /** Retries after 500/502/504 or a connection reset before any byte. */
  readonly maxTransientRetries: number;
  /** First backoff step when the service gives no wait; doubles each time, with jitter. */
  readonly baseDelayMs: number;
  /** Longest single wait; a service asking for more is not waited for. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxThrottleRetries: 4, maxTransientRetries: 2, baseDelayMs: 1000, maxDelayMs: 60_000 };
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

export interface ClientOptions {
  readonly credential: Credential;
  /**
   * How requests travel (closed with the client): the CLI's undici transport (core/nodeHttp: proxies from the
   * environment, hard deadlines), or a fetch (fetchTransport). Default: the process's global fetch — in the extension
   * host that is VS Code's network stack.
   */
  readonly transport?: Transport | undefined;
  /** Time allowed for connecting and the first byte of the answer. */
  readonly timeoutMs?: number | undefined;
  /** Time allowed between two chunks of the answer. */
  readonly idleTimeoutMs?: number | undefined;
  readonly retry?: Partial<RetryPolicy> | undefined;
  readonly tokenParamMemory?: TokenParamMemory | undefined;
  readonly logger?: Logger | undefined;
  /** For tests: the jitter source (default Math.random). */
  readonly random?: (() => number) | undefined;
}

export interface WaitInfo {
  readonly reason: string;
  /** The HTTP status that caused the wait (429, 503, …), if any. */
  readonly status: number | undefined;
  readonly ms: number;
  readonly attempt: number;
  readonly maxAttempts: number;
}

export interface CompleteOptions {
  readonly signal?: AbortSignal | undefined;
  /** Ask for a streamed answer; text arrives through onText. */
  readonly stream?: boolean | undefined;
  readonly onText?: ((delta: string) => void) | undefined;
  /** Called before waiting to retry. */
  readonly onWaiting?: ((info: WaitInfo) => void) | undefined;
}

export interface CompletionResult extends ChatCompletion {
  readonly tokenParam: TokenParam;
  /** How many requests it took (1 when no retry). */
  readonly attempts: number;
}

/**
 * What sends a describe request: the HTTP client here, or (in the extension) one of VS Code's language models. The
 * describe engine and the alt-text runner take either.
 */
export interface ChatBackend {
  readonly credential: Credential;
  complete(settings: DescribeSettings, images: readonly WireImage[], options?: CompleteOptions): Promise<CompletionResult>;
  close(): Promise<void>;
  /** Text with every secret this backend sent removed (a backend that sends none may leave it out). */
  redact?(text: string): string;
}

export class ChatClient implements ChatBackend {
  readonly credential: Credential;
  /** Every secret this client has sent (the key, each token it fetched): removed from every text. */
  private readonly secrets = new Set<string>();
  private readonly transport: Transport;
  private readonly timeoutMs: number;
  private readonly idleTimeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly memory: TokenParamMemory;
  private readonly log: Logger;
  private readonly random: () => number;

  constructor(options: ClientOptions) {
    this.credential = options.credential;
    const secret = knownSecret(options.credential);
    if (secret) this.secrets.add(secret);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.transport = options.transport ?? fetchTransport((input, init) => fetch(input, init));
    this.memory = options.tokenParamMemory ?? new InMemoryTokenParamMemory();
    this.log = options.logger ?? silentLogger;
    this.random = options.random ?? Math.random;
  }

  /** Remove the key and every token from any text (server bodies, messages). */
  redact(text: string): string {
    return redact(text, [...this.secrets]);
  }

  /** The secrets sent so far (for fronts that redact their own output). */
  get sentSecrets(): readonly string[] {
    return [...this.secrets];
  }

  async close(): Promise<void> {
    await this.transport.close?.();
  }

  /** Send one chat completion with the images, retrying what is worth retrying. */
  async complete(settings: DescribeSettings, images: readonly WireImage[], options: CompleteOptions = {}): Promise<CompletionResult> {
    if (this.credential.kind !== 'none') assertSecureEndpoint(settings.endpoint);
    const key = deploymentKey(settings);
    // Azure documents max_tokens (reasoning deployments refuse it: then max_completion_tokens); OpenAI's API takes
    // max_completion_tokens (a local server that knows only max_tokens refuses it: then max_tokens). Remembered.
    let tokenParam: TokenParam = this.memory.get(key) ?? defaultTokenParam(settings);
    let switched = false;
    let refreshed = false;
    let refresh = false;
    let throttleRetries = 0;
    let transientRetries = 0;
    const maxAttempts = 1 + this.retry.maxThrottleRetries + this.retry.maxTransientRetries;
    for (let attempt = 1; ; attempt++) {
      const body = buildChatBody(settings, images, { tokenParam, stream: options.stream === true });
      let outcome: { result: ChatCompletion } | { error: DescribeError; retryable: 'throttle' | 'transient' | false };
      try {
        outcome = { result: await this.attempt(settings, body, options, refresh) };
      } catch (e) {
        if (!isDescribeError(e)) throw e;
        outcome = { error: e, retryable: this.retryable(e) };
      }
      if ('result' in outcome) return { ...outcome.result, tokenParam, attempts: attempt };
      const { error } = outcome;
      if (error.status === 401 && this.credential.kind === 'entra' && !refreshed) {
        // A token may expire between getting it and using it: get a fresh one, once.
        this.log.info('The token was refused (401); asking for a fresh one and trying once more.');
        refreshed = true;
        refresh = true;
        continue;
      }
      refresh = false;
      const other: TokenParam = tokenParam === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens';
      if (!switched && refusesParameter(error, tokenParam)) {
        this.log.info(`Deployment "${settings.deployment}" does not take ${tokenParam}; retrying once with ${other}.`);
        tokenParam = other;
        switched = true;
        this.memory.set(key, tokenParam);
        continue;
      }
      let wait: number;
      if (outcome.retryable === 'throttle' && throttleRetries < this.retry.maxThrottleRetries) {
        throttleRetries++;
        wait = this.delay(error.retryAfterMs, throttleRetries);
      } else if (outcome.retryable === 'transient' && transientRetries < this.retry.maxTransientRetries) {
        transientRetries++;
        wait = this.delay(error.retryAfterMs, transientRetries);
      } else {
        throw error;
      }
      if (wait > this.retry.maxDelayMs) {
        this.log.warn(`The service asks to wait ${formatDuration(wait)}, longer than ${formatDuration(this.retry.maxDelayMs)}: not retrying.`);
        throw error;
      }
      const reason = error.status ? `${error.status}` : (error.serviceCode ?? error.code);
      this.log.info(`${reason}: waiting ${formatDuration(wait)} before retry ${attempt} of ${maxAttempts - 1}.`);
      options.onWaiting?.({ reason: error.message, status: error.status, ms: wait, attempt, maxAttempts });
      await sleep(wait, options.signal);
    }
  }

  /** The model ids the server lists (`GET …/models`): OpenAI-compatible servers and Azure's v1 API. */
  async listModels(settings: Pick<DescribeSettings, 'apiStyle' | 'endpoint' | 'provider' | 'deployment'>, signal?: AbortSignal): Promise<string[]> {
    const url = modelsUrl(settings);
    const route = this.route(url);
    if (this.credential.kind !== 'none') assertSecureEndpoint(settings.endpoint);
    let res: TransportResponse;
    try {
      res = await this.transport({ url, method: 'GET', headers: { accept: 'application/json', ...(await authHeader(this.credential, { signal })) }, signal, headersTimeoutMs: this.timeoutMs, bodyTimeoutMs: this.idleTimeoutMs });
    } catch (e) {
      throw this.transportError(e, signal, route, undefined);
    }
    const text = await res.text().catch((e: unknown) => {
      throw this.transportError(e, signal, route, undefined);
    });
    if (res.status < 200 || res.status >= 300) {
      throw errorFromResponse({ status: res.status, headers: res.headers, bodyText: text, deployment: settings.deployment, endpoint: settings.endpoint, apiVersion: undefined, auth: this.credential.kind, provider: settings.provider, secrets: this.sentSecrets });
    }
    return parseModelList(text, this.sentSecrets);
  }

  /** Honour the service's wait when it gives one (plus a little jitter); else exponential backoff with jitter. */
  private delay(serviceMs: number | undefined, n: number): number {
    if (serviceMs !== undefined) return Math.round(serviceMs + this.random() * Math.min(250, serviceMs * 0.1));
    const exp = this.retry.baseDelayMs * 2 ** (n - 1);
    return Math.round(Math.min(this.retry.maxDelayMs, exp * (0.5 + this.random())));
  }

  private retryable(e: DescribeError): 'throttle' | 'transient' | false {
    if (e.partialText) return false; // never resend once text arrived: the user keeps it and may Retry
    if (e.status === 429 && e.serviceCode === 'insufficient_quota') return false; // no quota: waiting will not help
    if (e.status === 429 || e.status === 503) return 'throttle';
    if (e.status === 500 || e.status === 502 || e.status === 504) return 'transient';
    if (e.code === 'network' && e.status === undefined && TRANSIENT_CODES.has(errorCode(e.cause) ?? '')) return 'transient';
    return false;
  }

  private async attempt(settings: DescribeSettings, body: unknown, options: CompleteOptions, refresh: boolean): Promise<ChatCompletion> {
    const url = chatCompletionsUrl(settings);
    const route = this.route(url);
    const started = Date.now();
    const res = await this.send(url, route, JSON.stringify(body), options, refresh);
    const requestId = res.headers['apim-request-id'] ?? res.headers['x-request-id'];
    this.log.info(`${res.status} from ${route.host} after ${Date.now() - started} ms${requestId ? ` (request id ${String(requestId)})` : ''}`);
    if (res.status >= 300 && res.status < 400) {
      await res.discard();
      const location = String(res.headers['location'] ?? '');
      throw new DescribeError('config', `The endpoint answered with a redirect (${res.status}) to ${this.redact(location) || 'another address'}; it is not followed with the credential: set the endpoint to the final address.`, { status: res.status, actions: ['configure-endpoint', 'show-log'] });
    }
    const contentType = String(res.headers['content-type'] ?? '');
    if (res.status >= 200 && res.status < 300 && options.stream && contentType.includes('text/event-stream')) return this.readStream(res, options, route, started);
    let bodyText: string;
    try {
      bodyText = await res.text();
    } catch (e) {
      throw this.transportError(e, options.signal, route, undefined);
    }
    if (res.status >= 200 && res.status < 300) {
      const completion = parseChatCompletion(bodyText, this.sentSecrets);
      if (completion.content) options.onText?.(completion.content);
      return completion;
    }
    throw errorFromResponse({
      status: res.status,
      headers: res.headers,
      bodyText,
      deployment: settings.deployment,
      endpoint: settings.endpoint,
      apiVersion: settings.apiStyle === 'deployments' ? settings.apiVersion : undefined,
      provider: settings.provider,
      auth: this.credential.kind,
      authSource: this.credential.kind === 'entra' ? this.credential.source : undefined,
      secrets: this.sentSecrets,
    });
  }

  /** The request sent with the credential's header (remembered as a secret to redact); the response's head. */
  private async send(url: string, route: Route, payload: string, options: CompleteOptions, refresh: boolean): Promise<TransportResponse> {
    const signal = options.signal;
    let auth: Record<string, string>;
    try {
      auth = await authHeader(this.credential, { signal, refresh });
    } catch (e) {
      throw this.credentialError(e, signal);
    }
    for (const value of Object.values(auth)) this.secrets.add(value.replace(/^Bearer /, ''));
    this.log.debug(`POST ${url} (${payload.length} bytes${options.stream ? ', streamed' : ''})`);
    try {
      return await this.transport({
        url,
        method: 'POST',
        signal,
        headers: { 'content-type': 'application/json', accept: options.stream ? 'text/event-stream' : 'application/json', ...auth },
        body: payload,
        headersTimeoutMs: this.timeoutMs,
        bodyTimeoutMs: this.idleTimeoutMs,
      });
    } catch (e) {
      throw this.transportError(e, signal, route, undefined);
    }
  }

  /** A streamed answer read to its end; a stream that breaks keeps the text that arrived (on the error). */
  private async readStream(res: TransportResponse, options: CompleteOptions, route: Route, started: number): Promise<ChatCompletion> {
    try {
      const { completion } = await parseChatStream(res.body, { onText: options.onText, secrets: this.sentSecrets });
      this.log.info(`Stream complete after ${Date.now() - started} ms: ${completion.content.length} characters, finish reason ${completion.finishReason ?? 'none'}.`);
      return completion;
    } catch (e) {
      if (e instanceof StreamBroken) throw this.transportError(e.cause, options.signal, route, e.accumulator.text);
      throw e;
    } finally {
      await res.discard();
    }
  }

  /** Getting a token failed (no sign-in, no credential that works): a message the front can act on. */
  private credentialError(e: unknown, user: AbortSignal | undefined): DescribeError {
    if (isDescribeError(e)) return e;
    if (user?.aborted) return new DescribeError('cancelled', 'Cancelled.', { cause: e });
    const detail = this.redact(e instanceof Error ? e.message : String(e));
    return new DescribeError('missing-credential', `No Microsoft Entra ID token could be had${this.credential.kind === 'entra' ? ` from ${this.credential.source}` : ''}: ${detail}`, { cause: e });
  }

  /** Where a request goes: the endpoint's host, and the proxy on the way (when the transport says). */
  private route(url: string): Route {
    return { host: new URL(url).host, proxy: this.transport.proxyFor?.(url) };
  }

  /** Map a transport failure (or a stream that ended early) to the error a person understands, keeping partial text. */
  private transportError(e: unknown, user: AbortSignal | undefined, route: Route, partialText: string | undefined): DescribeError {
    if (isDescribeError(e)) return e;
    const { host, proxy } = route;
    const kept = partialText ? ` The ${partialText.length} characters received so far are kept, marked incomplete.` : '';
    const base = { cause: e, partialText };
    if (user?.aborted) return new DescribeError('cancelled', partialText ? 'Cancelled; the text received so far is kept.' : 'Cancelled.', base);
    const code = errorCode(e);
    const via = proxy ? ` (through the proxy ${proxy})` : '';
    const byProxy = { ...base, proxy, setting: 'proxy' as const, actions: ['open-settings', 'retry', 'show-log'] as FixAction[] };
    if (e instanceof ProxyTunnelError) {
      const what = e.status === undefined ? 'closed the connection' : e.status === 407 ? 'asks for a user and password (407)' : `answered ${e.status}`;
      return new DescribeError('network', `The proxy ${e.proxy} ${what} when asked for a tunnel to ${host}: check the proxy, or let this host bypass it.`, { ...byProxy, proxy: e.proxy });
    }
    if (partialText !== undefined && e === undefined) {
      return new DescribeError('network', `The connection to ${host}${via} closed before the answer was complete.${kept}`, base);
    }
    if (code === 'UND_ERR_BODY_TIMEOUT') {
      return new DescribeError('timeout', `The answer from ${host}${via} stopped: nothing arrived for ${formatDuration(this.idleTimeoutMs)}.${kept}`, base);
    }
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new DescribeError('timeout', `No answer from ${host}${via} within ${formatDuration(this.timeoutMs)}: try again, or allow more time.`, { ...base, proxy, setting: 'timeout' });
    }
    if (proxy && (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ECONNREFUSED')) {
      const what = code === 'ECONNREFUSED' ? 'refused the connection' : 'was not found (DNS)';
      return new DescribeError('network', `The proxy ${proxy} ${what}: check the proxy.`, byProxy);
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return new DescribeError('network', `The endpoint's host ${host} was not found (DNS): check the endpoint URL and your network.`, { ...base, actions: ['configure-endpoint', 'retry', 'show-log'] });
    }
    if (code === 'ECONNREFUSED') {
      return new DescribeError('network', `${host} refused the connection: check the endpoint URL and that the service is reachable.`, { ...base, actions: ['configure-endpoint', 'retry', 'show-log'] });
    }
    if (code && CERTIFICATE_CODES.has(code)) {
      return new DescribeError('certificate', `The TLS certificate of ${host} is not trusted (${code}): it is self-signed or from a private certificate authority, as a TLS-inspecting corporate proxy presents.`, base);
    }
    if (code && /CERT|SSL|TLS/i.test(code)) {
      return new DescribeError('network', `The TLS connection to ${host}${via} failed (${code}): check the endpoint and your proxy.`, base);
    }
    if (partialText !== undefined) {
      return new DescribeError('network', `The connection to ${host}${via} broke in the middle of the answer${code ? ` (${code})` : ''}.${kept}`, base);
    }
    const detail = this.redact(e instanceof Error ? e.message : String(e));
    return new DescribeError('network', `The connection to ${host}${via} failed${code ? ` (${code})` : ''}: check your network and try again. ${detail}`.trim(), proxy ? { ...base, proxy } : base);
  }
}

interface Route {
  readonly host: string;
  /** The proxy the request goes through (its URL without credentials), or undefined: direct. */
  readonly proxy: string | undefined;
}

/**
 * Did the service refuse this parameter? Its error names it in `param` (Azure, OpenAI), or — servers that give no
 * `param` — in its message, as the exact parameter name.
 */
function refusesParameter(error: DescribeError, param: TokenParam): boolean {
  if (error.status !== 400 && error.status !== 422) return false;
  if (error.serviceParam === param) return true;
  return !error.serviceParam && new RegExp(`(^|[^a-z_])${param}([^a-z_]|$)`).test(error.serviceMessage ?? '');
}
