/**
 * Generating alt text for many images: each distinct image is sent once (identical files share one request), a cache
 * keyed on everything that changes the answer makes reruns free, and concurrency is bounded and halves when the
 * service throttles. One bad image never stops the rest; an answer that means every request will fail (wrong key,
 * forbidden, no such deployment, no quota, unreachable host) stops the whole run at once with that one error; a
 * cancel is reported as cancelled. Text the service cut (`length`) or filtered, an empty answer, or an error is never
 * returned as alt text.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ChatBackend } from '../net';
import { clampFrames, describeImages } from '../describe';
import { DescribeError, isDescribeError, DEFAULT_ALT_MAX_LENGTH } from '../base';
import { isObject, num, str } from '../base';
import type { DescribeSettings } from '../base';
import { cleanAltText } from './rules';

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

// ---- cache ------------------------------------------------------------------------------------------------------

export interface AltCache {
  get(key: string): string | undefined;
  set(key: string, alt: string): void;
}

/** Everything that changes the answer goes into the key. */
export interface AltCacheKeyParts {
  readonly contentHash: string;
  readonly endpoint: string;
  /** Deployment or model name. */
  readonly model: string;
  readonly systemPrompt: string;
  readonly userPrompt: string;
  readonly detail: string | undefined;
  readonly resize: boolean;
  readonly maxLength: number;
  /** Frames sent of an animated image. */
  readonly maxFrames: number;
}

export function altCacheKey(parts: AltCacheKeyParts): string {
  const ordered = [parts.contentHash, parts.endpoint, parts.model, parts.systemPrompt, parts.userPrompt, parts.detail ?? 'unset', String(parts.resize), String(parts.maxLength), String(parts.maxFrames)];
  return createHash('sha256').update(JSON.stringify(['alt-text-v2', ...ordered])).digest('hex');
}

export const DEFAULT_CACHE_ENTRIES = 20_000;

/**
 * A JSON file of key → alt text shared by the CLI (per repository) and the extension (per user). Saving re-reads the
 * file and merges (so two runs at once lose nothing), keeps the newest `maxEntries`, and writes a temporary file that
 * is renamed over the old one (a reader never sees half a file).
 */
export class FileAltCache implements AltCache {
  private entries = new Map<string, { alt: string; t: number }>();
  private readonly added = new Map<string, { alt: string; t: number }>();

  private constructor(
    readonly file: string,
    private readonly maxEntries: number,
  ) {}

  static async load(file: string, maxEntries = DEFAULT_CACHE_ENTRIES): Promise<FileAltCache> {
    const cache = new FileAltCache(file, maxEntries);
    cache.entries = await FileAltCache.read(file);
    return cache;
  }

  private static async read(file: string): Promise<Map<string, { alt: string; t: number }>> {
    const map = new Map<string, { alt: string; t: number }>();
    try {
      const json: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
      if (isObject(json) && json['version'] === 2 && isObject(json['entries'])) {
        for (const [k, v] of Object.entries(json['entries'])) {
          const alt = isObject(v) ? str(v['alt']) : undefined;
          if (alt !== undefined) map.set(k, { alt, t: (isObject(v) ? num(v['t']) : undefined) ?? 0 });
        }
      }
    } catch {
      // no cache yet, unreadable, or an older format: start empty
    }
    return map;
  }

  get(key: string): string | undefined {
    return (this.added.get(key) ?? this.entries.get(key))?.alt;
  }

  set(key: string, alt: string): void {
    this.added.set(key, { alt, t: Date.now() });
  }

  get size(): number {
    return new Set([...this.entries.keys(), ...this.added.keys()]).size;
  }

  async save(): Promise<void> {
    if (this.added.size === 0) return;
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await withLock(`${this.file}.lock`, async () => {
      const merged = await FileAltCache.read(this.file);
      for (const [k, v] of this.added) merged.set(k, v);
      const kept = [...merged.entries()].sort((a, b) => b[1].t - a[1].t).slice(0, this.maxEntries);
      const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await fs.writeFile(tmp, JSON.stringify({ version: 2, entries: Object.fromEntries(kept) }));
        await fs.rename(tmp, this.file);
      } catch (e) {
        await fs.rm(tmp, { force: true }).catch(() => undefined);
        throw e;
      }
      this.entries = new Map(kept);
    });
    this.added.clear();
  }
}

/**
 * Run `work` holding a lock file (created exclusively), so two processes saving the same cache merge instead of
 * overwriting each other. A lock older than 30 s is taken to be left by a process that died.
 */
async function withLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      await (await fs.open(lock, 'wx')).close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = await fs.stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > 30_000) await fs.rm(lock, { force: true });
      else if (attempt > 500) throw new Error(`the cache is locked by another run (${lock})`);
      else await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
    }
  }
  try {
    return await work();
  } finally {
    await fs.rm(lock, { force: true });
  }
}

// ---- the run ------------------------------------------------------------------------------------------------------

export interface AltJob {
  /** The caller's id (e.g. file + offset). */
  readonly id: string;
  /** Absolute path or http(s) URL (already resolved and checked by the caller). */
  readonly source: string;
  readonly context?: AltContext | undefined;
}

