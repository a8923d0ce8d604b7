/**
 * `alt-text check --verify`: after the rules, ask the model whether each existing alt text describes its image
 * (core/docs/verify.ts). The endpoint and key are checked before anything is sent; what will be sent is said first
 * (images, requests after dedupe and the cache) and `--max-requests N` stops a run that would send more, before it
 * sends anything; answers are cached like generated alt text (--cache), so a rerun sends nothing.
 */
import * as path from 'node:path';
import { verifyAltTexts, verifyCostLine, type DocFile, type Finding, type VerifySummary } from '../../core/docs';
import type { DirectoryCache } from '../../core/docs';
import { isDescribeError } from '../../core/base';
import type { Site } from '../../core/sites';
import { WaitingLine, type Failure } from '../base';
import { RunBackend, type RunBackendOptions } from './backend';

export interface VerifyOptions extends RunBackendOptions {
  readonly docsRoot: string;
  readonly sites: readonly Site[];
  readonly dirCache: DirectoryCache;
  readonly maxLength: number;
  readonly concurrency: number;
  /** Send the heading, caption and surrounding text. */
  readonly context: boolean;
  /** Stop before sending when more requests than this would be sent. */
  readonly maxRequests: number | undefined;
  readonly fail: Failure;
  readonly output: { readonly json: boolean };
}

/** Verify the docs' alt text: the mismatches as findings and what was sent; a number is the exit code of a run that failed. */
export async function verifyDocs(docs: readonly DocFile[], o: VerifyOptions): Promise<{ findings: Finding[]; summary: VerifySummary } | number> {
  const backend = new RunBackend(o);
  const waiting = new WaitingLine(o.io, { json: o.output.json });
  let over: number | undefined;
  try {
    const { settings, client, cache } = await backend.open();
    const onProgress = o.io.stderrIsTty ? (p: { done: number; failed: number; total: number; current: string }) => waiting.show(`verifying alt text: ${p.done + p.failed} of ${p.total} (${path.relative(o.root, p.current) || p.current})`) : undefined;
    const verified = await verifyAltTexts(docs, {
      plan: { root: o.root, docsRoot: o.docsRoot, sites: o.sites, dirCache: o.dirCache, context: o.context },
      run: { settings, client, cache, maxConcurrency: o.concurrency, signal: o.io.signal, onProgress },
      maxLength: o.maxLength,
      hide: (t) => backend.hide(t),
      beforeSend: (preview) => {
        o.say(verifyCostLine(preview, settings.deployment || settings.endpoint));
        if (o.maxRequests !== undefined && preview.requests > o.maxRequests) over = preview.requests;
        return over === undefined;
      },
    });
    if (!verified) return o.fail(2, `--verify would send ${over ?? 0} request(s), more than --max-requests ${o.maxRequests ?? 0}: nothing was sent. Check fewer files, or raise --max-requests.`, 'bad-input');
    return verified;
  } catch (e) {
    waiting.stop();
    if (!isDescribeError(e)) throw e;
    if (e.code === 'cancelled') return o.fail(130, 'cancelled.', e.code);
    return o.fail(e.isInputError ? 2 : 1, `--verify: ${backend.message(e)}`, e.code);
  } finally {
    waiting.stop();
    await backend.close(true);
  }
}
