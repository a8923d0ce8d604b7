/**
 * The settings model: what a describe request needs, their defaults, and the rules that turn what a person typed
 * (a resource endpoint, or the portal's whole "Target URI") into a normalised, validated form.
 */
import { DescribeError } from './errors';
import { DEFAULT_SYSTEM_PROMPT, DEFAULT_USER_PROMPT } from './prompts';

import { DETAILS, type Detail } from './detail';

export { DETAILS, type Detail };

/**
 * `v1` (the default): `/openai/v1/chat/completions`, the deployment as `model`, no api-version (GA since August 2025,
 * works for every model, reasoning ones included). `deployments`: the classic
 * `/openai/deployments/{name}/chat/completions?api-version=`, used only when an api-version is given.
 */
export type ApiStyle = 'deployments' | 'v1' | 'openai';

/**
 * The api-version to suggest when the deployments API is wanted (a gateway without the v1 API): recent enough for
 * reasoning models (o-series, GPT-5 need 2024-12-01-preview or later). By default no api-version is sent: the v1 API.
 */
export const RECOMMENDED_API_VERSION = '2025-04-01-preview';
export const DEFAULT_MAX_TOKENS = 1024;

export interface DescribeSettings {
  readonly provider: Provider;
  /**
   * Azure: the resource's base URL (scheme, host, optional path prefix), no trailing slash, no `/openai/...`.
   * OpenAI-compatible: the base URL the API paths follow (…/v1), no trailing slash.
   */
  readonly endpoint: string;
  /** Azure: the deployment name. OpenAI-compatible: the model name. Sent as `model` except on the deployments API. */
  readonly deployment: string;
  /** '' for the v1 API. */
  readonly apiVersion: string;
  readonly apiStyle: ApiStyle;
  /** `undefined`: not sent (the service decides, like `auto`). */
  readonly detail: Detail | undefined;
  readonly maxTokens: number;
  readonly systemPrompt: string;
  readonly userPrompt: string;
  /** Sampling parameters are sent only when the user set them: reasoning models reject them. */
  readonly temperature: number | undefined;
  readonly topP: number | undefined;
}

/** Raw values as they come from a settings UI, flags or the environment; anything may be missing or blank. */
/**
 * Where requests go: an Azure OpenAI resource, any OpenAI-compatible server (OpenAI, Ollama, LM Studio, vLLM), or
 * `vscode`: a backend the front supplies (the extension's VS Code language models; the core only carries its settings).
 */
export type Provider = 'azure' | 'openai' | 'vscode';
export const PROVIDERS: readonly Provider[] = ['azure', 'openai', 'vscode'];

/** OpenAI's own API; the default base URL of the `openai` provider. */
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export interface RawSettings {
  provider?: string | undefined;
  /** For `openai`: the base URL (…/v1). */
  baseUrl?: string | undefined;
  /** For `openai`: the model name. */
  model?: string | undefined;
  endpoint?: string | undefined;
  deployment?: string | undefined;
  apiVersion?: string | undefined;
  detail?: string | undefined;
  maxTokens?: number | string | undefined;
  systemPrompt?: string | undefined;
  userPrompt?: string | undefined;
  temperature?: number | string | undefined;
  topP?: number | string | undefined;
}

export interface ParsedEndpoint {
  endpoint: string;
  deployment?: string;
  apiVersion?: string;
  apiStyle: ApiStyle;
}

/**
 * Split what the user pasted into the endpoint and, when it is the portal's Target URI, the deployment and the
 * api-version. Accepts e.g.
 *  - `https://res.openai.azure.com` / `https://res.openai.azure.com/`
 *  - `https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21`
 *  - `https://res.openai.azure.com/openai/v1/chat/completions` (v1 API, deployment goes in the body)
 *  - a gateway with a path prefix: `https://gw.example.com/team-a/openai/deployments/x/...`
 * Throws a `config` DescribeError for text that is no http(s) URL.
 */
