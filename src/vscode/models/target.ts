/**
 * Where a request goes, for every provider, in one place: the settings resolved for the provider and a backend ready
 * to send — the HTTP client (Azure or an OpenAI-compatible server) over VS Code's network stack, or one of VS Code's
 * language models. What is missing is asked for first (endpoint, key or sign-in, model), then the work goes on.
 * Every request path (describe, paste panel, quick fixes, paste into Markdown, bulk alt text) opens its target here.
 */
import * as vscode from 'vscode';
import { openAiCredential,type Credential } from '../../core/net';
import { type ChatBackend } from '../../core/net';
import { DescribeError } from '../../core/base';
import { isOnThisMachine,parseBaseUrl,resolveSettings,type DescribeSettings,type RawSettings } from '../../core/base';
import { pickModel } from './chooseModel';
import { firstRunChoice } from './firstRun';
import { imageModels,LanguageModelBackend } from './languageModels';
import { promptForKey } from './keyCommands';
import { readProviderSettings,readSettings } from '../base';
import { ensureReady } from './ready';
import { type DescribeDeps } from '../base';
import { needsFirstChoice } from './choice';
import { httpBackend } from './connection';

export interface Target {
  readonly settings: DescribeSettings;
  readonly backend: ChatBackend;
  /** Where the images go, in words (for the log and messages). */
  readonly where: string;
  close(): Promise<void>;
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
    const backend = await httpBackend(deps, credential, settings.endpoint);
    return { settings, backend, where: settings.endpoint, close: () => backend.close() };
  }
  const credential = await ensureReady(deps);
  if (!credential) return undefined;
  const settings = resolveSettings(raw());
  const backend = await httpBackend(deps, credential, settings.endpoint);
  return { settings, backend, where: new URL(settings.endpoint).host, close: () => backend.close() };
}
