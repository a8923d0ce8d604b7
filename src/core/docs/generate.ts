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
import { errorCode, type ChatBackend } from '../net';
import { clampFrames, describeImages } from '../describe';
import { DescribeError, isDescribeError, DEFAULT_ALT_CONCURRENCY, DEFAULT_ALT_MAX_LENGTH } from '../base';
import type { DescribeSettings } from '../base';
import { altCacheKey, type AltCache } from './altCache';
import { answerForCache, finalPurpose, parseAltAnswer, withPurpose, type AltAnswer, type AltPurpose, type DocPurpose } from './purpose';

export interface AltContext {
  readonly heading?: string | undefined;
  readonly text?: string | undefined;
}

/**
 * The alt-text request. With context (the nearest heading and the text around the image), the model is asked to
 * complement the text rather than repeat it.
 */
export function altPrompt(maxLength = DEFAULT_ALT_MAX_LENGTH, context?: AltContext): string {
  const lines = [
    `Write alt text for this image as it appears in technical documentation: one concise sentence of at most ${maxLength} characters ` +
      'saying what it shows and why it matters to the reader. Read important on-screen text exactly. Do not start with "Image of", ' +
      '"Picture of" or "Screenshot of". If the image is purely decorative, answer only: decorative. Answer with the alt text only.',
  ];
  if (context?.heading || context?.text) {
    lines.push('');
    if (context.heading) lines.push(`The image is in the section "${context.heading}".`);
    if (context.text) lines.push(`The text next to it says: "${context.text}"`);
    lines.push('Complement that text: say what the image adds, and do not repeat what the text already says.');
  }
  return lines.join('\n');
}

/** For an animation's frames: the alt text says what happens, not what the first frame shows. */
export const ANIMATION_ALT_ASK = 'The alt text is for this animation: say in one sentence what happens in it.';

// ---- the run ------------------------------------------------------------------------------------------------------

export interface AltJob {
  /** The caller's id (e.g. file + offset). */
  readonly id: string;
  /** Absolute path or http(s) URL (already resolved and checked by the caller); with `bytes`, the image's name. */
  readonly source: string;
  /** The image itself, when it is not (yet) a file: a pasted screenshot. */
  readonly bytes?: Uint8Array | undefined;
  readonly context?: AltContext | undefined;
  /** What the document says of the image's purpose (purpose.ts); undefined: the model decides. */
  readonly purpose?: DocPurpose | undefined;
}

export type AltOutcome =
  | { readonly ok: true; readonly alt: string; readonly cached: boolean; readonly purpose?: AltPurpose | undefined; readonly longDescription?: string | undefined }
  | { readonly ok: false; readonly reason: string; readonly status: 'failed' | 'cancelled' | 'stopped' };

export interface AltRunOptions {
  readonly settings: DescribeSettings;
  /** The client (it holds the credential), or another backend. */
  readonly client: ChatBackend;
  readonly cache?: AltCache | undefined;
  readonly maxLength?: number | undefined;
  /** Resize images to what the service uses (default true). */
  readonly resize?: boolean | undefined;
  /** Animated images: the most frames sent (default 6). */
  readonly maxFrames?: number | undefined;
  /** Prompt override (e.g. Refine: an instruction plus the current alt). */
  readonly prompt?: string | undefined;
  readonly maxConcurrency?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** After each image: how many are finished, and how (failed and cancelled work is never counted as done). */
  readonly onProgress?: ((progress: AltProgress) => void) | undefined;
}

/** "3 of 10 done, 1 failed, 2 cancelled": only finished alt texts count as done. */
export function altProgressText(p: Omit<AltProgress, 'current'>, cancelledWord = 'cancelled'): string {
  return [`${p.done} of ${p.total} done`, ...(p.failed ? [`${p.failed} failed`] : []), ...(p.cancelled ? [`${p.cancelled} ${cancelledWord}`] : [])].join(', ');
}

