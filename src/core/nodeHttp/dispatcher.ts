/**
 * undici connections for the CLI (and, in the extension, for a server on this machine), one NetDispatcher per client and passed with every request: never the process-wide
 * global dispatcher. A request to this machine (localhost, 127.0.0.0/8, ::1: isOnThisMachine, the same test that
 * tells the user images stay here) always goes direct; others go through the proxy when one is set, unless the
 * no-proxy list names their host.
 *
 * A request that is given up (its deadline passed, the user cancelled) before its answer started may leave undici
 * connecting for ever — a proxy that drops CONNECT makes undici's proxy agent reconnect in a tight loop
 * (nodejs/undici#3897), and an abort does not reach a request still waiting for its connection. So requests take a
 * lease: one given up retires the dispatchers it used, which are destroyed (sockets closed, the loop ended) as soon as
 * the other requests on them are done, and later requests get fresh ones. A CONNECT the proxy drops or refuses is a
 * ProxyTunnelError that names the proxy (never its credentials), and ends the request instead of being retried.
 * (The extension uses these only for a server on this machine: its other requests go through VS Code's own network
 * stack, see src/vscode/models/connection.ts.)
 */
import { Agent, Pool, ProxyAgent, type Dispatcher } from 'undici';
import { isOnThisMachine } from '../base';
import { ProxyTunnelError } from '../net';

export interface DispatcherOptions {
  /** Proxy URL for http and https requests (e.g. HTTPS_PROXY). */
  readonly proxy?: string | undefined;
  /** Hosts that bypass the proxy (NO_PROXY): names, `.suffix`, `*.suffix`, `*`, with optional `:port`. */
  readonly noProxy?: readonly string[] | undefined;
  /** Check the proxy's TLS certificate; default true. The endpoint's is always checked. */
  readonly strictSSL?: boolean | undefined;
  /** Time allowed for the TCP/TLS connection. */
  readonly connectTimeoutMs?: number | undefined;
}


/** A proxy URL as it may be shown: scheme, host and port, never a user or password. */
export function proxyLabel(proxy: string): string {
  try {
    const url = new URL(proxy);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '(the proxy)';
  }
}

/**
 * The client that talks to the proxy itself: a CONNECT it fails (closed, refused, not 200) becomes a
 * ProxyTunnelError. undici treats the socket error it would otherwise see as worth reconnecting for, without end.
 */
class TunnelPool extends Pool {
  constructor(
    origin: URL,
    options: Pool.Options,
    private readonly label: string,
  ) {
    super(origin, options);
  }

  override connect(options: Dispatcher.ConnectOptions, callback?: (err: Error | null, data: Dispatcher.ConnectData) => void): never {
    const target = String(options.path ?? '');
    const tunnel = super.connect(options).then(
      (data) => {
        if (data.statusCode === 200) return data;
        data.socket.destroy();
        throw new ProxyTunnelError(this.label, target, data.statusCode);
      },
      (e: unknown) => {
        throw new ProxyTunnelError(this.label, target, undefined, e);
      },
    );
    if (callback) void tunnel.then((data) => callback(null, data), (e: Error) => callback(e, undefined as never));
    return (callback ? undefined : tunnel) as never;
  }
}

/** The dispatchers of one generation: made together, retired together. */
class Generation {
  leases = 0;
  retired = false;
  private directAgent: Agent | undefined;
  private proxyAgent: ProxyAgent | undefined;

  constructor(private readonly options: DispatcherOptions) {}

  dispatcher(proxied: boolean): Dispatcher {
    const connect = { timeout: this.options.connectTimeoutMs ?? 30_000, rejectUnauthorized: true };
    const proxy = this.options.proxy;
    if (!proxied || !proxy) return (this.directAgent ??= new Agent({ connect }));
    const label = proxyLabel(proxy);
    return (this.proxyAgent ??= new ProxyAgent({
      uri: proxy,
      connect,
      // The endpoint's certificate is always checked: relaxing checks is for a proxy, never for where the key goes.
      proxyTls: { rejectUnauthorized: this.options.strictSSL !== false, timeout: connect.timeout },
      requestTls: { rejectUnauthorized: true, timeout: connect.timeout },
      clientFactory: (origin: URL, opts: object) => new TunnelPool(origin, opts as Pool.Options, label),
    }));
  }