export function parseEndpoint(input: string): ParsedEndpoint {
  const text = input.trim();
  if (!text) throw new DescribeError('config', 'No endpoint is set: enter your Azure OpenAI endpoint, e.g. https://my-resource.openai.azure.com.');
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new DescribeError('config', `The endpoint "${text}" is not a URL: enter it as https://my-resource.openai.azure.com or paste the whole Target URI from the portal.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DescribeError('config', `The endpoint must start with https:// (got ${url.protocol}//).`);
  }
  if (url.username || url.password) {
    throw new DescribeError('config', 'The endpoint must not contain a user name or password: put the key in the API key store instead.');
  }
  const segments = url.pathname.split('/').filter(Boolean);
  const apiVersion = url.searchParams.get('api-version')?.trim() || undefined;
  const openaiAt = segments.findIndex((s) => s.toLowerCase() === 'openai');
  let prefix = segments;
  let deployment: string | undefined;
  let apiStyle: ApiStyle = 'deployments';
  if (openaiAt >= 0) {
    prefix = segments.slice(0, openaiAt);
    const rest = segments.slice(openaiAt + 1);
    if (rest[0]?.toLowerCase() === 'deployments' && rest[1]) {
      deployment = decodeURIComponent(rest[1]);
    } else if (rest[0]?.toLowerCase() === 'v1') {
      apiStyle = 'v1';
    }
  } else {
    // A bare ".../chat/completions" without /openai/ is an OpenAI-compatible base; drop the operation path.
    const chatAt = segments.findIndex((s, i) => s === 'chat' && segments[i + 1] === 'completions');
    if (chatAt >= 0) prefix = segments.slice(0, chatAt);
  }
  const base = `${url.protocol}//${url.host}${prefix.length ? '/' + prefix.join('/') : ''}`;
  const out: ParsedEndpoint = { endpoint: base, apiStyle };
  if (deployment !== undefined) out.deployment = deployment;
  if (apiVersion !== undefined) out.apiVersion = apiVersion;
  return out;
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  if (/^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  return false;
}

/**
 * Whether a URL is on this machine (loopback): the one test behind every "images stay on this machine" in the UI,
 * the key that is not needed for a local server, and the CLI's dispatcher, which sends such requests direct, never
 * through a proxy (as browsers and VS Code do).
 */
export function isOnThisMachine(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** Refuse to send a key over plain http unless the host is this machine. */
export function assertSecureEndpoint(endpoint: string): void {
  const url = new URL(endpoint);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new DescribeError(
      'insecure-endpoint',
      `Refusing to send a key or token over plain http to ${url.host}: use an https:// endpoint (plain http is allowed only for localhost).`,
    );
  }
}

/** The form of an api-version (`YYYY-MM-DD` or `YYYY-MM-DD-preview`); package.json's setting pattern says the same. */
export const API_VERSION_RE = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

function toNumber(v: number | string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return v;
  const t = v.trim();
  if (!t) return undefined;
  return Number(t);
}

/**
 * Turn raw values into validated settings. The endpoint may be a whole Target URI: deployment and api-version found
 * in it are used unless set explicitly. Throws a `config` DescribeError naming the first problem.
 */
/**
 * The base URL of an OpenAI-compatible server: `http://localhost:11434/v1`, `https://api.openai.com/v1`, or a whole
 * `…/chat/completions` URL (cut back to its base). Throws a `config` DescribeError for text that is no http(s) URL.
 */
export function parseBaseUrl(input: string | undefined): string {
  const text = (input ?? '').trim() || OPENAI_BASE_URL;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new DescribeError('config', `The base URL "${text}" is not a URL: enter it as e.g. ${OPENAI_BASE_URL} or http://localhost:11434/v1.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DescribeError('config', `The base URL must start with https:// or http:// (got ${url.protocol}//).`);
  if (url.username || url.password) throw new DescribeError('config', 'The base URL must not contain a user name or password: give the key as a key.');
  const segments = url.pathname.split('/').filter(Boolean);
  const chatAt = segments.findIndex((s, i) => s === 'chat' && segments[i + 1] === 'completions');
  const kept = chatAt >= 0 ? segments.slice(0, chatAt) : segments[segments.length - 1] === 'models' ? segments.slice(0, -1) : segments;
  return `${url.protocol}//${url.host}${kept.length ? `/${kept.join('/')}` : ''}`;
}

export function parseProvider(value: string | undefined): Provider {
  const v = (value ?? '').trim().toLowerCase() || 'azure';
  if ((PROVIDERS as readonly string[]).includes(v)) return v as Provider;
  throw new DescribeError('config', `The provider must be azure, openai or vscode (got "${value}").`, { actions: ['open-settings'], setting: 'provider' });
}

export function resolveSettings(raw: RawSettings): DescribeSettings {
  const provider = parseProvider(raw.provider);
  if (provider === 'vscode') {
    const model = raw.model?.trim() ?? '';
    if (!model) throw new DescribeError('config', 'No language model is chosen: choose one of the image-capable models.', { actions: ['choose-model'], setting: 'model' });
    return { ...commonSettings(raw), provider, endpoint: 'vscode:languageModels', deployment: model, apiVersion: '', apiStyle: 'openai' };
  }
  if (provider === 'openai') {
    const endpoint = parseBaseUrl(raw.baseUrl);
    const model = raw.model?.trim() ?? '';
    if (!model) throw new DescribeError('config', 'No model is set: give the name of a vision-capable model the server has (e.g. gpt-4.1, llava, qwen2.5vl).');
    return { ...commonSettings(raw), provider, endpoint, deployment: model, apiVersion: '', apiStyle: 'openai' };
  }
  const parsed = parseEndpoint(raw.endpoint ?? '');
  const deployment = (raw.deployment?.trim() || parsed.deployment || '').trim();
  if (!deployment) {
    throw new DescribeError('config', 'No deployment is set: enter the name of your vision-capable deployment (e.g. gpt-4o), or paste the whole Target URI as the endpoint.');
  }
  if (/[/?#\s]/.test(deployment)) {
    throw new DescribeError('config', `The deployment name "${deployment}" contains spaces or URL characters: enter just the deployment's name.`);
  }
  // The v1 API unless an api-version is given (setting, flag, environment, or a Target URI that carries one).
  const apiVersion = parsed.apiStyle === 'v1' ? '' : (raw.apiVersion?.trim() || parsed.apiVersion || '').trim();
  const apiStyle: ApiStyle = apiVersion ? 'deployments' : 'v1';
  if (apiVersion && !API_VERSION_RE.test(apiVersion)) {
    throw new DescribeError('api-version', `The api-version "${apiVersion}" is not of the form YYYY-MM-DD or YYYY-MM-DD-preview: leave it empty to use the v1 API, or use e.g. ${RECOMMENDED_API_VERSION}.`, { actions: ['configure-endpoint'] });
  }
  return { ...commonSettings(raw), provider, endpoint: parsed.endpoint, deployment, apiVersion, apiStyle };
}

/** Detail, limits, prompts and sampling: the same for every provider. */
function commonSettings(raw: RawSettings): Omit<DescribeSettings, 'provider' | 'endpoint' | 'deployment' | 'apiVersion' | 'apiStyle'> {
  let detail: Detail | undefined;
  const d = raw.detail?.trim().toLowerCase();
  if (d) {
    if (!(DETAILS as readonly string[]).includes(d)) {
      throw new DescribeError('config', `Detail must be low, high or auto (got "${raw.detail}").`, { actions: ['open-settings'], setting: 'detail' });
    }
    detail = d as Detail;
  }
  const maxTokens = toNumber(raw.maxTokens) ?? DEFAULT_MAX_TOKENS;
  if (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > 1_000_000) {
    throw new DescribeError('config', `The output token limit must be a whole number from 1 to 1000000 (got ${String(raw.maxTokens)}).`, { actions: ['open-settings'], setting: 'maxTokens' });
  }
  const temperature = toNumber(raw.temperature);
  if (temperature !== undefined && (!Number.isFinite(temperature) || temperature < 0 || temperature > 2)) {
    throw new DescribeError('config', `Temperature must be a number from 0 to 2 (got ${String(raw.temperature)}).`, { actions: ['open-settings'], setting: 'temperature' });
  }
  const topP = toNumber(raw.topP);
  if (topP !== undefined && (!Number.isFinite(topP) || topP <= 0 || topP > 1)) {
    throw new DescribeError('config', `top_p must be a number above 0 and at most 1 (got ${String(raw.topP)}).`, { actions: ['open-settings'], setting: 'topP' });
  }
  return {
    detail,
    maxTokens,
    systemPrompt: raw.systemPrompt?.trim() || DEFAULT_SYSTEM_PROMPT,
    userPrompt: raw.userPrompt?.trim() || DEFAULT_USER_PROMPT,
    temperature,
    topP,
  };
}
