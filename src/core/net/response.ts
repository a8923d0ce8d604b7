/**
 * Reading what the service answers: a chat completion (content, finish reason as a string or `{type}`, content-filter
 * results, usage) or an error body, turned into a DescribeError whose message a person can act on.
 */
import { DescribeError, redact } from '../base';
import { OPENAI_USER_ROLE, type AuthKind } from './auth';
import { isObject, num, str, type JsonObject as Json } from '../base';
import { RECOMMENDED_API_VERSION, type Provider } from '../base';

export interface FilterCategory {
  readonly category: string;
  readonly filtered: boolean;
  readonly severity: string | undefined;
  readonly detected: boolean | undefined;
}

export interface Usage {
  readonly promptTokens: number | undefined;
  readonly completionTokens: number | undefined;
  readonly totalTokens: number | undefined;
  readonly reasoningTokens: number | undefined;
}

export interface ChatCompletion {
  readonly id: string | undefined;
  readonly model: string | undefined;
  readonly content: string;
  /** `stop`, `length`, `content_filter`, … or undefined when the service gave none. */
  readonly finishReason: string | undefined;
  readonly promptFilter: readonly FilterCategory[];
  readonly completionFilter: readonly FilterCategory[];
  readonly usage: Usage | undefined;
}


/** `finish_reason` comes as a string, or as an object `{ type: "stop", stop: "…" }`. */
export function normaliseFinishReason(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (isObject(v)) return str(v['type']);
  return undefined;
}

/** Read `content_filter_results` (or a list of `prompt_filter_results`/`prompt_annotations` entries). */
export function parseFilterResults(v: unknown): FilterCategory[] {
  if (Array.isArray(v)) return v.flatMap((entry) => (isObject(entry) ? parseFilterResults(entry['content_filter_results']) : []));
  if (!isObject(v)) return [];
  const out: FilterCategory[] = [];
  for (const [category, r] of Object.entries(v)) {
    if (!isObject(r)) continue;
    out.push({
      category,
      filtered: r['filtered'] === true,
      severity: str(r['severity']),
      detected: typeof r['detected'] === 'boolean' ? r['detected'] : undefined,
    });
  }
  return out;
}

export function parseUsage(v: unknown): Usage | undefined {
  if (!isObject(v)) return undefined;
  const details = isObject(v['completion_tokens_details']) ? v['completion_tokens_details'] : {};
  return {
    promptTokens: num(v['prompt_tokens']),
    completionTokens: num(v['completion_tokens']),
    totalTokens: num(v['total_tokens']),
    reasoningTokens: num(details['reasoning_tokens']),
  };
}

/** Message content is a string, null (filtered), or (some servers) a list of text parts. */
export function contentText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((p) => (isObject(p) ? (str(p['text']) ?? '') : '')).join('');
  return '';
}

/** The ids in a model list (`{ data: [{ id }] }`, as OpenAI, Azure's v1 API, Ollama, LM Studio and vLLM answer). */
export function parseModelList(bodyText: string, secrets: readonly string[] = []): string[] {
  const json = parseJsonBody(bodyText, secrets);
  const data = json['data'];
  if (!Array.isArray(data)) throw new DescribeError('bad-response', 'The server answered with JSON that is not a model list (no "data").');
  return data.flatMap((m) => (isObject(m) && typeof m['id'] === 'string' ? [m['id']] : [])).sort();
}

/** Parse a non-streamed chat completion. Throws `bad-response` when the body is not one. */
export function parseChatCompletion(bodyText: string, secrets: readonly string[] = []): ChatCompletion {
  const json = parseJsonBody(bodyText, secrets);
  const choices = json['choices'];
  if (!Array.isArray(choices)) {
    throw new DescribeError('bad-response', 'The service answered with JSON that is not a chat completion (no "choices"): check that the endpoint is an Azure OpenAI or OpenAI-compatible one.');
  }
  const choice = choices.find(isObject) ?? {};
  const message = isObject(choice['message']) ? choice['message'] : {};
  return {
    id: str(json['id']),
    model: str(json['model']),
    content: contentText(message['content']),
    finishReason: normaliseFinishReason(choice['finish_reason']),
    promptFilter: parseFilterResults(json['prompt_filter_results'] ?? json['prompt_annotations']),
    completionFilter: parseFilterResults(choice['content_filter_results']),
    usage: parseUsage(json['usage']),
  };
}

