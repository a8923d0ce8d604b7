/**
 * Microsoft Entra ID in the extension: VS Code's built-in Microsoft sign-in (`vscode.authentication`, provider
 * `microsoft`) with the Cognitive Services scope — and, for multi-tenant users, `VSCODE_TENANT:<tenant>` — gives the
 * token, sent as `Authorization: Bearer`. VS Code keeps the session and refreshes its token; sign-out and switching
 * accounts are in VS Code's Accounts menu. No token is ever stored by this extension.
 */
import * as vscode from 'vscode';
import { COGNITIVE_SERVICES_SCOPE, type Credential } from '../../core/net';
import { DescribeError } from '../../core/base';
import type { ExtensionLog } from '../base';
import { readAuthSettings } from '../base';

export const MICROSOFT_PROVIDER = 'microsoft';

export function entraScopes(tenant: string): string[] {
  return [COGNITIVE_SERVICES_SCOPE, ...(tenant ? [`VSCODE_TENANT:${tenant}`] : [])];
}

export type SignInMode =
  /** Use a session if there is one; never show anything. */
  | 'silent'
  /** Sign in if needed (VS Code asks the user). */
  | 'create'
  /** A new session: after a refused token, or to use another account. */
  | 'again';

/** The Microsoft session for the Cognitive Services scope, or undefined (silent and not signed in). */
export async function entraSession(mode: SignInMode): Promise<vscode.AuthenticationSession | undefined> {
  const { tenant } = readAuthSettings();
  const scopes = entraScopes(tenant);
  switch (mode) {
    case 'silent':
      return vscode.authentication.getSession(MICROSOFT_PROVIDER, scopes, { silent: true });
    case 'create':
      return vscode.authentication.getSession(MICROSOFT_PROVIDER, scopes, { createIfNone: true });
    case 'again':
      return vscode.authentication.getSession(MICROSOFT_PROVIDER, scopes, {
        forceNewSession: { detail: vscode.l10n.t('Azure OpenAI refused the last token: sign in again, or with another account.') },
        clearSessionPreference: true,
      });
  }
}

/** A credential over the session: each request asks VS Code for the current token (VS Code refreshes it). */
export function entraCredential(session: vscode.AuthenticationSession, log: ExtensionLog): Credential {
  const label = session.account.label;
  return {
    kind: 'entra',
    source: `Microsoft Entra ID (${label})`,
    async getToken() {
      const current = (await entraSession('silent')) ?? session;
      log.addSecret(current.accessToken);
      return current.accessToken;
    },
  };
}

/** "Sign In with Microsoft Entra ID": choose Entra ID for the endpoint and sign in. Returns the session. */
export async function signInCommand(log: ExtensionLog, again = false): Promise<vscode.AuthenticationSession | undefined> {
  await vscode.workspace.getConfiguration('describeImage').update('authentication', 'entraId', vscode.ConfigurationTarget.Global);
  let session: vscode.AuthenticationSession | undefined;
  try {
    session = await entraSession(again ? 'again' : 'create');
  } catch (e) {
    // The user closed the sign-in, or the tenant does not allow it.
    throw new DescribeError('missing-credential', vscode.l10n.t('Signing in with Microsoft Entra ID did not complete: {0}', e instanceof Error ? e.message : String(e)), { cause: e });
  }
  if (session) {
    log.addSecret(session.accessToken);
    log.info(`Signed in with Microsoft Entra ID as ${session.account.label}.`);
    void vscode.commands.executeCommand('setContext', 'describeImage.signedIn', true);
  }
  return session;
}
