/**
 * The settings of sites configured in data files, parsed (never run):
 * - DocFX / Microsoft Learn (`docfx.json`, JSON with comments and trailing commas: jsonc-parser): pages in each
 *   `build.content[].src`; `~/` links start at the docfx.json folder; a `/…` link is another Learn docset's.
 * - MkDocs (`mkdocs.yml`): `docs_dir` (default docs/) holds the pages and every file they link, so `/img/a.png` is
 *   `<docs_dir>/img/a.png`; `site_url`'s path is the base. Tags like `!ENV` and `!!python/name:` are tolerated.
 * - Hugo (`hugo.yaml|json`, legacy `config.*`): `contentDir` (content/), `staticDir` (static/), `assetDir` (assets/),
 *   `baseURL`. TOML is not read (no TOML parser in this project): Hugo's defaults are used, and a note says so.
 * - Jekyll (`_config.yml`): `source` (the site's folder) holds pages and files; `baseurl` is the base.
 */
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { parseDocument } from 'yaml';
import { basePathOf, type SiteSettings } from './model';
import { isRecord, SettingsReader } from './settings';
import type { JsValue } from './jsConfig';

/** A parsed data file, or undefined with a note when it does not parse. */
export interface Parsed {
  readonly value: JsValue;
  readonly notes: readonly string[];
}

export function parseJsonWithCommas(text: string, file: string): Parsed {
  const errors: ParseError[] = [];
  const value = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false }) as JsValue;
  const first = errors[0];
  return { value, notes: first ? [`${file} is not valid JSON (${printParseErrorCode(first.error)} at offset ${first.offset}); what could be read is used`] : [] };
}

export function parseYaml(text: string, file: string): Parsed {
  // Custom tags (`!ENV`, `!!python/name:…`) are kept as their plain values; warnings are not printed.
  const doc = parseDocument(text, { logLevel: 'silent', prettyErrors: false, uniqueKeys: false });
  const notes = doc.errors.length ? [`${file} is not valid YAML (${doc.errors[0]?.code ?? 'error'}); what could be read is used`] : [];
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }) as JsValue, notes };
  } catch (e) {
    return { value: undefined, notes: [...notes, `${file} could not be read (${(e as Error).message})`] };
  }
}

export function docfxSettings(config: JsValue, file: string): SiteSettings {
  const r = new SettingsReader(config, file, 'DocFX');
  const content = r.at('build.content');
  const roots = new Set<string>();
  for (const c of Array.isArray(content) ? (content as JsValue[]) : []) {
    if (isRecord(c)) roots.add(typeof c['src'] === 'string' ? c['src'] : '.');
  }
  if (roots.size === 0) {
    r.notes.push(`${file}: no build.content entries could be read; the folder of docfx.json is taken as the pages`);
    roots.add('.');
  }
  return { contentRoots: [...roots], staticDirs: [], basePath: '/', mdIsMdx: false, tildeRoot: '.', absoluteMayBeElsewhere: true, notes: r.notes };
}

export function mkdocsSettings(config: JsValue, file: string): SiteSettings {
  const r = new SettingsReader(config, file, 'MkDocs');
  const docsDir = r.string('docs_dir', 'docs');
  if (r.at('INHERIT') !== undefined) r.notes.push(`${file}: INHERIT is not followed; keys not in this file take MkDocs's defaults`);
  return { contentRoots: [docsDir], staticDirs: [docsDir], basePath: basePathOf(r.string('site_url', '/')), mdIsMdx: false, notes: r.notes };
}

export function hugoSettings(config: JsValue, file: string, format: 'data' | 'toml'): SiteSettings {
  const r = new SettingsReader(config, file, 'Hugo');
  if (format === 'toml') r.notes.push(`${file} is TOML, which is not read: Hugo's defaults are used (content/, static/, assets/, base /)`);
  const contentDir = r.string('contentDir', 'content');
  const staticDirs = r.strings('staticDir', ['static']);
  const assetDir = r.string('assetDir', 'assets');
  // The figure shortcode and the image render hook find global resources in assets/: a `/x.png` may be there too.
  return { contentRoots: [contentDir], staticDirs: [...staticDirs, assetDir], basePath: basePathOf(r.string('baseURL', '/')), mdIsMdx: false, notes: r.notes };
}

export function jekyllSettings(config: JsValue, file: string): SiteSettings {
  const r = new SettingsReader(config, file, 'Jekyll');
  const source = r.string('source', '.');
  return { contentRoots: [source], staticDirs: [source], basePath: basePathOf(r.string('baseurl', '/')), mdIsMdx: false, notes: r.notes };
}
