/**
 * `alt-text check --verify`: after the rules, ask the model whether each existing alt text describes its image
 * (core/docs/verify.ts). The endpoint and key are checked before anything is sent; what will be sent is said first
 * (images, requests after dedupe and the cache) and `--max-requests N` stops a run that would send more, before it
 * sends anything; answers are cached like generated alt text (--cache), so a rerun sends nothing.
 */
import * as path from 'node:path';
import { generateAltTexts, planVerify, previewAltRun, runError, verifyAsk, verifyFindings, type AltRunPreview, type DocFile, type Finding, type VerifySummary } from '../../core/docs';
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

/** The sentence said before anything is sent. */
export function verifyCostLine(preview: AltRunPreview, where: string): string {
  const parts = [`${preview.requests} request(s) to send to ${where}`, `${preview.cached} answered from the cache`];
  if (preview.deduplicated) parts.push(`${preview.deduplicated} duplicate(s) sharing a request`);
  if (preview.unreadable) parts.push(`${preview.unreadable} image(s) that can't be read`);
  return `verifying the alt text of ${preview.images} image(s): ${parts.join(', ')}.`;
}

/** Verify the docs' alt text: the mismatches as findings and what was sent; a number is the exit code of a run that failed. */
export async function verifyDocs(docs: readonly DocFile[], o: VerifyOptions): Promise<{ findings: Finding[]; summary: VerifySummary } | number> {
  const plan = await planVerify(docs, { root: o.root, docsRoot: o.docsRoot, sites: o.sites, dirCache: o.dirCache, context: o.context });
  const backend = new RunBackend(o);
  const waiting = new WaitingLine(o.io, { json: o.output.json });
  try {
    const { settings, client, cache } = await backend.open();
    const options = { settings, client, cache, ask: verifyAsk(plan, o.maxLength), maxLength: o.maxLength, maxConcurrency: o.concurrency, signal: o.io.signal };
    const preview = await previewAltRun(plan.jobs, options);
    o.say(verifyCostLine(preview, settings.deployment || settings.endpoint));
    if (o.maxRequests !== undefined && preview.requests > o.maxRequests) {
      return o.fail(2, `--verify would send ${preview.requests} request(s), more than --max-requests ${o.maxRequests}: nothing was sent. Check fewer files, or raise --max-requests.`, 'bad-input');
    }
    const onProgress = o.io.stderrIsTty ? (p: { done: number; failed: number; total: number; current: string }) => waiting.show(`verifying alt text: ${p.done + p.failed} of ${p.total} (${path.relative(o.root, p.current) || p.current})`) : undefined;
    const run = await generateAltTexts(plan.jobs, { ...options, onProgress });
    waiting.stop();
    const stop = runError(run);
    if (stop) throw stop;
    const { findings, notVerified } = verifyFindings(plan, run.results, (t) => backend.hide(t));
    return { findings, summary: { images: plan.jobs.length, sent: run.stats.sent, cached: run.stats.cached, deduplicated: run.stats.deduplicated, notVerified } };
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
