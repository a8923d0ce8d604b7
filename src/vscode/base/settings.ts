/**
 * The settings facade: the only place that calls workspace.getConfiguration. It reads the `describeImage.*` settings
 * into the core's RawSettings (the core normalises and validates them) and writes what Configure Endpoint collects.
 */
import * as vscode from 'vscode';
import type { RawSettings } from '../../core/base';
import { DEFAULT_DOC_GLOB, DEFAULT_ALT_CONCURRENCY, DEFAULT_ALT_MAX_LENGTH, DEFAULT_MAX_FRAMES, MAX_FRAMES, RULE_IDS, type RuleId } from '../../core/base';

export const SECTION = 'describeImage';

export interface ExtensionSettings {
  readonly raw: RawSettings;
  readonly openPreviewBeside: boolean;
  readonly requestTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly stream: boolean;
  readonly resizeImages: boolean;
  /** Animated images: the most frames sent (1–10). */
  readonly maxFrames: number;
}

/** Where images go: Azure OpenAI, an OpenAI-compatible server, a VS Code language model, or nowhere (text read on this machine). */
export type ProviderId = 'azure' | 'openai' | 'vscode' | 'offline';

export interface ProviderSettings {
  readonly provider: ProviderId;
  /** OpenAI-compatible: base URL ('' = OpenAI's) and model. */
  readonly baseUrl: string;
  readonly openAiModel: string;
  /** VS Code language model: the chosen model's id ('' = not chosen yet). */
  readonly vscodeModel: string;
}

export function readProviderSettings(): ProviderSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const p = c.get<string>('provider', 'azure');
  return {
    provider: p === 'openai' || p === 'vscode' || p === 'offline' ? p : 'azure',
    baseUrl: c.get<string>('openai.baseUrl', '').trim(),
    openAiModel: c.get<string>('openai.model', '').trim(),
    vscodeModel: c.get<string>('vscode.model', '').trim(),
  };
}

/** Choose the provider and its model (user settings: they decide where images go). */
export async function writeProviderChoice(provider: ProviderId, model?: string): Promise<void> {
  const c = vscode.workspace.getConfiguration(SECTION);
  await c.update('provider', provider, vscode.ConfigurationTarget.Global);
  if (model !== undefined && provider === 'openai') await c.update('openai.model', model, vscode.ConfigurationTarget.Global);
  if (model !== undefined && provider === 'vscode') await c.update('vscode.model', model, vscode.ConfigurationTarget.Global);
  if (model !== undefined && provider === 'azure') await c.update('deployment', model, vscode.ConfigurationTarget.Global);
}

export function readSettings(scope?: vscode.Uri): ExtensionSettings {
  // Without a file, `null` asks for the value that holds for any resource (no scope would log a warning for every
  // resource-scoped setting read).
  const c = vscode.workspace.getConfiguration(SECTION, scope ?? null);
  const detail = c.get<string>('detail', 'auto');
  const p = readProviderSettings();
  return {
    raw: {
      provider: p.provider,
      baseUrl: p.baseUrl,
      model: p.provider === 'vscode' ? p.vscodeModel : p.openAiModel,
      endpoint: c.get<string>('endpoint', ''),
      deployment: c.get<string>('deployment', ''),
      apiVersion: c.get<string>('apiVersion', ''),
      detail,
      maxTokens: c.get<number>('maxOutputTokens', 1024),
      systemPrompt: c.get<string>('systemPrompt', ''),
      userPrompt: c.get<string>('userPrompt', ''),
    },
    openPreviewBeside: c.get<boolean>('openPreviewBeside', false),
    requestTimeoutMs: Math.max(5, c.get<number>('requestTimeoutSeconds', 60)) * 1000,
    idleTimeoutMs: Math.max(1, c.get<number>('idleTimeoutSeconds', 30)) * 1000,
    stream: c.get<boolean>('stream', true),
    resizeImages: c.get<boolean>('resizeImages', true),
    maxFrames: Math.min(MAX_FRAMES, Math.max(1, Math.floor(c.get<number>('maxFrames', DEFAULT_MAX_FRAMES)))),
  };
}

/** True when the provider has what it needs: Azure endpoint and deployment (or a Target URI), OpenAI model, a VS Code model. */
export function isConfigured(raw: RawSettings): boolean {
  if (raw.provider === 'openai' || raw.provider === 'vscode') return !!raw.model?.trim();
  const endpoint = raw.endpoint?.trim() ?? '';
  return endpoint.length > 0 && (!!raw.deployment?.trim() || /\/openai\/deployments\/[^/]+/i.test(endpoint));
}

export type AuthMethod = 'apiKey' | 'entraId';

export interface AuthSettings {
  readonly method: AuthMethod;
  /** Tenant id or domain for multi-tenant accounts; '' for the account's home tenant. */
  readonly tenant: string;
}

export function readAuthSettings(): AuthSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  return { method: c.get<string>('authentication') === 'entraId' ? 'entraId' : 'apiKey', tenant: c.get<string>('entraTenant', '').trim() };
}

export interface EndpointValues {
  readonly endpoint: string;
  readonly deployment: string;
  /** Undefined: left as it is. */
  readonly apiVersion?: string | undefined;
  readonly authentication?: AuthMethod | undefined;
}

/** Write endpoint settings to the user's (global) settings: they are machine-scoped and never come from a workspace. */
export async function writeEndpointSettings(values: EndpointValues): Promise<void> {
  const c = vscode.workspace.getConfiguration(SECTION);
  await c.update('endpoint', values.endpoint, vscode.ConfigurationTarget.Global);
  await c.update('deployment', values.deployment, vscode.ConfigurationTarget.Global);
  if (values.apiVersion !== undefined) await c.update('apiVersion', values.apiVersion || undefined, vscode.ConfigurationTarget.Global);
  if (values.authentication) await c.update('authentication', values.authentication, vscode.ConfigurationTarget.Global);
}

export function affectsSettings(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SECTION) || e.affectsConfiguration('http');
}

export interface AltTextSettings {
  readonly maxLength: number;
  readonly diagnostics: boolean;
  readonly docsRoot: string;
  readonly glob: string;
  readonly concurrency: number;
  /** The rules that are on (all but describeImage.altText.disabledRules). */
  readonly rules: readonly RuleId[];
  /** Send the image's context (heading, introducing sentence, caption, title, text around it) with the request. */
  readonly sendContext: boolean;
}

export function readAltTextSettings(scope: vscode.Uri | undefined): AltTextSettings {
  const c = vscode.workspace.getConfiguration(`${SECTION}.altText`, scope ?? null);
  const disabled = new Set(c.get<string[]>('disabledRules', []));
  return {
    maxLength: Math.min(1000, Math.max(20, c.get<number>('maxLength', DEFAULT_ALT_MAX_LENGTH))),
    diagnostics: c.get<boolean>('diagnostics', false),
    docsRoot: c.get<string>('docsRoot', '').trim(),
    glob: c.get<string>('include', DEFAULT_DOC_GLOB),
    // A window setting: read without the resource scope.
    concurrency: Math.min(32, Math.max(1, vscode.workspace.getConfiguration(`${SECTION}.altText`).get<number>('concurrency', DEFAULT_ALT_CONCURRENCY))),
    rules: RULE_IDS.filter((r) => !disabled.has(r)),
    sendContext: c.get<boolean>('sendContext', true),
  };
}
