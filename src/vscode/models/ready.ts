/** An Azure endpoint and a way to authenticate, asked for when missing (then the work goes on). */
import * as vscode from 'vscode';
import { apiKeyCredential, type Credential } from '../../core/net';
import type { DescribeDeps } from '../base';
import { isConfigured, readAuthSettings, readSettings } from '../base';
import { entraCredential, entraSession, signInCommand } from './auth';
import { configureEndpointCommand, promptForKey } from './keyCommands';

/**
 * Make sure there is an endpoint and a way to authenticate (the API key, or a Microsoft Entra ID sign-in, as the
 * `describeImage.authentication` setting says), offering the fix and going on. With neither a key nor a sign-in, both
 * are offered. Returns the credential, or undefined if the user stopped.
 */
export async function ensureReady(deps: DescribeDeps): Promise<Credential | undefined> {
  const ui = deps.ui.current;
  if (!isConfigured(readSettings().raw)) {
    const configure = vscode.l10n.t('Configure Endpoint');
    const picked = await ui.showWarningMessage(
      vscode.l10n.t('Describe Image needs your Azure OpenAI endpoint and a vision deployment before it can describe images.'),
      configure,
    );
    if (picked !== configure || !(await configureEndpointCommand(ui))) return undefined;
  }
  const auth = readAuthSettings();
  if (auth.method === 'entraId') {
    const session = (await entraSession('silent')) ?? (await signInCommand(deps.log));
    return session ? entraCredential(session, deps.log) : undefined;
  }
  const existing = await deps.keys.get();
  if (existing) return apiKeyCredential(existing);
  const setKey = vscode.l10n.t('Set API Key');
  const signIn = vscode.l10n.t('Sign In with Microsoft Entra ID');
  const picked = await ui.showWarningMessage(
    vscode.l10n.t('No API key is set for Describe Image: set the key of your Azure OpenAI resource, or sign in with Microsoft Entra ID (for resources that allow only Entra ID).'),
    setKey,
    signIn,
  );
  if (picked === signIn) {
    const session = await signInCommand(deps.log);
    return session ? entraCredential(session, deps.log) : undefined;
  }
  if (picked !== setKey) return undefined;
  const key = await promptForKey(ui, deps.keys);
  if (!key) return undefined;
  return apiKeyCredential(key);
}
