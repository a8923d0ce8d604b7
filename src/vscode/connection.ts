/**
 * The one place the extension builds its HTTP client. Requests go through the extension host's `fetch`, which VS Code's
 * own network stack serves — system and PAC proxies, proxy authentication, `http.proxy`, `http.noProxy`,
 * `http.proxyStrictSSL` and the OS certificate store (`http.systemCertificates`) — with streaming and cancel kept
 * (the core's fetch transport). Timeouts come from the settings; the token-parameter memory and the log are shared.
 * Every request path (describe, paste panel, quick fixes, paste into Markdown, bulk alt text) uses it.
 */
import type { Credential } from '../core/auth';
import { ChatClient } from '../core/client';
import { fetchTransport } from '../core/transport';
import type { DescribeDeps } from './describeCommand';
import { readSettings } from './settings';

export interface Connection {
  readonly client: ChatClient;
  close(): Promise<void>;
}

export function openConnection(deps: DescribeDeps, credential: Credential): Connection {
  const settings = readSettings();
  const client = new ChatClient({
    credential,
    // The global fetch at the time of the request: VS Code installs its network stack on it.
    transport: fetchTransport((input, init) => fetch(input, init)),
    timeoutMs: settings.requestTimeoutMs,
    idleTimeoutMs: settings.idleTimeoutMs,
    tokenParamMemory: deps.tokenMemory,
    logger: deps.log,
  });
  return { client, close: () => client.close() };
}
