/**
 * Generating alt text for many images: each distinct image is sent once (identical files share one request), a cache
 * keyed on everything that changes the answer makes reruns free, and concurrency is bounded and halves when the
 * service throttles. One bad image never stops the rest; an answer that means every request will fail (wrong key,
 * forbidden, no such deployment, no quota, unreachable host) stops the whole run at once with that one error; a
 * cancel is reported as cancelled. Text the service cut (`length`) or filtered, an empty answer, or an error is never
 * returned as alt text. The cache itself: altCache.ts.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { errorCode } from '../net';
import { describeImages } from '../describe';
import { DescribeError, isDescribeError, DEFAULT_ALT_CONCURRENCY } from '../base';
import type { DescribeSettings } from '../base';
import { Throttle } from './throttle';
import { contextKey, reuseOf, type AltReuse } from './altContext';
import { altImageInput, altOutcomeOfAnswer, altRequestOf, cachedAltOutcome, type AltJob, type AltOutcome, type AltProgress, type AltRunOptions, type ImageAsk } from './altRequest';

/** "3 of 10 done, 1 failed, 2 cancelled": only finished alt texts count as done. */
export function altProgressText(p: Omit<AltProgress, 'current'>, cancelledWord = 'cancelled'): string {
  return [`${p.done} of ${p.total} done`, ...(p.failed ? [`${p.failed} failed`] : []), ...(p.cancelled ? [`${p.cancelled} ${cancelledWord}`] : [])].join(', ');
}

export interface AltRunStats {
  /** Requests actually sent (after dedupe and cache). */
  sent: number;
  cached: number;
  deduplicated: number;
  throttled: number;
  peakConcurrency: number;
  /** Images used more than once: how many uses, and how many alt texts they got (one per distinct context). */
  reuse: AltReuse[];
}

export interface AltRunResult {
  readonly results: Map<string, AltOutcome>;
  readonly stats: AltRunStats;
  /** The error that stopped the run (every remaining image would have failed the same way). */
  readonly fatal: DescribeError | undefined;
  readonly cancelled: boolean;
}

const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED']);

/** Errors that every other request would meet too: stop at the first. */
export function isFatalForRun(e: DescribeError): boolean {
  switch (e.code) {
    case 'missing-key':
    case 'missing-credential':
    case 'auth':
    case 'forbidden':
    case 'deployment-not-found':
    case 'not-found':
    case 'api-version':
    case 'config':
    case 'insecure-endpoint':
    case 'no-image-support':
      return true;
    case 'rate-limited':
      return e.serviceCode === 'insufficient_quota';
    case 'network':
      return UNREACHABLE.has(errorCode(e.cause) ?? ''); // no such host, connection refused: so for every image
    default:
      return false;
  }
}

/** How a run's jobs share requests: see groupJobs. */
type Grouping = 'content' | 'context' | ImageAsk;

function groupingOf(options: AltRunOptions): Grouping {
  if (options.ask) return options.ask;
  return options.prompt === undefined ? 'context' : 'content';
}

/** Generate alt text for every job; identical images in the same context are sent once. */
export async function generateAltTexts(jobs: readonly AltJob[], options: AltRunOptions): Promise<AltRunResult> {
  const run = new AltRun(jobs.length, options);
  const onOuterAbort = () => run.stop.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) run.stop.abort();
  try {
    const groups = await groupJobs(jobs, run.stats, groupingOf(options));
    await Promise.all([...groups.values()].map(({ contentId, jobs: group }) => run.group(contentId, group)));
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
  return { results: run.results, stats: run.stats, fatal: run.fatal, cancelled: !run.fatal && (options.signal?.aborted ?? false) };
}

/**
 * The jobs grouped by the content of their image (a hash, or the URL; an unreadable file is its own group) and by what
 * is asked about it:
 * - `context`: by their context as the prompt says it (altContext.ts: `contextKey`): the same image in the same
 *   context is asked once and shares the alt text; in different contexts, once per context;
 * - an ask (verify.ts): by its whole prompt (the alt text judged and its context);
 * - `content`: by image only (no context sent, or one prompt for all: Refine).
 * One request per group.
 */
