/** YAML read as the site readers read it (custom tags tolerated, no logging), for front matter too (core/docs pages.ts). */
import { parseDocument } from 'yaml';

/** The value of a YAML text, or undefined when it does not parse. */
export function yamlValue(text: string): unknown {
  const doc = parseDocument(text, { logLevel: 'silent', prettyErrors: false, uniqueKeys: false });
  return doc.errors.length ? undefined : doc.toJS({ maxAliasCount: 100 });
}
