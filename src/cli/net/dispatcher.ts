/**
 * undici dispatchers for the CLI, one per client and passed with every request: never the process-wide global
 * dispatcher. With a proxy configured, requests go through an EnvHttpProxyAgent that also honours the no-proxy list.
 * (The extension does not use these: its requests go through VS Code's own network stack, see src/vscode/connection.ts.)
 */
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';

export interface DispatcherOptions {
  /** Proxy URL for http and https requests (e.g. VS Code's `http.proxy`). */
  readonly proxy?: string | undefined;
  /** Hosts that bypass the proxy (`http.noProxy`, NO_PROXY): names, `.suffix`, `*`, with optional `:port`. */
  readonly noProxy?: readonly string[] | undefined;
  /** Check the proxy's TLS certificate (`http.proxyStrictSSL`); default true. The endpoint's is always checked. */
  readonly strictSSL?: boolean | undefined;
  /** Time allowed for the TCP/TLS connection. */
  readonly connectTimeoutMs?: number | undefined;
}

export function createDispatcher(options: DispatcherOptions = {}): Dispatcher {
  // The endpoint's certificate is always checked: relaxing checks is for a proxy, never for where the key goes.
  const connect = { timeout: options.connectTimeoutMs ?? 30_000, rejectUnauthorized: true };
  const proxy = options.proxy?.trim();
  if (!proxy) return new Agent({ connect });
  return new EnvHttpProxyAgent({
    httpProxy: proxy,
    httpsProxy: proxy,
    noProxy: (options.noProxy ?? []).join(','),
    connect,
    proxyTls: { rejectUnauthorized: options.strictSSL !== false },
    requestTls: { rejectUnauthorized: true },
  });
}

/** Proxy settings from the usual environment variables (for the CLI). */
export function proxyFromEnv(env: Readonly<Record<string, string | undefined>>): DispatcherOptions {
  const pick = (...names: string[]) => names.map((n) => env[n]?.trim()).find((v) => !!v);
  const proxy = pick('HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy');
  const noProxy = pick('NO_PROXY', 'no_proxy');
  return {
    proxy,
    noProxy: noProxy ? noProxy.split(/[,\s]+/).filter(Boolean) : [],
    strictSSL: env['NODE_TLS_REJECT_UNAUTHORIZED'] !== '0',
  };
}
