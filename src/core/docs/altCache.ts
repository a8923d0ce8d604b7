/**
 * The alt-text cache: a key of everything that changes the answer, and a JSON file of key → alt text shared by the
 * CLI (per repository) and the extension (per user), merged under a lock when saved.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isObject, num, str } from '../base';

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
  /** What is asked, when it is not alt text (an ImageAsk's kind, e.g. verifying alt text): a key space of its own. */
  readonly kind?: string | undefined;
}

export function altCacheKey(parts: AltCacheKeyParts): string {
  const ordered = [parts.contentHash, parts.endpoint, parts.model, parts.systemPrompt, parts.userPrompt, parts.detail ?? 'unset', String(parts.resize), String(parts.maxLength), String(parts.maxFrames)];
  // Alt text's keys stay as they were (caches written before keep working); another kind adds its name.
  return createHash('sha256').update(JSON.stringify([...(parts.kind ? [parts.kind] : []), 'alt-text-v2', ...ordered])).digest('hex');
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
    cache.foreignFile = await FileAltCache.isForeign(file);
    return cache;
  }

  /**
   * Whether the file holds something that is not an alt-text cache of any version (a typo: `--cache package.json`):
   * it is never replaced.
   */
  get foreign(): boolean {
    return this.foreignFile;
  }

  private foreignFile = false;

  /** A file that exists, has content, and is not a JSON object with a numeric `version` (every cache written has one). */
  private static async isForeign(file: string): Promise<boolean> {
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined || text.trim() === '') return false;
    try {
      const json: unknown = JSON.parse(text);
      return !(isObject(json) && typeof json['version'] === 'number');
    } catch {
      return true;
    }
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
      if (await FileAltCache.isForeign(this.file)) throw new Error(`${this.file} is not a describe-image alt-text cache; it was left as it is`);
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

/**
 * Where the CLI keeps its alt-text cache unless told (`--cache FILE`): the user's cache folder, not the repository
 * (a run must not leave an untracked file behind). `$XDG_CACHE_HOME/describe-image`, else `~/.cache/describe-image`;
 * `%LOCALAPPDATA%\describe-image\cache` on Windows; `~/Library/Caches/describe-image` on macOS.
 */
export function defaultAltCacheFile(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform, homedir: string): string {
  const name = 'alt-text-cache.json';
  const home = env['HOME'] || homedir;
  if (platform === 'win32') return path.win32.join(env['LOCALAPPDATA'] || path.win32.join(env['USERPROFILE'] || homedir, 'AppData', 'Local'), 'describe-image', 'cache', name);
  if (env['XDG_CACHE_HOME'] && path.isAbsolute(env['XDG_CACHE_HOME'])) return path.join(env['XDG_CACHE_HOME'], 'describe-image', name);
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'describe-image', name);
  return path.join(home, '.cache', 'describe-image', name);
}
