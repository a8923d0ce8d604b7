/**
 * The HTTP client (Azure or an OpenAI-compatible server) over VS Code's own network stack (proxies, PAC, proxy
 * authentication, OS certificates) — except for a server on this machine: that is reached direct, never through a
 * proxy, as the status bar says (VS Code's stack sends only localhost and 127.0.0.1 direct, not 127.0.0.2 or
 * name.localhost), with Node's own HTTP (core/nodeHttp, loaded then).
 */
import { isOnThisMachine } from '../../core/base';
import { ChatClient, fetchTransport, knownSecret, type Credential, type Transport } from '../../core/net';
import type { DescribeDeps } from '../base';
import { readSettings } from '../base';

export async function httpBackend(deps: DescribeDeps, credential: Credential, endpoint: string): Promise<ChatClient> {
  const settings = readSettings();
  // The key about to be sent is removed from the log from now on, with every other secret it knows.
  deps.log.addSecret(knownSecret(credential));
  const transport: Transport = isOnThisMachine(endpoint)
    ? (await import('../../core/nodeHttp')).nodeTransport({ connectTimeoutMs: Math.min(settings.requestTimeoutMs, 30_000) })
    : // The global fetch at the time of the request: VS Code installs its network stack on it.
      fetchTransport((input, init) => fetch(input, init));
  return new ChatClient({
    credential,
    transport,
    timeoutMs: settings.requestTimeoutMs,
    idleTimeoutMs: settings.idleTimeoutMs,
    tokenParamMemory: deps.tokenMemory,
    logger: deps.log,
  });
}
