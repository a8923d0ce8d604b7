/**
 * How the client's requests travel. Two transports with one shape (streamed body, AbortSignal, a timeout for the
 * answer to start and one for silence between chunks):
 * - `undiciTransport`: undici with an explicit dispatcher (the CLI: HTTPS_PROXY/NO_PROXY, NODE_EXTRA_CA_CERTS). Never
 *   the process-wide dispatcher. Every request has a hard deadline for its answer to start, counted from the start
 *   (connecting and any proxy included); a request given up — deadline or cancel — is settled at once and its
 *   dispatchers torn down (see NetDispatcher), since undici may otherwise keep connecting for ever.
 * - `fetchTransport`: a WHATWG `fetch` (the extension passes the extension host's global fetch, which VS Code's
 *   network stack serves: system and PAC proxies, proxy authentication, `http.proxy`/`http.noProxy`, the OS
 *   certificate store).
 * Timeouts raise errors with undici's codes (`UND_ERR_HEADERS_TIMEOUT`, `UND_ERR_BODY_TIMEOUT`) whatever the transport,
 * so the client maps them once.
 */
import { request } from 'undici';
import type { NetDispatcher } from './http';
import { isOnThisMachine } from './settings';

export interface TransportRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
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

/** Settles when the signal aborts (with its reason), or never. */
function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

export function undiciTransport(net: NetDispatcher): Transport {
  const send = async (req: TransportRequest): Promise<TransportResponse> => {
    const lease = net.lease(req.url);
    const own = new AbortController();
    const signal = req.signal ? AbortSignal.any([req.signal, own.signal]) : own.signal;
    const deadline = setTimeout(() => own.abort(new TransportTimeout('UND_ERR_HEADERS_TIMEOUT', `no answer within ${req.headersTimeoutMs} ms`)), req.headersTimeoutMs);
    const pending = request(req.url, {
      method: req.method,
      dispatcher: lease.dispatcher,
      signal,
      headers: { ...req.headers },
      ...(req.body !== undefined ? { body: req.body } : {}),
      headersTimeout: req.headersTimeoutMs,
      bodyTimeout: req.bodyTimeoutMs,
    });
    let res: Awaited<typeof pending>;
    try {
      // undici does not settle a request that still waits for its connection when it is aborted: do not wait for it.
      res = await Promise.race([pending, whenAborted(signal)]);
    } catch (e) {
      void pending.then((late) => late.body.destroy(), () => undefined);
      if (signal.aborted) lease.abandon();
      else lease.release();
      throw signal.aborted && !req.signal?.aborted ? (own.signal.reason as Error) : e;
    } finally {
      clearTimeout(deadline);
    }
    res.body.once('close', () => lease.release());
    return {
      status: res.statusCode,
      headers: res.headers,
      body: res.body,
      text: () => res.body.text(),
      discard: async () => {
        await res.body.dump().catch(() => undefined);
        res.body.destroy();
      },
    };
  };
  return Object.assign(send, { proxyFor: (url: string) => net.proxyFor(url) });
}

/**
 * Requests to this machine (isOnThisMachine: the test behind "images stay on this machine") go direct through undici
 * with `local`, never through a proxy; the others through `elsewhere`. For the extension, whose fetch goes through VS
 * Code's network stack: that sends localhost and 127.0.0.1 direct, but 127.0.0.2 or `name.localhost` to the proxy.
 */
export function directToThisMachine(elsewhere: Transport, local: NetDispatcher): Transport {
  const direct = undiciTransport(local);
  const send = (req: TransportRequest) => (isOnThisMachine(req.url) ? direct(req) : elsewhere(req));
  return Object.assign(send, {
    proxyFor: (url: string) => (isOnThisMachine(url) ? undefined : elsewhere.proxyFor?.(url)),
    close: async () => {
      await Promise.all([local.close(), elsewhere.close?.()]);
    },
  });
}

/** The headers of a fetch Response as a plain record (lower-case names). */
function plainHeaders(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((value, name) => (out[name.toLowerCase()] = value));
  return out;
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
      res = await fetchFn(req.url, { method: req.method, headers: req.headers, ...(req.body !== undefined ? { body: req.body } : {}), signal, redirect: 'manual' });
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
