/**
 * YAML read as the site readers read it: custom tags (`!ENV`, `!!python/name:…`) kept as their plain values, no
 * warnings printed, aliases bounded. One reader for site configuration (dataSites.ts, which keeps what could be read of
 * a broken file) and front matter (core/docs pages.ts, which wants nothing then).
 */
import { parseDocument } from 'yaml';

export interface YamlRead {
  /** The value read; with errors, what could be read of it. */
  readonly value: unknown;
  /** The first error's code, when the text is not valid YAML. */
  readonly error: string | undefined;
}

/** Read a YAML text; a value that can't be built (too many aliases) throws, as `yaml` does. */
export function readYaml(text: string): YamlRead {
  const doc = parseDocument(text, { logLevel: 'silent', prettyErrors: false, uniqueKeys: false });
  const error = doc.errors.length ? (doc.errors[0]?.code ?? 'error') : undefined;
  return { value: doc.toJS({ maxAliasCount: 100 }), error };
}

/** The value of a YAML text, or undefined when it is not valid YAML. */
export function yamlValue(text: string): unknown {
  try {
    const read = readYaml(text);
    return read.error ? undefined : read.value;
  } catch {
    return undefined;
  }
}
