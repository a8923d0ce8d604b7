/**
 * How the client's requests travel: one shape for every transport (streamed body, AbortSignal, a timeout for the
 * answer to start and one for silence between chunks), and `fetchTransport` over a WHATWG `fetch` (the extension passes
 * the extension host's global fetch, which VS Code's network stack serves: system and PAC proxies, proxy
 * authentication, `http.proxy`/`http.noProxy`, the OS certificate store). The CLI's undici transport, with proxies
 * from the environment and hard deadlines, is core/nodeHttp's.
 * Timeouts raise errors with undici's codes (`UND_ERR_HEADERS_TIMEOUT`, `UND_ERR_BODY_TIMEOUT`) whatever the transport,
 * so the client maps them once.
 */

export interface TransportRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  /** A string, or bytes as they are made (an upload streamed from a file; give its content-length header). */
  readonly body?: string | AsyncIterable<Uint8Array> | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Time allowed until the answer's headers arrive. */
  readonly headersTimeoutMs: number;
  /** Time allowed between two pieces of the body. */
  readonly bodyTimeoutMs: number;
}

export interface TransportResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body as it arrives. */
  readonly body: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
  /** Read and drop the rest of the body (or stop it), freeing the connection. */
  discard(): Promise<void>;
}

export interface Transport {
  (req: TransportRequest): Promise<TransportResponse>;
  /** The proxy a request to this URL goes through (without credentials), when the transport knows: for messages. */
  readonly proxyFor?: ((url: string) => string | undefined) | undefined;
  /** Free what the transport holds (its own dispatchers), when it has any. */
  readonly close?: (() => Promise<void>) | undefined;
}

/** An error with the code a timeout has in undici. */
export class TransportTimeout extends Error {
  constructor(
    readonly code: 'UND_ERR_HEADERS_TIMEOUT' | 'UND_ERR_BODY_TIMEOUT',
    message: string,
  ) {
    super(message);
  }
}

/** The proxy failed to open a tunnel: it closed the connection, answered something else than 200, or did not answer. */
export class ProxyTunnelError extends Error {
  readonly code = 'UND_ERR_PRX_TUNNEL';
  constructor(
    /** The proxy's URL without user or password. */
    readonly proxy: string,
    /** `host:port` the tunnel was asked for. */
    readonly target: string,
    /** The proxy's answer to CONNECT, when it gave one. */
    readonly status: number | undefined,
    cause?: unknown,
  ) {
    super(status === undefined ? `the proxy ${proxy} closed the connection when asked for a tunnel to ${target}` : `the proxy ${proxy} answered ${status} when asked for a tunnel to ${target}`, cause === undefined ? undefined : { cause });
  }
}

/** The headers of a fetch Response as a plain record (lower-case names). */
function plainHeaders(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((value, name) => (out[name.toLowerCase()] = value));
  return out;
}

/** Bytes as they are made, as a fetch body. */
function streamOf(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const step = await it.next();
      if (step.done) controller.close();
      else controller.enqueue(step.value);
    },
    async cancel() {
      await it.return?.();
    },
  });
}

export function fetchTransport(fetchFn: typeof fetch): Transport {
  return async (req) => {
    const own = new AbortController();
    const signal = req.signal ? AbortSignal.any([req.signal, own.signal]) : own.signal;
    let timedOut: TransportTimeout | undefined;
    const giveUp = (code: TransportTimeout['code'], ms: number) => {
      timedOut = new TransportTimeout(code, code === 'UND_ERR_HEADERS_TIMEOUT' ? `no answer within ${ms} ms` : `nothing arrived for ${ms} ms`);
      own.abort(timedOut);
    };
    const headersTimer = setTimeout(() => giveUp('UND_ERR_HEADERS_TIMEOUT', req.headersTimeoutMs), req.headersTimeoutMs);
    let res: Response;
    try {
      const body = req.body === undefined ? {} : typeof req.body === 'string' ? { body: req.body } : { body: streamOf(req.body), duplex: 'half' };
      res = await fetchFn(req.url, { method: req.method, headers: req.headers, ...body, signal, redirect: 'manual' } as RequestInit);
    } catch (e) {
      throw timedOut ?? e;
    } finally {
      clearTimeout(headersTimer);
    }
    const reader = res.body?.getReader();
    async function* chunks(): AsyncGenerator<Uint8Array> {
      if (!reader) return;
      for (;;) {
        const idle = setTimeout(() => giveUp('UND_ERR_BODY_TIMEOUT', req.bodyTimeoutMs), req.bodyTimeoutMs);
        let step: ReadableStreamReadResult<Uint8Array>;
        try {
          step = await reader.read();
        } catch (e) {
          throw timedOut ?? e;
        } finally {
          clearTimeout(idle);
        }
        if (step.done) return;
        yield step.value;
      }
    }
    const body = chunks();
    return {
      status: res.status,
      headers: plainHeaders(res.headers),
      body,
      text: async () => {
        const parts: Uint8Array[] = [];
        for await (const c of body) parts.push(c);
        return Buffer.concat(parts).toString('utf8');
      },
      discard: async () => {
        await reader?.cancel().catch(() => undefined);
      },
    };
  };
}
