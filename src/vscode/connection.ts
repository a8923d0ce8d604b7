/**
 * The one place the extension builds its HTTP client: VS Code's proxy settings (or the environment's), timeouts from
 * the settings, the per-deployment token-parameter memory and the log. Every request path (describe, paste panel,
 * quick fixes, paste into Markdown, bulk alt text) uses it.
 */
import { ChatClient } from '../core/client';
import { createDispatcher, proxyFromEnv } from '../core/http';
import type { DescribeDeps } from './describeCommand';
import { readProxySettings, readSettings } from './settings';

export interface Connection {
  readonly client: ChatClient;
  close(): Promise<void>;
}

export function openConnection(deps: DescribeDeps, apiKey: string): Connection {
  const settings = readSettings();
  const proxy = readProxySettings();
  const dispatcher = createDispatcher({
    ...(proxy.proxy ? { proxy: proxy.proxy, noProxy: proxy.noProxy } : proxyFromEnv(process.env)),
    strictSSL: proxy.strictSSL,
    connectTimeoutMs: Math.min(settings.requestTimeoutMs, 30_000),
  });
  const client = new ChatClient({
    apiKey,
    dispatcher,
    timeoutMs: settings.requestTimeoutMs,
    idleTimeoutMs: settings.idleTimeoutMs,
    tokenParamMemory: deps.tokenMemory,
    logger: deps.log,
  });
  return {
    client,
    close: async () => {
      await client.close();
      await dispatcher.close();
    },
  };
}
