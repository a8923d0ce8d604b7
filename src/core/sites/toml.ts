/**
 * TOML configuration files (Hugo's hugo.toml / config.toml), parsed with smol-toml (TOML 1.0, maintained, no
 * dependencies, a CommonJS build esbuild bundles; @iarna/toml was not chosen: it implements TOML 0.5 and has not been
 * released since 2020). Loaded with `import()` by detect.ts, so only a run that finds a TOML file reads it.
 */
import { parse, TomlError } from 'smol-toml';
import type { Parsed } from './dataSites';
import type { JsValue } from './jsConfig';

/** Dates become their ISO text: a configuration value is read as a string, a number, a list or a table. */
function plain(value: unknown): JsValue {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value as JsValue;
}

export function parseToml(text: string, file: string, defaults: string): Parsed {
  try {
    return { value: plain(parse(text)), notes: [] };
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    return { value: undefined, notes: [`${file} is not valid TOML (line ${e.line}, column ${e.column}); ${defaults}`] };
  }
}
