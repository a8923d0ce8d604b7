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
import { Throttle } from './throttle';
import { contextKey, contextLines, reuseOf, type AltContext, type AltReuse } from './altContext';
import { answerForCache, finalPurpose, parseAltAnswer, withPurpose, type AltAnswer, type AltPurpose, type DocPurpose } from './purpose';

/**
 * The alt-text request. With context (the heading, the introducing sentence, the caption, the title and the text
 * around the image: altContext.ts), the model is asked to use it to understand the image's role, not to copy it.
 */
export function altPrompt(maxLength = DEFAULT_ALT_MAX_LENGTH, context?: AltContext): string {
  const lines = [
    `Write alt text for this image as it appears in technical documentation: one concise sentence of at most ${maxLength} characters ` +
      'saying what it shows and why it matters to the reader. Read important on-screen text exactly. Do not start with "Image of", ' +
      '"Picture of" or "Screenshot of". If the image is purely decorative, answer only: decorative. Answer with the alt text only.',
  ];
  const about = contextLines(context);
  if (about.length) lines.push('', ...about);
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

/** `alt`: the alt text, or with an `ask`, the value its `read` made of the answer. */
export type AltOutcome =
  | { readonly ok: true; readonly alt: string; readonly cached: boolean; readonly purpose?: AltPurpose | undefined; readonly longDescription?: string | undefined }
  | { readonly ok: false; readonly reason: string; readonly status: 'failed' | 'cancelled' | 'stopped' };

/**
 * A run that asks something else about each image than its alt text (verify.ts: does this alt text fit?). Jobs share
 * a request only when both their image and their prompt are the same; `kind` keeps its cache keys apart from alt
 * text's; `read` turns an answer into the value that is cached and returned, or says why it is not usable.
 */
export interface ImageAsk {
  readonly kind: string;
  /** What to do with an animation's frames (default: alt text's ANIMATION_ALT_ASK). */
  readonly animationAsk?: string | undefined;
  prompt(job: AltJob): string;
  read(answer: string): { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string };
}

export interface AltRunOptions {
  readonly settings: DescribeSettings;
  /** Ask something else than alt text (default: alt text, with `prompt` or altPrompt). */
  readonly ask?: ImageAsk | undefined;
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

const HELD_SECRET: AltOutcome = { ok: false, reason: 'The answer held the credential that was sent (a page may have told the model to print it); it was not used.', status: 'failed' };

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
      return finish(this.options.ask ? { ok: true, alt: hit, cached: true } : this.outcomeOf(first, parseAltAnswer(hit, this.maxLength), true));
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
    const { options, maxLength, resize } = this;
    const prompt = options.ask ? options.ask.prompt(first) : (options.prompt ?? withPurpose(altPrompt(maxLength, first.context), maxLength, first.purpose));
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
      kind: options.ask?.kind,
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
      animationAsk: this.options.ask?.animationAsk ?? ANIMATION_ALT_ASK,
      onEvent: (e) => {
        if (e.type === 'waiting' && e.status === 429) this.throttle.throttled();
      },
    });
    this.throttle.answered();
    if (result.finishReason === 'length') return { ok: false, reason: 'The answer was cut at the output limit; nothing was inserted.', status: 'failed' };
    if (result.finishReason === 'content_filter') return { ok: false, reason: 'The answer was filtered by the content filter; nothing was inserted.', status: 'failed' };
    // An answer that holds a secret the client sent (a hostile server or proxy echoing the key) is never written:
    // looked for in the text and in what is read from it (JSON escapes and cleaning can hide it from the text).
    if (this.holdsSecret(result.text)) return HELD_SECRET;
    if (this.options.ask) {
      const read = this.options.ask.read(result.text);
      if (!read.ok) return { ok: false, reason: read.reason, status: 'failed' };
      if (this.holdsSecret(read.value)) return HELD_SECRET;
      this.options.cache?.set(key, read.value);
      return { ok: true, alt: read.value, cached: false };
    }
    const answer = parseAltAnswer(result.text, this.maxLength);
    if (this.holdsSecret(`${answer.alt}\n${answer.longDescription ?? ''}`)) return HELD_SECRET;
    const outcome = this.outcomeOf(first, answer, false);
    // Kept: an alt text, or (purpose-aware) the judgement "decorative", so a rerun asks nothing.
    if (this.options.prompt === undefined && (outcome.ok || answer.purpose === 'decorative')) this.options.cache?.set(key, answerForCache(answer));
    else if (outcome.ok) this.options.cache?.set(key, outcome.alt);
    return outcome;
  }

  private holdsSecret(text: string): boolean {
    const client = this.options.client;
    return !!client.redact && client.redact(text) !== text;
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

/** Count what generateAltTexts would send for these jobs and options, the same way it groups and keys them. */
export async function previewAltRun(jobs: readonly AltJob[], options: AltRunOptions): Promise<AltRunPreview> {
  const run = new AltRun(jobs.length, options);
  const groups = await groupJobs(jobs, run.stats, groupingOf(options));
  let requests = 0;
  let cached = 0;
  let unreadable = 0;
  for (const { contentId, jobs: group } of groups.values()) {
    const first = group[0];
    if (!first) continue;
    if (options.cache?.get(run.request(contentId, first).key) !== undefined) cached++;
    else if (contentId.startsWith('unreadable:')) unreadable++;
    else requests++;
  }
  return { images: jobs.length, requests, cached, deduplicated: run.stats.deduplicated, unreadable };
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