/** How far a run is: each job finished once, as done (an alt text), failed, or cancelled (not sent, or stopped). */
export interface AltProgress {
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  /** Cancelled by the user, or not sent because an error stopped the run. */
  readonly cancelled: number;
  /** The image that just finished. */
  readonly current: string;
}

export interface AltRunStats {
  /** Requests actually sent (after dedupe and cache). */
  sent: number;
  cached: number;
  deduplicated: number;
  throttled: number;
  peakConcurrency: number;
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

/** Generate alt text for every job; identical images are sent once. */
export async function generateAltTexts(jobs: readonly AltJob[], options: AltRunOptions): Promise<AltRunResult> {
  const run = new AltRun(jobs.length, options);
  const onOuterAbort = () => run.stop.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) run.stop.abort();
  try {
    const groups = byPurpose(await groupByContent(jobs, run.stats), run.stats);
    await Promise.all(groups.map(([contentId, group]) => run.group(contentId, group)));
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
  return { results: run.results, stats: run.stats, fatal: run.fatal, cancelled: !run.fatal && (options.signal?.aborted ?? false) };
}

/** Groups of one image split by the purpose the document gives each use (a linked use is asked for as functional). */
function byPurpose(groups: Map<string, AltJob[]>, stats: AltRunStats): [string, AltJob[]][] {
  const out: [string, AltJob[]][] = [];
  for (const [contentId, group] of groups) {
    const parts = new Map<string, AltJob[]>();
    for (const job of group) {
      const part = parts.get(job.purpose ?? '');
      if (part) part.push(job);
      else parts.set(job.purpose ?? '', [job]);
    }
    stats.deduplicated -= parts.size - 1; // each part is its own request
    for (const part of parts.values()) out.push([contentId, part]);
  }
  return out;
}

/** The jobs grouped by the content of their image (a hash, or the URL); an unreadable file is its own group. */
async function groupByContent(jobs: readonly AltJob[], stats: AltRunStats): Promise<Map<string, AltJob[]>> {
  const groups = new Map<string, AltJob[]>();
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
    const list = groups.get(contentId) ?? [];
    if (list.length) stats.deduplicated++;
    list.push(job);
    groups.set(contentId, list);
  }
  return groups;
}

/**
 * At most `limit` requests at once: it starts at 4 (or less), halves when the service throttles (429) and grows by
 * one after as many answers as the limit, up to `max`.
 */
class Throttle {
  private limit: number;
  private running = 0;
  private successesSinceChange = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly max: number,
    private readonly stats: AltRunStats,
  ) {
    this.limit = Math.min(4, max);
  }

  async acquire(): Promise<void> {
    while (this.running >= this.limit) await new Promise<void>((r) => this.waiters.push(r));
    this.running++;
    this.stats.peakConcurrency = Math.max(this.stats.peakConcurrency, this.running);
  }

  release(): void {
    this.running--;
    this.wake();
  }

  throttled(): void {
    this.stats.throttled++;
    this.limit = Math.max(1, Math.floor(this.limit / 2));
    this.successesSinceChange = 0;
  }

  answered(): void {
    if (++this.successesSinceChange >= this.limit && this.limit < this.max) {
      this.limit++;
      this.successesSinceChange = 0;
      this.wake();
    }
  }

  private wake(): void {
    while (this.waiters.length && this.running < this.limit) this.waiters.shift()?.();
  }
}

/** One run: per group of identical images, the cache or one request, and the outcome for every job of the group. */
class AltRun {
  readonly results = new Map<string, AltOutcome>();
  readonly stats: AltRunStats = { sent: 0, cached: 0, deduplicated: 0, throttled: 0, peakConcurrency: 0 };
  /** Aborted by the caller's signal, or by a fatal error. */
  readonly stop = new AbortController();
  fatal: DescribeError | undefined;
  private readonly counts = { done: 0, failed: 0, cancelled: 0 };
  private readonly maxLength: number;
  private readonly resize: boolean;
  private readonly throttle: Throttle;

