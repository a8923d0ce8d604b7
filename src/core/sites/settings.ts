/**
 * Reading settings out of a parsed configuration (JS/TS evaluated statically, JSON, YAML): each is taken when it has
 * the expected type, else the generator's documented default is used and a note says so (shown once under --verbose).
 */
import * as path from 'node:path';
import { isRecord, isUnknown, valueAt, type JsValue } from './jsConfig';

export class SettingsReader {
  readonly notes: string[] = [];
  constructor(
    readonly config: JsValue,
    /** The configuration file as shown in notes (relative to the site's folder). */
    readonly file: string,
    readonly generator: string,
  ) {}

  /** Say what could not be read and what is used instead. */
  note(key: string, value: JsValue, instead: string): void {
    const why = isUnknown(value) ? `is \`${value.source}\`, which can't be known without running the configuration` : `is not ${key === 'staticDirectories' || key === 'staticDir' ? 'a list of folders' : 'a string'}`;
    this.notes.push(`${this.file}: ${key} ${why}; ${instead}`);
  }

  /** A string setting, or the default (noted when the setting is there but unreadable). */
  string(key: string, fallback: string, defaultWord = `${this.generator}'s default "${fallback}" is used`): string {
    const v = valueAt(this.config, key);
    if (typeof v === 'string') return v;
    if (v !== undefined && v !== null) this.note(key, v, defaultWord);
    return fallback;
  }

  /** A folder or a list of folders (`staticDir: static` or `[static, more]`); unknown entries are dropped and noted. */
  strings(key: string, fallback: readonly string[], defaultWord = `${this.generator}'s default ${fallback.map((f) => `${f}/`).join(', ')} is used`): string[] {
    const v = valueAt(this.config, key);
    if (typeof v === 'string') return [v];
    if (Array.isArray(v)) {
      const known = (v as JsValue[]).filter((e): e is string => typeof e === 'string');
      for (const e of v as JsValue[]) if (typeof e !== 'string') this.note(`${key} entry`, e, 'it is left out');
      if (known.length) return known;
    } else if (v !== undefined && v !== null) this.note(key, v, defaultWord);
    return [...fallback];
  }

  /** The whole value at a key (for shapes the generator's reader walks itself). */
  at(key: string): JsValue {
    return valueAt(this.config, key);
  }
}

/** A path from a configuration, relative to a folder, made relative to the site's folder (forward slashes). */
export function under(folder: string, p: string): string {
  if (path.isAbsolute(p)) return p;
  return path.posix.normalize(`${folder.replace(/\\/g, '/')}/${p.replace(/\\/g, '/')}`);
}

export { isRecord, isUnknown };
