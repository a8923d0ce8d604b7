/**
 * A small forward proxy on 127.0.0.1 for tests, counted: CONNECT tunnels (what undici's proxy agents use, for https
 * and http) and absolute-form requests (`GET http://host/path`, what Node's http module sends through a proxy). It can
 * resolve host names only it knows (`hosts`), like a corporate proxy that reaches an internal resource, and can demand
 * proxy authentication (407 without the right `Proxy-Authorization`). A broken proxy too: one that closes the
 * connection on CONNECT (`onConnect: 'drop'`), or never answers it (`'hang'`).
 */
import * as http from 'node:http';
import * as net from 'node:net';

export interface TestProxy {
  readonly url: string;
  /** `host:port` of every tunnel opened, and `METHOD url` of every request forwarded. */
  readonly tunnels: string[];
  /** Requests refused with 407. */
  readonly refused: number;
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** Names the proxy resolves itself (e.g. `my-resource.openai.azure.test` → `127.0.0.1`). */
  readonly hosts?: Readonly<Record<string, string>>;
  /** `user:password` the proxy demands (Basic). */
  readonly auth?: string;
  /** What it does with a CONNECT (default: opens the tunnel). Every CONNECT is counted in `tunnels` all the same. */
  readonly onConnect?: 'tunnel' | 'drop' | 'hang';
}

export async function startConnectProxy(options: ProxyOptions = {}): Promise<TestProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<net.Socket>();
  let refused = 0;
  const resolve = (host: string) => options.hosts?.[host] ?? host;
  const allowed = (req: http.IncomingMessage) => !options.auth || req.headers['proxy-authorization'] === `Basic ${Buffer.from(options.auth).toString('base64')}`;
  const server = http.createServer((req, res) => {
    if (!allowed(req)) {
      refused++;
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end();
      return;
    }
    tunnels.push(`${req.method} ${target.href}`);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = http.request({ host: resolve(target.hostname), port: target.port || 80, path: target.pathname + target.search, method: req.method, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    if (!allowed(req)) {
      refused++;
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
      return;
    }
    tunnels.push(req.url ?? '');
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (options.onConnect === 'drop') return void client.destroy();
    if (options.onConnect === 'hang') return void client.on('error', () => undefined);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), resolve(host ?? '127.0.0.1'), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    tunnels,
    get refused() {
      return refused;
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
