/**
 * How a request proves who sends it: an Azure OpenAI API key (`api-key` header) or a bearer token
 * (`Authorization: Bearer …`): a Microsoft Entra ID token for Azure, refreshed by whoever supplies it, or an
 * OpenAI-compatible server's key. The secret never leaves this module except in that one header; every text that may
 * carry it is redacted by the client.
 */

import { DescribeError, isOnThisMachine } from '../base';

export type AuthKind = 'api-key' | 'entra' | 'bearer-key' | 'none';

export interface TokenRequest {
  readonly signal?: AbortSignal | undefined;
  /** The last token was refused (401): get a new one rather than a cached one. */
  readonly refresh?: boolean | undefined;
}

export type Credential =
  | { readonly kind: 'api-key'; readonly key: string }
  /** A Microsoft Entra ID token for the Cognitive Services scope. `source` says where it comes from, for messages. */
  | { readonly kind: 'entra'; readonly source: string; getToken(request: TokenRequest): Promise<string> }
  /** An OpenAI-compatible server's key, sent as a bearer token. */
  | { readonly kind: 'bearer-key'; readonly key: string }
  /** No credential (a local server that needs none). */
  | { readonly kind: 'none' };

/** The scope of Azure OpenAI (Cognitive Services) tokens. */
export const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';

/** The Azure role an identity needs to call chat completions. */
export const OPENAI_USER_ROLE = 'Cognitive Services OpenAI User';

export const apiKeyCredential = (key: string): Credential => ({ kind: 'api-key', key: key.trim() });

/** A token given as it is (e.g. AZURE_OPENAI_AD_TOKEN): it cannot be refreshed. */
export function staticEntraToken(token: string, source: string): Credential {
  const t = token.trim();
  return { kind: 'entra', source, getToken: () => Promise.resolve(t) };
}

/**
 * The credential for an OpenAI-compatible server: its key as a bearer token, or none for a server on this machine
 * (Ollama and LM Studio need none). A server elsewhere without a key is refused before anything is sent.
 */
export function openAiCredential(key: string | undefined, baseUrl: string): Credential {
  if (key?.trim()) return { kind: 'bearer-key', key: key.trim() };
  if (isOnThisMachine(baseUrl)) return { kind: 'none' };
  throw new DescribeError('missing-key', `No key is set for ${new URL(baseUrl).host}: a key is needed for a server that is not on this machine.`);
}

/** The header that carries the credential. */
export async function authHeader(credential: Credential, request: TokenRequest = {}): Promise<Record<string, string>> {
  switch (credential.kind) {
    case 'api-key':
      return { 'api-key': credential.key };
    case 'bearer-key':
      return { authorization: `Bearer ${credential.key}` };
    case 'entra':
      return { authorization: `Bearer ${await credential.getToken(request)}` };
    case 'none':
      return {};
  }
}

/** The secret in a credential that is known up front (tokens are collected as they are fetched). */
export function knownSecret(credential: Credential): string | undefined {
  return credential.kind === 'api-key' || credential.kind === 'bearer-key' ? credential.key : undefined;
}