  async close(): Promise<void> {
    await Promise.all([this.directAgent?.close(), this.proxyAgent?.close()]);
  }

  async destroy(): Promise<void> {
    await Promise.all([this.directAgent?.destroy(), this.proxyAgent?.destroy()]).catch(() => undefined);
  }
}

/** One request's use of the dispatchers. */
export interface Lease {
  readonly dispatcher: Dispatcher;
  /** The proxy the request goes through (without credentials), or undefined when it goes direct. */
  readonly proxy: string | undefined;
  /** The request is done (its answer read or dropped). */
  release(): void;
  /** The request was given up before its answer was done: its dispatchers are torn down once no one else uses them. */
  abandon(): void;
}

export class NetDispatcher {
  private current: Generation;
  private readonly retiring = new Set<Generation>();
  private readonly noProxy: readonly NoProxyEntry[];

  constructor(private readonly options: DispatcherOptions) {
    this.current = new Generation(options);
    this.noProxy = parseNoProxy(options.noProxy ?? []);
  }

  /** The proxy a request to this URL goes through (without credentials), or undefined: direct. */
  proxyFor(url: string): string | undefined {
    const proxy = this.options.proxy;
    if (!proxy || isOnThisMachine(url) || bypassesProxy(new URL(url), this.noProxy)) return undefined;
    return proxyLabel(proxy);
  }

  lease(url: string): Lease {
    const generation = this.current;
    const proxy = this.proxyFor(url);
    generation.leases++;
    let done = false;
    const finish = (abandoned: boolean) => {
      if (done) return;
      done = true;
      generation.leases--;
      if (abandoned && !generation.retired) this.retire(generation);
      if (generation.retired && generation.leases === 0 && this.retiring.delete(generation)) void generation.destroy();
    };
    return { dispatcher: generation.dispatcher(proxy !== undefined), proxy, release: () => finish(false), abandon: () => finish(true) };
  }

  private retire(generation: Generation): void {
    generation.retired = true;
    this.retiring.add(generation);
    if (this.current === generation) this.current = new Generation(this.options);
  }

  /** Close gracefully (requests in progress finish); what was given up is destroyed. */
  async close(): Promise<void> {
    const retiring = [...this.retiring];
    this.retiring.clear();
    await Promise.all([this.current.close(), ...retiring.map((g) => g.destroy())]);
  }
}

export function createDispatcher(options: DispatcherOptions = {}): NetDispatcher {
  const proxy = options.proxy?.trim();
  return new NetDispatcher({ ...options, proxy: proxy || undefined });
}

interface NoProxyEntry {
  readonly host: string;
  readonly port: number | undefined;
}

/** NO_PROXY entries: `*` (everything), `name`, `.suffix` or `*.suffix` (the name and its subdomains), `[::1]`, each with an optional `:port`. */
function parseNoProxy(entries: readonly string[]): NoProxyEntry[] {
  return entries.map((raw) => raw.trim().toLowerCase()).filter(Boolean).map((entry) => {
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) return { host: bracketed[1] ?? '', port: bracketed[2] ? Number(bracketed[2]) : undefined };
    const withPort = /^([^:]+):(\d+)$/.exec(entry);
    return { host: (withPort?.[1] ?? entry).replace(/^\*?\./, ''), port: withPort?.[2] ? Number(withPort[2]) : undefined };
  });
}

function bypassesProxy(url: URL, entries: readonly NoProxyEntry[]): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  return entries.some((e) => (e.port === undefined || e.port === port) && (e.host === '*' || host === e.host || host.endsWith(`.${e.host}`)));
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