async function groupJobs(jobs: readonly AltJob[], stats: AltRunStats, by: Grouping): Promise<Map<string, { contentId: string; jobs: AltJob[] }>> {
  const groups = new Map<string, { contentId: string; jobs: AltJob[] }>();
  const uses = new Map<string, AltJob[][]>();
  for (const job of jobs) {
    let contentId: string;
    if (job.bytes) contentId = createHash('sha256').update(job.bytes).digest('hex');
    else if (/^https?:\/\//i.test(job.source)) contentId = `url:${job.source}`;
    else {
      try {
        contentId = createHash('sha256').update(await fs.readFile(job.source)).digest('hex');
      } catch {
        contentId = `unreadable:${job.source}`;
      }
    }
    // A use the document gives a purpose (a linked image is functional) is asked for apart from the others.
    const key = by === 'content' ? `${contentId}\n${job.purpose ?? ''}` : by === 'context' ? `${contentId}\n${job.purpose ?? ''}\n${contextKey(job.context)}` : `${contentId}\n${createHash('sha256').update(by.prompt(job)).digest('hex')}`;
    let group = groups.get(key);
    if (group) stats.deduplicated++;
    else {
      groups.set(key, (group = { contentId, jobs: [] }));
      const list = uses.get(contentId);
      if (list) list.push(group.jobs);
      else uses.set(contentId, [group.jobs]);
    }
    group.jobs.push(job);
  }
  stats.reuse = reuseOf(uses.values(), by !== 'content');
  return groups;
}

/** One run: per group of identical images, the cache or one request, and the outcome for every job of the group. */
class AltRun {
  readonly results = new Map<string, AltOutcome>();
  readonly stats: AltRunStats = { sent: 0, cached: 0, deduplicated: 0, throttled: 0, peakConcurrency: 0, reuse: [] };
  /** Aborted by the caller's signal, or by a fatal error. */
  readonly stop = new AbortController();
  fatal: DescribeError | undefined;
  private readonly counts = { done: 0, failed: 0, cancelled: 0 };
  private readonly throttle: Throttle;

  constructor(
    private readonly total: number,
    private readonly options: AltRunOptions,
  ) {
    this.throttle = new Throttle(options.maxConcurrency ?? DEFAULT_ALT_CONCURRENCY, this.stats);
  }

  /** The alt text for a group of jobs with the same image: from the cache, or asked once. */
  async group(contentId: string, group: readonly AltJob[]): Promise<void> {
    const first = group[0];
    if (!first) return;
    const request = this.request(contentId, first);
    const finish = (outcome: AltOutcome) => {
      for (const job of group) this.results.set(job.id, outcome);
      const counts = this.counts;
      if (outcome.ok) counts.done += group.length;
      else if (outcome.status === 'failed') counts.failed += group.length;
      else counts.cancelled += group.length;
      this.options.onProgress?.({ ...counts, total: this.total, current: first.source });
    };
    const hit = this.options.cache?.get(request.key);
    if (hit !== undefined) {
      this.stats.cached++;
      return finish(cachedAltOutcome(this.options, first, hit));
    }
    if (contentId.startsWith('unreadable:')) return finish({ ok: false, reason: `${first.source} can't be read.`, status: 'failed' });
    await this.throttle.acquire();
    try {
      if (this.stop.signal.aborted) return finish(this.stopped());
      return finish(await this.send(first, request));
    } catch (e) {
      return finish(this.failed(e));
    } finally {
      this.throttle.release();
    }
  }

  /** The settings and prompt for an image, and the cache key of everything that changes the answer. */
  request(contentId: string, first: AltJob): { readonly settings: DescribeSettings; readonly key: string } {
    return altRequestOf(this.options, contentId, first);
  }

  /** Ask the model; an answer that was cut, filtered or empty is no alt text. */
  private async send(first: AltJob, { settings, key }: { readonly settings: DescribeSettings; readonly key: string }): Promise<AltOutcome> {
    this.stats.sent++;
    const result = await describeImages({
      ...altImageInput(this.options, first, settings),
      client: this.options.client,
      signal: this.stop.signal,
      onEvent: (e) => {
        if (e.type === 'waiting' && e.status === 429) this.throttle.throttled();
      },
    });
    this.throttle.answered();
    const redact = this.options.client.redact?.bind(this.options.client);
    return altOutcomeOfAnswer(this.options, first, key, result.text, result.finishReason, redact);
  }

  /** A request that failed: the first error every other request would meet too stops the run. */
  private failed(e: unknown): AltOutcome {
    if (isDescribeError(e) && isFatalForRun(e) && !this.fatal) {
      this.fatal = e;
      this.stop.abort();
      return { ok: false, reason: e.message, status: 'failed' };
    }
    if (this.stop.signal.aborted) return this.stopped();
    return { ok: false, reason: isDescribeError(e) ? e.message : e instanceof Error ? e.message : String(e), status: 'failed' };
  }

  private stopped(): AltOutcome {
    return this.fatal ? { ok: false, reason: `Not sent: the run stopped (${this.fatal.message})`, status: 'stopped' } : { ok: false, reason: 'Cancelled.', status: 'cancelled' };
  }
}

/** What a run would send, before anything is: per group of identical requests, one request or a cache hit. */
export interface AltRunPreview {
  /** Jobs (images) in the run. */
  readonly images: number;
  /** Requests that would be sent (after dedupe and the cache). */
  readonly requests: number;
  /** Requests answered from the cache. */
  readonly cached: number;
  /** Jobs that share another job's request. */
  readonly deduplicated: number;
  /** Images that can't be read (never sent). */
  readonly unreadable: number;
}

/** One request of a run, before anything is sent: its jobs (same image, same ask), its settings and key, a cache hit. */
export interface AltGroup {
  /** The image's content hash, its URL, or `unreadable:…`. */
  readonly contentId: string;
  readonly jobs: readonly AltJob[];
  readonly settings: DescribeSettings;
  readonly key: string;
  /** The cached answer, when there is one. */
  readonly hit: string | undefined;
  readonly unreadable: boolean;
}

/** The requests generateAltTexts would make for these jobs, grouped and keyed the same way (the batch sends these). */
export async function planAltGroups(jobs: readonly AltJob[], options: AltRunOptions): Promise<{ groups: AltGroup[]; deduplicated: number }> {
  const stats: AltRunStats = { sent: 0, cached: 0, deduplicated: 0, throttled: 0, peakConcurrency: 0, reuse: [] };
  const groups: AltGroup[] = [];
  for (const { contentId, jobs: group } of (await groupJobs(jobs, stats, groupingOf(options))).values()) {
    const first = group[0];
    if (!first) continue;
    const { settings, key } = altRequestOf(options, contentId, first);
    groups.push({ contentId, jobs: group, settings, key, hit: options.cache?.get(key), unreadable: contentId.startsWith('unreadable:') });
  }
  return { groups, deduplicated: stats.deduplicated };
}

/** Count what generateAltTexts would send for these jobs and options, the same way it groups and keys them. */
export async function previewAltRun(jobs: readonly AltJob[], options: AltRunOptions): Promise<AltRunPreview> {
  const { groups, deduplicated } = await planAltGroups(jobs, options);
  const cached = groups.filter((g) => g.hit !== undefined).length;
  const unreadable = groups.filter((g) => g.hit === undefined && g.unreadable).length;
  return { images: jobs.length, requests: groups.length - cached - unreadable, cached, deduplicated, unreadable };
}

/** What a preview counts besides its requests, as said before sending: answered from the cache, shared, unreadable. */
export function previewCounts(preview: AltRunPreview): string[] {
  const parts = [`${preview.cached} answered from the cache`];
  if (preview.deduplicated) parts.push(`${preview.deduplicated} duplicate(s) sharing a request`);
  if (preview.unreadable) parts.push(`${preview.unreadable} image(s) that can't be read`);
  return parts;
}

/** Raise a run's fatal error or cancel as what the caller reports. */
export function runError(run: AltRunResult): DescribeError | undefined {
  if (run.fatal) return run.fatal;
  if (run.cancelled) return new DescribeError('cancelled', 'Cancelled.');
  return undefined;
}
