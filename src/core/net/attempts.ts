/**
 * The pieces of a request's life around the client: which output-token parameter a deployment takes (remembered),
 * what a failed request's error codes mean (transient, certificate), and waiting to retry.
 */
import { DescribeError, type DescribeSettings } from '../base';
import type { TokenParam } from './request';

/** Remembers which output-token parameter each deployment takes. */
export interface TokenParamMemory {
  get(deploymentKey: string): TokenParam | undefined;
  set(deploymentKey: string, param: TokenParam): void;
}

export class InMemoryTokenParamMemory implements TokenParamMemory {
  private readonly map = new Map<string, TokenParam>();
  get(key: string): TokenParam | undefined {
    return this.map.get(key);
  }
  set(key: string, param: TokenParam): void {
    this.map.set(key, param);
  }
}

export function deploymentKey(settings: DescribeSettings): string {
  return `${settings.endpoint}|${settings.deployment}`;
}

export const TRANSIENT_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED']);
export const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`.replace('.0 s', ' s');
}

/** Wait, unless the signal aborts first (then a `cancelled` error). */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DescribeError('cancelled', 'Cancelled.'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DescribeError('cancelled', 'Cancelled while waiting to retry.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error's code, or its cause's (undici wraps some). */
export function errorCode(e: unknown): string | undefined {
  const any = e as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof any?.code === 'string' ? any.code : typeof any?.cause?.code === 'string' ? any.cause.code : undefined;
  return code;
}

