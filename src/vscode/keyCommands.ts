/**
 * Set API Key, Clear API Key and Configure Endpoint: the three ways a user fixes a missing or wrong configuration.
 */
import * as vscode from 'vscode';
import { DescribeError } from '../core/errors';
import { API_VERSION_RE, DEFAULT_API_VERSION, isLoopbackHost, parseEndpoint } from '../core/settings';
import type { KeyStore } from './secrets';
import { readSettings, writeEndpointSettings } from './settings';
import type { Ui } from './ui';

/** Ask for the key (masked) and store it. Returns the key, or undefined when the user cancelled. */
export async function promptForKey(ui: Ui, keys: KeyStore): Promise<string | undefined> {
  const endpoint = readSettings().raw.endpoint?.trim();
  let host = '';
  try {
    host = endpoint ? new URL(parseEndpoint(endpoint).endpoint).host : '';
  } catch {
    host = '';
  }
  const key = await ui.showInputBox({
    title: vscode.l10n.t('Describe Image: Set API Key'),
    prompt: host
      ? vscode.l10n.t('Paste the API key of {0} (Keys and Endpoint in the Azure portal). It is kept in secret storage.', host)
      : vscode.l10n.t('Paste your Azure OpenAI API key (Keys and Endpoint in the Azure portal). It is kept in secret storage.'),
    password: true,
    ignoreFocusOut: true,
    placeHolder: vscode.l10n.t('API key'),
    validateInput: (value) => {
      const v = value.trim();
      if (!v) return vscode.l10n.t('Enter the key, or press Escape to cancel.');
      if (/\s/.test(v)) return vscode.l10n.t('A key has no spaces: check what was pasted.');
      return undefined;
    },
  });
  if (key === undefined || !key.trim()) return undefined;
  await keys.set(key);
  return key.trim();
}

export async function setApiKeyCommand(ui: Ui, keys: KeyStore, keyArgument?: unknown): Promise<boolean> {
  if (typeof keyArgument === 'string' && keyArgument.trim()) {
    await keys.set(keyArgument);
  } else if (!(await promptForKey(ui, keys))) {
    return false;
  }
  void ui.showInformationMessage(vscode.l10n.t('API key saved in secret storage.'));
  return true;
}

export async function clearApiKeyCommand(ui: Ui, keys: KeyStore): Promise<void> {
  await keys.clear();
  void ui.showInformationMessage(vscode.l10n.t('API key removed from secret storage.'));
}

function validateEndpoint(value: string): string | undefined {
  if (!value.trim()) return vscode.l10n.t('Enter the endpoint, e.g. https://my-resource.openai.azure.com, or paste the whole Target URI.');
  try {
    const parsed = parseEndpoint(value);
    const url = new URL(parsed.endpoint);
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      return vscode.l10n.t('Use https://: the key is never sent over plain http except to localhost.');
    }
  } catch (e) {
    return e instanceof DescribeError ? e.message : String(e);
  }
  return undefined;
}

/** Ask for endpoint (or Target URI), deployment and api-version, validating as the user types. */
export async function configureEndpointCommand(ui: Ui): Promise<boolean> {
  const current = readSettings().raw;
  const title = vscode.l10n.t('Describe Image: Configure Endpoint');
  const endpointInput = await ui.showInputBox({
    title,
    prompt: vscode.l10n.t('Azure OpenAI endpoint, or paste the whole Target URI from the portal (deployment and api-version are taken from it).'),
    value: current.endpoint ?? '',
    placeHolder: 'https://my-resource.openai.azure.com',
    ignoreFocusOut: true,
    validateInput: validateEndpoint,
  });
  if (endpointInput === undefined) return false;
  const parsed = parseEndpoint(endpointInput);
  let deployment = parsed.deployment;
  if (!deployment && parsed.apiStyle === 'deployments') {
    deployment = await ui.showInputBox({
      title,
      prompt: vscode.l10n.t('Name of your vision-capable deployment (e.g. gpt-4o, gpt-4.1, gpt-5).'),
      value: current.deployment ?? '',
      ignoreFocusOut: true,
      validateInput: (v) =>
        !v.trim() ? vscode.l10n.t('Enter the deployment name.') : /[/?#\s]/.test(v.trim()) ? vscode.l10n.t('Enter just the name: no spaces or URL characters.') : undefined,
    });
    if (deployment === undefined) return false;
  }
  let apiVersion = parsed.apiVersion;
  if (!apiVersion && parsed.apiStyle === 'deployments') {
    apiVersion = await ui.showInputBox({
      title,
      prompt: vscode.l10n.t('api-version (leave as is unless your deployment needs another).'),
      value: current.apiVersion || DEFAULT_API_VERSION,
      ignoreFocusOut: true,
      validateInput: (v) => (API_VERSION_RE.test(v.trim()) ? undefined : vscode.l10n.t('Use the form YYYY-MM-DD or YYYY-MM-DD-preview.')),
    });
    if (apiVersion === undefined) return false;
  }
  // Keep the v1 path in the endpoint so the style is remembered; otherwise store the base endpoint.
  const endpoint = parsed.apiStyle === 'v1' ? `${parsed.endpoint}/openai/v1` : parsed.endpoint;
  await writeEndpointSettings({ endpoint, deployment: (deployment ?? '').trim(), apiVersion: (apiVersion ?? DEFAULT_API_VERSION).trim() });
  void ui.showInformationMessage(vscode.l10n.t('Endpoint saved: {0}, deployment {1}.', endpoint, deployment?.trim() || '—'));
  return true;
}