  constructor(
    private readonly total: number,
    private readonly options: AltRunOptions,
  ) {
    this.maxLength = options.maxLength ?? DEFAULT_ALT_MAX_LENGTH;
    this.resize = options.resize !== false;
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
      return finish(this.outcomeOf(first, parseAltAnswer(hit, this.maxLength), true));
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
  private request(contentId: string, first: AltJob): { readonly settings: DescribeSettings; readonly key: string } {
    const { options, maxLength, resize } = this;
    const prompt = options.prompt ?? withPurpose(altPrompt(maxLength, first.context), maxLength, first.purpose);
    const settings: DescribeSettings = { ...options.settings, userPrompt: prompt, maxTokens: Math.max(options.settings.maxTokens, 300) };
    const key = altCacheKey({
      contentHash: contentId,
      endpoint: settings.endpoint,
      model: settings.deployment,
      systemPrompt: settings.systemPrompt,
      userPrompt: prompt,
      detail: settings.detail,
      resize,
      maxLength,
      maxFrames: clampFrames(options.maxFrames),
    });
    return { settings, key };
  }

  /** Ask the model; an answer that was cut, filtered or empty is no alt text. */
  private async send(first: AltJob, { settings, key }: { readonly settings: DescribeSettings; readonly key: string }): Promise<AltOutcome> {
    this.stats.sent++;
    const result = await describeImages({
      settings,
      sources: [first.bytes ? { name: first.source, bytes: first.bytes } : first.source],
      client: this.options.client,
      signal: this.stop.signal,
      resize: this.resize,
      maxFrames: this.options.maxFrames,
      animationAsk: ANIMATION_ALT_ASK,
      onEvent: (e) => {
        if (e.type === 'waiting' && e.status === 429) this.throttle.throttled();
      },
    });
    this.throttle.answered();
    if (result.finishReason === 'length') return { ok: false, reason: 'The answer was cut at the output limit; nothing was inserted.', status: 'failed' };
    if (result.finishReason === 'content_filter') return { ok: false, reason: 'The answer was filtered by the content filter; nothing was inserted.', status: 'failed' };
    // An answer that holds a secret the client sent (a hostile server or proxy echoing the key) is never written.
    if (this.options.client.redact && this.options.client.redact(result.text) !== result.text) return { ok: false, reason: 'The answer held the credential that was sent; nothing was inserted.', status: 'failed' };
    const answer = parseAltAnswer(result.text, this.maxLength);
    const outcome = this.outcomeOf(first, answer, false);
    // Kept: an alt text, or (purpose-aware) the judgement "decorative", so a rerun asks nothing.
    if (this.options.prompt === undefined && (outcome.ok || answer.purpose === 'decorative')) this.options.cache?.set(key, answerForCache(answer));
    else if (outcome.ok) this.options.cache?.set(key, outcome.alt);
    return outcome;
  }

  /** An answer (or a cached one) read: the alt text, the purpose and a long description; decorative or empty is none. */
  private outcomeOf(first: AltJob, answer: AltAnswer, cached: boolean): AltOutcome {
    if (answer.purpose === 'decorative') return { ok: false, reason: 'The model judged the image decorative: left for you to decide (mark it decorative if it is).', status: 'failed' };
    if (!answer.alt) return { ok: false, reason: 'The model gave no usable text.', status: 'failed' };
    if (this.options.prompt !== undefined) return { ok: true, alt: answer.alt, cached };
    return { ok: true, alt: answer.alt, cached, purpose: finalPurpose(first.purpose, answer), longDescription: answer.longDescription };
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

/** Raise a run's fatal error or cancel as what the caller reports. */
export function runError(run: AltRunResult): DescribeError | undefined {
  if (run.fatal) return run.fatal;
  if (run.cancelled) return new DescribeError('cancelled', 'Cancelled.');
  return undefined;
}
