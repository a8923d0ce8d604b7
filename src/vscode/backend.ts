/**
 * Where a request goes, for every provider, in one place: the settings resolved for the provider and a backend ready
 * to send — the HTTP client (Azure or an OpenAI-compatible server) over VS Code's network stack, or one of VS Code's
 * language models. What is missing is asked for first (endpoint, key or sign-in, model), then the work goes on.
 * Every request path (describe, paste panel, quick fixes, paste into Markdown, bulk alt text) opens its target here.
 */
import * as vscode from 'vscode';
import { knownSecret, openAiCredential, type Credential } from '../core/auth';
import { ChatClient, type ChatBackend } from '../core/client';
import { DescribeError } from '../core/errors';
import { isOnThisMachine, parseBaseUrl, resolveSettings, type DescribeSettings, type RawSettings } from '../core/settings';
import { createDispatcher } from '../core/http';
import { directToThisMachine, fetchTransport } from '../core/transport';
import { pickModel } from './chooseModel';
import { ensureReady, type DescribeDeps } from './describeCommand';
import { firstRunChoice, needsFirstChoice } from './firstRun';
import { imageModels, LanguageModelBackend } from './languageModels';
import { promptForKey } from './keyCommands';
import { readProviderSettings, readSettings } from './settings';

export interface Target {
  readonly settings: DescribeSettings;
  readonly backend: ChatBackend;
  /** Where the images go, in words (for the log and messages). */
  readonly where: string;
  close(): Promise<void>;
}

/**
 * The HTTP client over VS Code's own network stack (proxies, PAC, proxy authentication, OS certificates), except for
 * a server on this machine: that is reached direct, never through a proxy, as the status bar says.
 */
export function httpBackend(deps: DescribeDeps, credential: Credential): ChatClient {
  const settings = readSettings();
  // The key about to be sent is removed from the log from now on, with every other secret it knows.
  deps.log.addSecret(knownSecret(credential));
  return new ChatClient({
    credential,
    // The global fetch at the time of the request: VS Code installs its network stack on it.
    transport: directToThisMachine(
      fetchTransport((input, init) => fetch(input, init)),
      createDispatcher({ connectTimeoutMs: Math.min(settings.requestTimeoutMs, 30_000) }),
    ),
    timeoutMs: settings.requestTimeoutMs,
    idleTimeoutMs: settings.idleTimeoutMs,
    tokenParamMemory: deps.tokenMemory,
    logger: deps.log,
  });
}

/** The credential for the OpenAI-compatible server: its key, none for a server on this machine; asks for a key. */
async function openAiServerCredential(deps: DescribeDeps): Promise<Credential | undefined> {
  const base = parseBaseUrl(readProviderSettings().baseUrl);
  const key = await deps.keys.get('openai');
  if (key || isOnThisMachine(base)) return openAiCredential(key, base);
  const setKey = vscode.l10n.t('Set API Key');
  const picked = await deps.ui.current.showWarningMessage(vscode.l10n.t('No key is set for {0}: set the key of that server to go on.', new URL(base).host), setKey);
  if (picked !== setKey) return undefined;
  const entered = await promptForKey(deps.ui.current, deps.keys);
  return entered ? openAiCredential(entered, base) : undefined;
}

/**
 * Open the target for the configured provider, asking for what is missing. Undefined: the user stopped.
 * `overrides` (the paste panel's prompt and detail) replace the settings' values.
 */
export async function openTarget(deps: DescribeDeps, scope?: vscode.Uri, overrides: Partial<RawSettings> = {}): Promise<Target | undefined> {
  // Nothing configured yet: ask where images go (nothing is sent before that choice).
  if (needsFirstChoice() && !(await firstRunChoice(deps))) return undefined;
  const { provider } = readProviderSettings();
  if (provider === 'offline') {
    throw new DescribeError('config', vscode.l10n.t('Describe Image is set to read text on this machine, without a model; this needs a model that describes images. Choose one (the status bar shows the choice).'), {
      actions: ['choose-model'],
    });
  }
  const raw = () => ({ ...readSettings(scope).raw, ...overrides });
  if (provider === 'vscode') {
    const models = await imageModels();
    let choice = models.find((m) => m.id === readProviderSettings().vscodeModel);
    if (!choice) {
      const picked = await pickModel(deps, { only: 'vscode' });
      if (!picked || picked === true) return undefined;
      choice = picked;
    }
    const settings = resolveSettings({ ...raw(), provider: 'vscode', model: choice.id });
    return { settings, backend: new LanguageModelBackend(choice), where: `${choice.name} (${choice.vendor}), through VS Code`, close: () => Promise.resolve() };
  }
  if (provider === 'openai') {
    if (!raw().model?.trim() && !(await pickModel(deps, { only: 'openai' }))) return undefined;
    const settings = resolveSettings(raw());
    const credential = await openAiServerCredential(deps);
    if (!credential) return undefined;
    const backend = httpBackend(deps, credential);
    return { settings, backend, where: settings.endpoint, close: () => backend.close() };
  }
  const credential = await ensureReady(deps);
  if (!credential) return undefined;
  const settings = resolveSettings(raw());
  const backend = httpBackend(deps, credential);
  return { settings, backend, where: new URL(settings.endpoint).host, close: () => backend.close() };
}

/** Settings for showing what is chosen (the paste panel, the status bar): never throws. */
export function describeChoice(): { label: string; where: string; local: boolean; unset?: boolean } {
  const p = readProviderSettings();
  if (needsFirstChoice()) return { label: vscode.l10n.t('none chosen yet'), where: '', local: true, unset: true };
  try {
    if (p.provider === 'offline') return { label: vscode.l10n.t('Text on this machine'), where: vscode.l10n.t('this machine (nothing is sent)'), local: true };
    if (p.provider === 'vscode') return { label: p.vscodeModel || vscode.l10n.t('(no model chosen)'), where: vscode.l10n.t('through VS Code'), local: false };
    if (p.provider === 'openai') {
      const base = parseBaseUrl(p.baseUrl);
      const local = isOnThisMachine(base);
      return { label: p.openAiModel || vscode.l10n.t('(no model chosen)'), where: local ? vscode.l10n.t('this machine ({0})', new URL(base).host) : new URL(base).host, local };
    }
    const s = resolveSettings(readSettings().raw);
    return { label: s.deployment, where: new URL(s.endpoint).host, local: isOnThisMachine(s.endpoint) };
  } catch (e) {
    return { label: vscode.l10n.t('not set up'), where: e instanceof DescribeError ? e.message : '', local: false };
  }
}