function parseJsonBody(bodyText: string, secrets: readonly string[]): Json {
  const trimmed = bodyText.trim();
  if (/^<(!doctype|html|\?xml)/i.test(trimmed) || /<html[\s>]/i.test(trimmed.slice(0, 512))) {
    throw new DescribeError('bad-response', `The service answered with an HTML page instead of JSON (often a proxy or firewall page): ${snippet(htmlTitle(trimmed) ?? trimmed, secrets)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    throw new DescribeError('bad-response', `The service's answer is not valid JSON: ${snippet(trimmed, secrets)}`);
  }
  if (!isObject(json)) throw new DescribeError('bad-response', `The service's answer is not a JSON object: ${snippet(trimmed, secrets)}`);
  return json;
}

function htmlTitle(html: string): string | undefined {
  const m = /<title[^>]*>([^<]*)<\/title>/i.exec(html);
  return m?.[1]?.trim() || undefined;
}

/** A short, single-line, redacted excerpt of a body for messages. */
export function snippet(text: string, secrets: readonly string[], max = 200): string {
  const one = redact(text, secrets).replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one || '(empty body)';
}

/** Name filtered categories and their severities, e.g. "violence (high), self_harm (medium)". */
export function describeFilter(categories: readonly FilterCategory[]): string {
  const hit = categories.filter((c) => c.filtered || c.detected === true);
  if (hit.length === 0) return '';
  return hit.map((c) => (c.severity && c.severity !== 'safe' ? `${c.category} (${c.severity})` : c.category)).join(', ');
}

export interface ErrorContext {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly bodyText: string;
  readonly deployment: string;
  readonly endpoint: string;
  /** The api-version sent (undefined: the v1 API, which takes none). */
  readonly apiVersion: string | undefined;
  /** How the request was authenticated (decides what a 401/403 means). */
  readonly auth?: AuthKind | undefined;
  /** Where an Entra token came from (for messages). */
  readonly authSource?: string | undefined;
  /** Azure (deployments) or an OpenAI-compatible server (models). */
  readonly provider?: Provider | undefined;
  readonly secrets: readonly string[];
}

/**
 * What to say about an api-version the service refused. The v1 API needs none; reasoning models need
 * 2024-12-01-preview or later on the deployments API; the service's message may name the first version it accepts.
 */
function apiVersionAdvice(serviceMessage: string | undefined): string {
  const named = /api versions? (\d{4}-\d{2}-\d{2}(?:-preview)?) and later/i.exec(serviceMessage ?? '')?.[1];
  const v1 = 'leave the api-version empty to use the v1 API (it needs none)';
  return named ? `${v1}, or use api-version ${named} or later` : `${v1}, or use a newer api-version such as ${RECOMMENDED_API_VERSION}`;
}

interface ServiceErrorBody {
  code: string | undefined;
  message: string | undefined;
  param: string | undefined;
  type: string | undefined;
  innerCode: string | undefined;
  filter: FilterCategory[];
}

function readErrorBody(bodyText: string): ServiceErrorBody | undefined {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  if (!isObject(json)) return undefined;
  const e = isObject(json['error']) ? json['error'] : json;
  const inner = isObject(e['innererror']) ? e['innererror'] : {};
  const codeValue = e['code'];
  return {
    code: typeof codeValue === 'number' ? String(codeValue) : str(codeValue),
    message: str(e['message']),
    param: str(e['param']),
    type: str(e['type']),
    innerCode: str(inner['code']),
    filter: parseFilterResults(inner['content_filter_result'] ?? inner['content_filter_results']),
  };
}

function header(headers: ErrorContext['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * How long the service asks us to wait: `retry-after-ms`, then `x-ms-retry-after-ms`, then `retry-after` (seconds or an
 * HTTP date). Undefined when none is usable.
 */
export function retryAfterMs(headers: ErrorContext['headers'], now: number = Date.now()): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = header(headers, name);
    if (v !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.max(0, Math.round(Number(v)));
  }
  const ra = header(headers, 'retry-after');
  if (ra === undefined) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Math.max(0, Math.round(Number(ra) * 1000));
  const date = Date.parse(ra);
  if (!Number.isNaN(date)) return Math.max(0, date - now);
  return undefined;
}

/**
 * OpenAI-compatible servers answer in OpenAI's shape (`{ error: { message, type, param, code } }`): `invalid_api_key`,
 * `model_not_found`, `insufficient_quota`, rate limits. Undefined: the general rules apply.
 */
function openAiError(ctx: ErrorContext, status: number, code: string, base: { status: number; serviceCode: string | undefined; serviceMessage: string | undefined; serviceParam: string | undefined }, said: string): DescribeError | undefined {
  const where = ctx.endpoint;
  if (status === 401) {
    const noKey = ctx.auth === 'none';
    return new DescribeError('auth', noKey ? `${where} needs a key (401): set the key of that server.${said}` : `The key was refused by ${where} (401${code === 'invalid_api_key' ? ' invalid_api_key' : ''}): set the right key.${said}`, { ...base, actions: ['set-key', 'open-settings', 'show-log'] });
  }
  if (status === 404 && (code === 'model_not_found' || /model/i.test(base.serviceMessage ?? ''))) {
    return new DescribeError('deployment-not-found', `The model "${ctx.deployment}" was not found at ${where} (404): choose one the server has.${said}`, { ...base, setting: 'model', actions: ['choose-model', 'show-log'] });
  }
  if (status === 404) {
    return new DescribeError('not-found', `${where}/chat/completions does not exist (404): check the base URL (it usually ends in /v1).${said}`, { ...base, actions: ['open-settings', 'show-log'] });
  }
  if (status === 429 && code === 'insufficient_quota') {
    return new DescribeError('rate-limited', `The account behind the key has no quota left (429 insufficient_quota): check its plan and billing; waiting will not help.${said}`, { ...base, actions: ['show-log'] });
  }
  return undefined;
}

/** A non-2xx answer read: its error body, what the service said (redacted), and the fields every error carries. */
interface ErrorAnswer {
  readonly ctx: ErrorContext;
  readonly body: ReturnType<typeof readErrorBody>;
  readonly base: { status: number; serviceCode: string | undefined; serviceMessage: string | undefined; serviceParam: string | undefined };
  readonly serviceMessage: string | undefined;
  /** ` The service said: "…"`, or empty. */
  readonly said: string;
  /** The service's message and code, lower case. */
  readonly msg: string;
  readonly code: string;
}

/** 401 and 403 from Azure OpenAI: a key or token refused, a role missing, keys not accepted. */
function azureAuthError({ ctx, base, said, code }: ErrorAnswer): DescribeError {
  if (ctx.status === 401) {
    if (ctx.auth === 'entra') {
      return new DescribeError('auth', `The Microsoft Entra ID token${ctx.authSource ? ` from ${ctx.authSource}` : ''} was refused (401): sign in again (or with another account), and check that ${ctx.endpoint} is an Azure OpenAI resource of that account's tenant.${said}`, { ...base, actions: ['sign-in', 'configure-endpoint', 'show-log'] });
    }
    if (ctx.auth === 'bearer-key' || ctx.auth === 'none') {
      return new DescribeError('auth', `The server refused the request (401): ${ctx.auth === 'none' ? 'it needs a key' : 'the key is wrong'}.${said}`, base);
    }
    return new DescribeError('auth', `The API key was refused (401): set the key of the resource at ${ctx.endpoint}, or check that the endpoint is right. If the resource allows only Microsoft Entra ID (local authentication disabled), sign in instead of using a key.`, base);
  }
  if (ctx.auth === 'entra') {
    return new DescribeError('forbidden', `Your account may not use ${ctx.endpoint} (403): it needs the role "${OPENAI_USER_ROLE}" on the resource (ask its owner to assign it; it can take a few minutes to apply), or the resource's network rules block you. Signing in with another account may help.${said}`, { ...base, actions: ['sign-in', 'show-log'] });
  }
  if (code === 'authenticationtypedisabled') {
    return new DescribeError('forbidden', `${ctx.endpoint} does not accept keys (403): its local authentication is disabled, so only Microsoft Entra ID works. Sign in with Entra ID instead of using a key.`, { ...base, actions: ['sign-in', 'show-log'] });
  }
  return new DescribeError('forbidden', `Access to ${ctx.endpoint} is forbidden (403): the resource's network rules or your role do not allow this request.${said}`, base);
}

/** 404 from Azure OpenAI: the deployment, the api-version, or the endpoint. */
function azureNotFound({ ctx, base, said, msg, code, serviceMessage }: ErrorAnswer): DescribeError {
  if (code === 'deploymentnotfound' || msg.includes('deployment')) {
    return new DescribeError('deployment-not-found', `The deployment "${ctx.deployment}" was not found at ${ctx.endpoint} (404): check the deployment name, or wait a few minutes if it was just created.`, base);
  }
  if (msg.includes('api-version') || msg.includes('api version')) {
    return new DescribeError('api-version', `The service did not accept api-version ${ctx.apiVersion ?? '(none)'} (404): ${apiVersionAdvice(serviceMessage)}.${said}`, base);
  }
  return new DescribeError('not-found', `The service answered 404 Resource not found: check the endpoint URL (${ctx.endpoint})${ctx.apiVersion ? ` and the api-version (${ctx.apiVersion})` : ''}.`, base);
}

/** 400, 413, 422: the content filter, a parameter or image the deployment does not take, the api-version. */
function badRequest({ ctx, body, base, said, msg, code, serviceMessage }: ErrorAnswer): DescribeError {
  if (code === 'content_filter' || body?.innerCode === 'ResponsibleAIPolicyViolation') {
    const which = describeFilter(body?.filter ?? []);
    return new DescribeError('content-filter', `The request was blocked by the content filter${which ? ` (${which})` : ''}: the prompt or image was judged unsafe. Change the prompt or image; filtered requests are still billed.`, base);
  }
  if (code === 'unsupported_parameter' || code === 'unsupported_value') {
    return new DescribeError('unsupported-parameter', `The deployment "${ctx.deployment}" does not accept the parameter ${body?.param ? `"${body.param}"` : 'that was sent'}.${said}`, base);
  }
  if ((msg.includes('image_url') && msg.includes('only supported')) || msg.includes('invalid content type')) {
    return new DescribeError('no-image-support', `The deployment "${ctx.deployment}" does not take images: deploy a vision-capable model (e.g. gpt-4o, gpt-4.1, gpt-5) and set its name.`, base);
  }
  if (msg.includes('api-version') || msg.includes('api version')) {
    return new DescribeError('api-version', `The service did not accept api-version ${ctx.apiVersion ?? '(none)'}: ${apiVersionAdvice(serviceMessage)}.${said}`, base);
  }
  if (msg.includes('image')) return new DescribeError('image-rejected', `The service refused an image.${said}`, base);
  return new DescribeError('bad-request', `The service refused the request (${ctx.status}).${said}`, base);
}

/** Turn a non-2xx answer into the DescribeError a person can act on. */
export function errorFromResponse(ctx: ErrorContext): DescribeError {
  const body = readErrorBody(ctx.bodyText);
  const serviceMessage = body?.message ? redact(body.message, ctx.secrets) : undefined;
  const base = { status: ctx.status, serviceCode: body?.code ?? body?.innerCode, serviceMessage, serviceParam: body?.param };
  const said = serviceMessage ? ` The service said: "${snippet(serviceMessage, ctx.secrets, 300)}"` : '';
  const answer: ErrorAnswer = { ctx, body, base, serviceMessage, said, msg: (serviceMessage ?? '').toLowerCase(), code: (body?.code ?? '').toLowerCase() };
  const { status } = ctx;
  if (!body && status !== 429 && status < 500 && /^\s*</.test(ctx.bodyText)) {
    return new DescribeError('bad-response', `The service answered ${status} with an HTML page instead of JSON (often a proxy or firewall page): ${snippet(htmlTitle(ctx.bodyText) ?? ctx.bodyText, ctx.secrets)}`, base);
  }
  const openai = ctx.provider === 'openai' ? openAiError(ctx, status, answer.code, base, said) : undefined;
  if (openai) return openai;
  if (status === 401 || status === 403) return azureAuthError(answer);
  if (status === 404) return azureNotFound(answer);
  if (status === 429) {
    const wait = retryAfterMs(ctx.headers);
    const when = wait !== undefined ? ` The service asks to wait ${Math.ceil(wait / 1000)} s.` : '';
    return new DescribeError('rate-limited', `Too many requests (429): the deployment's rate or token limit was reached; try again later.${when}`, { ...base, retryAfterMs: wait });
  }
  if (status >= 500) {
    return new DescribeError('server', `The service failed with ${status}${status === 503 ? ' (unavailable)' : ''}: try again in a moment.${said}`, { ...base, retryAfterMs: retryAfterMs(ctx.headers) });
  }
  if (status === 400 || status === 413 || status === 422) return badRequest(answer);
  return new DescribeError('bad-request', `The service answered ${status}.${said || ` ${snippet(ctx.bodyText, ctx.secrets)}`}`, base);
}
