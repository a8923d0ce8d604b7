/**
 * Generating alt text for many images: each distinct image is sent once (identical files share one request, and a
 * cache keyed by image content hash + prompt + deployment makes reruns free), with bounded concurrency that halves on
 * throttling and grows back on success. Text the service cut (`length`) or filtered (`content_filter`), an empty
 * answer, or an error is never returned as alt text: the result says why.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cleanAltText, DEFAULT_ALT_MAX_LENGTH } from './altText';
import type { ChatClient } from './client';
import { describeImages } from './describe';
import { isDescribeError } from './errors';
import { isHttpUrl } from './images';
import type { DescribeSettings } from './settings';

export function altPrompt(maxLength = DEFAULT_ALT_MAX_LENGTH): string {
  return (
    `Write alt text for this image as it appears in technical documentation: one concise sentence of at most ${maxLength} characters ` +
    'saying what it shows and why it matters to the reader. Read important on-screen text exactly. Do not start with "Image of", ' +
    '"Picture of" or "Screenshot of". If the image is purely decorative, answer only: decorative. Answer with the alt text only.'
  );
}

export interface AltCache {
  get(key: string): string | undefined;
  set(key: string, alt: string): void;
}

/** A JSON file of key → alt text, shared by the CLI and the extension. */
export class FileAltCache implements AltCache {
  private entries: Record<string, string> = {};
  private dirty = false;
  constructor(readonly file: string) {}

  static async load(file: string): Promise<FileAltCache> {
    const cache = new FileAltCache(file);
    try {
      const json: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
      if (json && typeof json === 'object' && 'entries' in json && typeof json.entries === 'object' && json.entries) {
        for (const [k, v] of Object.entries(json.entries as Record<string, unknown>)) if (typeof v === 'string') cache.entries[k] = v;
      }
    } catch {
      // no cache yet, or unreadable: start empty
    }
    return cache;
  }

  get(key: string): string | undefined {
    return this.entries[key];
  }
  set(key: string, alt: string): void {
    this.entries[key] = alt;
    this.dirty = true;
  }
  get size(): number {
    return Object.keys(this.entries).length;
  }
  async save(): Promise<void> {
    if (!this.dirty) return;
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify({ version: 1, entries: this.entries }, null, 1));
    await fs.rename(tmp, this.file);
    this.dirty = false;
  }
}

export function altCacheKey(contentId: string, prompt: string, deployment: string): string {
  return createHash('sha256').update(`${contentId}\n${prompt}\n${deployment}`).digest('hex');
}

export interface AltJob {
  /** The caller's id (e.g. file + offset). */
  readonly id: string;
  /** Absolute path or http(s) URL. */
  readonly source: string;
}

export type AltOutcome =
  | { readonly ok: true; readonly alt: string; readonly cached: boolean }
  | { readonly ok: false; readonly reason: string };

export interface AltRunOptions {
  readonly settings: DescribeSettings;
  readonly apiKey: string;
  readonly client: ChatClient;
  readonly cache?: AltCache | undefined;
  readonly maxLength?: number | undefined;
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

/** Generate alt text for every job; identical images are sent once. */
export async function generateAltTexts(jobs: readonly AltJob[], options: AltRunOptions): Promise<{ results: Map<string, AltOutcome>; stats: AltRunStats }> {
  const maxLength = options.maxLength ?? DEFAULT_ALT_MAX_LENGTH;
  const prompt = options.prompt ?? altPrompt(maxLength);
  const settings: DescribeSettings = { ...options.settings, userPrompt: prompt, maxTokens: Math.max(options.settings.maxTokens, 300) };
  const stats: AltRunStats = { sent: 0, cached: 0, deduplicated: 0, throttled: 0, peakConcurrency: 0 };
  // Group jobs by content.
  const groups = new Map<string, AltJob[]>();
  for (const job of jobs) {
    let contentId: string;
    if (isHttpUrl(job.source)) contentId = `url:${job.source}`;
    else {
      try {
        contentId = createHash('sha256').update(await fs.readFile(job.source)).digest('hex');
      } catch {
        contentId = `missing:${job.source}`;
      }
    }
    const list = groups.get(contentId) ?? [];
    if (list.length) stats.deduplicated++;
    list.push(job);
    groups.set(contentId, list);
  }
  const results = new Map<string, AltOutcome>();
  const entries = [...groups.entries()];
  let done = 0;
  let limit = Math.min(4, options.maxConcurrency ?? 8);
  const max = options.maxConcurrency ?? 8;
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
    const key = altCacheKey(contentId, prompt, settings.deployment);
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
    if (contentId.startsWith('missing:')) return finish({ ok: false, reason: `${first.source}: no such file.` });
    await acquire();
    try {
      if (options.signal?.aborted) return finish({ ok: false, reason: 'Cancelled.' });
      stats.sent++;
      const result = await describeImages({
        settings,
        apiKey: options.apiKey,
        sources: [first.source],
        client: options.client,
        signal: options.signal,
        onEvent: (e) => {
          if (e.type === 'waiting' && /429|Too many/i.test(e.reason)) {
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
      if (result.finishReason === 'length') return finish({ ok: false, reason: 'The answer was cut at the output limit; nothing was inserted.' });
      if (result.finishReason === 'content_filter') return finish({ ok: false, reason: 'The answer was filtered by the content filter; nothing was inserted.' });
      const alt = cleanAltText(result.text, maxLength);
      if (!alt) return finish({ ok: false, reason: /decorative/i.test(result.text) ? 'The model judged the image decorative: left for you to decide.' : 'The model gave no usable text.' });
      options.cache?.set(key, alt);
      return finish({ ok: true, alt, cached: false });
    } catch (e) {
      return finish({ ok: false, reason: isDescribeError(e) ? e.message : e instanceof Error ? e.message : String(e) });
    } finally {
      release();
    }
  };
  await Promise.all(entries.map(one));
  return { results, stats };
}

/**
 * Where an image reference in a docs file points: http(s) URLs as they are; site-absolute paths (`/img/a.png`)
 * against the docs root; relative paths against the file's folder. Windows separators are accepted.
 */
export function resolveImageSource(src: string, documentPath: string, docsRoot: string): string | undefined {
  const s = src.trim().replace(/^<|>$/g, '');
  if (!s || s.startsWith('data:')) return undefined;
  if (isHttpUrl(s)) return s;
  if (/^[a-z][a-z0-9+.-]*:/i.test(s) && !/^[a-zA-Z]:[\\/]/.test(s)) return undefined; // other schemes
  const clean = decodeURIComponent(s.split(/[?#]/)[0] ?? '').replace(/\\/g, '/');
  if (/^[a-zA-Z]:\//.test(clean)) return clean;
  if (clean.startsWith('/')) return path.join(docsRoot, clean);
  return path.resolve(path.dirname(documentPath), clean);
}
