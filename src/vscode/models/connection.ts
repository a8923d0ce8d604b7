/** The HTTP client (Azure or an OpenAI-compatible server) over VS Code's own network stack. */
import { ChatClient, fetchTransport, type Credential } from '../../core/net';
import type { DescribeDeps } from '../base';
import { readSettings } from '../base';

/** The HTTP client over VS Code's own network stack (proxies, PAC, proxy authentication, OS certificates). */
export function httpBackend(deps: DescribeDeps, credential: Credential): ChatClient {
  const settings = readSettings();
  return new ChatClient({
    credential,
    // The global fetch at the time of the request: VS Code installs its network stack on it.
    transport: fetchTransport((input, init) => fetch(input, init)),
    timeoutMs: settings.requestTimeoutMs,
    idleTimeoutMs: settings.idleTimeoutMs,
    tokenParamMemory: deps.tokenMemory,
    logger: deps.log,
  });
}
