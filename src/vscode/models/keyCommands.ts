/**
 * Set API Key, Clear API Key and Configure Endpoint: the three ways a user fixes a missing or wrong configuration.
 */
import * as vscode from 'vscode';
import { DescribeError } from '../../core/base';
import { isLoopbackHost, parseBaseUrl, parseEndpoint } from '../../core/base';
import { currentKeyOwner, type KeyStore } from '../base';
import { readAuthSettings, readProviderSettings, readSettings, writeEndpointSettings, writeProviderChoice, type AuthMethod } from '../base';
import type { Ui } from '../base';

/** Ask for the key (masked) and store it. Returns the key, or undefined when the user cancelled. */
export async function promptForKey(ui: Ui, keys: KeyStore): Promise<string | undefined> {
  const owner = currentKeyOwner();
  let host = '';
  try {
    host = owner === 'openai' ? new URL(parseBaseUrl(readProviderSettings().baseUrl)).host : new URL(parseEndpoint(readSettings().raw.endpoint?.trim() ?? '').endpoint).host;
  } catch {
    host = '';
  }
  const key = await ui.showInputBox({
    title: vscode.l10n.t('Describe Image: Set API Key'),
    prompt:
      owner === 'openai'
        ? vscode.l10n.t('Paste the API key of {0}. It is kept in secret storage.', host)
        : host
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

/** How to authenticate to the endpoint: the current choice first. */
async function pickAuthentication(ui: Ui): Promise<AuthMethod | undefined> {
  const current = readAuthSettings().method;
  const items: (vscode.QuickPickItem & { method: AuthMethod })[] = [
    { method: 'apiKey', label: vscode.l10n.t('API key'), detail: vscode.l10n.t("The resource's key, kept in VS Code's secret storage (Set API Key).") },
    {
      method: 'entraId',
      label: vscode.l10n.t('Microsoft Entra ID'),
      detail: vscode.l10n.t('Sign in with your Microsoft account; it needs the role "Cognitive Services OpenAI User" on the resource. For resources that allow no keys.'),
    },
  ];
  items.sort((a, b) => (a.method === current ? -1 : b.method === current ? 1 : 0));
  const picked = await ui.showQuickPick(items, { title: vscode.l10n.t('Describe Image: Configure Endpoint'), placeHolder: vscode.l10n.t('How do you authenticate to this resource?'), ignoreFocusOut: true });
  return picked?.method;
}

/** Ask for endpoint (or Target URI), deployment and how to authenticate, validating as the user types. */
export async function configureEndpointCommand(ui: Ui): Promise<boolean> {
  const current = readSettings().raw;
  const title = vscode.l10n.t('Describe Image: Configure Endpoint');
  const endpointInput = await ui.showInputBox({
    title,
    prompt: vscode.l10n.t('Azure OpenAI endpoint (…openai.azure.com, …cognitiveservices.azure.com or …services.ai.azure.com), or paste the whole Target URI from the portal.'),
    value: current.endpoint ?? '',
    placeHolder: 'https://my-resource.openai.azure.com',
    ignoreFocusOut: true,
    validateInput: validateEndpoint,
  });
  if (endpointInput === undefined) return false;
  const parsed = parseEndpoint(endpointInput);
  let deployment = parsed.deployment;
  if (!deployment) {
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
  // The v1 API (no api-version) unless the Target URI carries one: then the deployments API with that version.
  const apiVersion = parsed.apiVersion ?? '';
  const authentication = await pickAuthentication(ui);
  if (!authentication) return false;
  const endpoint = parsed.endpoint;
  await writeEndpointSettings({ endpoint, deployment: (deployment ?? '').trim(), apiVersion, authentication });
  await writeProviderChoice('azure');
  void ui.showInformationMessage(
    vscode.l10n.t('Endpoint saved: {0}, deployment {1}, {2}.', endpoint, deployment?.trim() || '—', authentication === 'entraId' ? vscode.l10n.t('Microsoft Entra ID') : vscode.l10n.t('API key')),
  );
  return true;
}
