/**
 * TOML configuration files (Hugo's hugo.toml / config.toml), parsed with smol-toml (TOML 1.0, maintained, no
 * dependencies, a CommonJS build esbuild bundles; @iarna/toml was not chosen: it implements TOML 0.5 and has not been
 * released since 2020). Loaded with `import()` by detect.ts, so only a run that finds a TOML file reads it.
 */
import { parse, TomlError } from 'smol-toml';
import type { Parsed } from './dataSites';
import type { JsValue } from './jsConfig';

/** Deeper than this, a table is not a configuration anyone wrote (and would overflow the stack when copied). */
const MAX_DEPTH = 200;

class TooDeep extends Error {}

/** Dates become their ISO text: a configuration value is read as a string, a number, a list or a table. */
function plain(value: unknown, depth = 0): JsValue {
  if (depth > MAX_DEPTH) throw new TooDeep();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, depth + 1)]));
  return value as JsValue;
}

export function parseToml(text: string, file: string, defaults: string): Parsed {
  try {
    return { value: plain(parse(text, { maxDepth: MAX_DEPTH })), notes: [] };
  } catch (e) {
    // smol-toml's dotted keys (`[a.a.a…]`) are nested without its depth limit: a stack overflow is the same refusal.
    if (e instanceof TooDeep || e instanceof RangeError) return { value: undefined, notes: [`${file} could not be read (nested too deep); ${defaults}`] };
    if (!(e instanceof TomlError)) throw e;
    return { value: undefined, notes: [`${file} is not valid TOML (line ${e.line}, column ${e.column}); ${defaults}`] };
  }
}