export type AltOutcome =
  | { readonly ok: true; readonly alt: string; readonly cached: boolean }
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
  readonly onProgress?: ((done: number, total: number, current: string) => void) | undefined;
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

function causeCode(e: DescribeError): string | undefined {
  const c = e.cause as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = c?.code ?? c?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

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
      return UNREACHABLE.has(causeCode(e) ?? ''); // no such host, connection refused: so for every image
    default:
      return false;
  }
}

/** Generate alt text for every job; identical images are sent once. */
export async function generateAltTexts(jobs: readonly AltJob[], options: AltRunOptions): Promise<AltRunResult> {
  const maxLength = options.maxLength ?? DEFAULT_ALT_MAX_LENGTH;
  const resize = options.resize !== false;
  const stats: AltRunStats = { sent: 0, cached: 0, deduplicated: 0, throttled: 0, peakConcurrency: 0 };
  const results = new Map<string, AltOutcome>();
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) stop.abort();
  let fatal: DescribeError | undefined;

  // Group jobs by content: an unreadable file is its own group (and fails on its own).
  const groups = new Map<string, AltJob[]>();
  for (const job of jobs) {
    let contentId: string;
    if (/^https?:\/\//i.test(job.source)) contentId = `url:${job.source}`;
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

  let done = 0;
  const max = options.maxConcurrency ?? 8;
  let limit = Math.min(4, max);
  let running = 0;
  let successesSinceChange = 0;
  const waiters: (() => void)[] = [];
  const acquire = async () => {
    while (running >= limit) await new Promise<void>((r) => waiters.push(r));
    running++;
    stats.peakConcurrency = Math.max(stats.peakConcurrency, running);
  };
  const release = () => {
    running--;
    while (waiters.length && running < limit) waiters.shift()?.();
  };

  const one = async ([contentId, group]: [string, AltJob[]]): Promise<void> => {
    const first = group[0];
    if (!first) return;
    const prompt = options.prompt ?? altPrompt(maxLength, first.context);
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
    const finish = (outcome: AltOutcome) => {
      for (const job of group) results.set(job.id, outcome);
      done += group.length;
      options.onProgress?.(done, jobs.length, first.source);
    };
    const hit = options.cache?.get(key);
    if (hit !== undefined) {
      stats.cached++;
      return finish({ ok: true, alt: hit, cached: true });
    }
    if (contentId.startsWith('unreadable:')) return finish({ ok: false, reason: `${first.source} can't be read.`, status: 'failed' });
    await acquire();
    try {
      if (stop.signal.aborted) return finish(stoppedOutcome());
      stats.sent++;
      const result = await describeImages({
        settings,
        sources: [first.source],
        client: options.client,
        signal: stop.signal,
        resize,
        maxFrames: options.maxFrames,
        animationAsk: ANIMATION_ALT_ASK,
        onEvent: (e) => {
          if (e.type === 'waiting' && e.status === 429) {
            stats.throttled++;
            limit = Math.max(1, Math.floor(limit / 2));
            successesSinceChange = 0;
          }
        },
      });
      if (++successesSinceChange >= limit && limit < max) {
        limit++;
        successesSinceChange = 0;
        while (waiters.length && running < limit) waiters.shift()?.();
      }
      if (result.finishReason === 'length') return finish({ ok: false, reason: 'The answer was cut at the output limit; nothing was inserted.', status: 'failed' });
      if (result.finishReason === 'content_filter') return finish({ ok: false, reason: 'The answer was filtered by the content filter; nothing was inserted.', status: 'failed' });
      const alt = cleanAltText(result.text, maxLength);
      if (!alt) return finish({ ok: false, reason: /^\W*decorative\W*$/i.test(result.text.trim()) ? 'The model judged the image decorative: left for you to decide.' : 'The model gave no usable text.', status: 'failed' });
      options.cache?.set(key, alt);
      return finish({ ok: true, alt, cached: false });
    } catch (e) {
      if (isDescribeError(e) && isFatalForRun(e) && !fatal) {
        fatal = e;
        stop.abort();
        return finish({ ok: false, reason: e.message, status: 'failed' });
      }
      if (stop.signal.aborted) return finish(stoppedOutcome());
      return finish({ ok: false, reason: isDescribeError(e) ? e.message : e instanceof Error ? e.message : String(e), status: 'failed' });
    } finally {
      release();
    }
  };
  const stoppedOutcome = (): AltOutcome =>
    fatal ? { ok: false, reason: `Not sent: the run stopped (${fatal.message})`, status: 'stopped' } : { ok: false, reason: 'Cancelled.', status: 'cancelled' };
  try {
    await Promise.all([...groups.entries()].map(one));
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
  return { results, stats, fatal, cancelled: !fatal && (options.signal?.aborted ?? false) };
}

/** Raise a run's fatal error or cancel as what the caller reports. */
export function runError(run: AltRunResult): DescribeError | undefined {
  if (run.fatal) return run.fatal;
  if (run.cancelled) return new DescribeError('cancelled', 'Cancelled.');
  return undefined;
}
