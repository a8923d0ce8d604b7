/**
 * The undici transport: every request has a hard deadline for its answer to start, counted from the start
 * (connecting and any proxy included); a request given up — deadline or cancel — is settled at once and its
 * dispatchers torn down (see NetDispatcher), since undici may otherwise keep connecting for ever.
 */
import { Readable } from 'node:stream';
import { request } from 'undici';
import { isOnThisMachine } from '../base';
import { TransportTimeout, type Transport, type TransportRequest, type TransportResponse } from '../net';
import { createDispatcher, type DispatcherOptions, type NetDispatcher } from './dispatcher';

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
      ...(req.body !== undefined ? { body: typeof req.body === 'string' ? req.body : Readable.from(req.body) } : {}),
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


/** An undici transport that owns its dispatcher (closed with the transport): the CLI's, from its proxy settings. */
export function nodeTransport(options: DispatcherOptions = {}): Transport {
  const dispatcher = createDispatcher(options);
  return Object.assign(undiciTransport(dispatcher), { close: () => dispatcher.close() });
}
