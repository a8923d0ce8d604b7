/**
 * The settings of sites configured in data files, parsed (never run):
 * - DocFX / Microsoft Learn (`docfx.json`, JSON with comments and trailing commas: jsonc-parser): pages in each
 *   `build.content[].src`; `~/` links start at the docfx.json folder; a `/…` link is another Learn docset's.
 * - MkDocs (`mkdocs.yml`): `docs_dir` (default docs/) holds the pages and every file they link, so `/img/a.png` is
 *   `<docs_dir>/img/a.png`; `site_url`'s path is the base. Tags like `!ENV` and `!!python/name:` are tolerated.
 * - Hugo (`hugo.toml|yaml|json`, legacy `config.*`): `contentDir` (content/, and each language's), `staticDir`
 *   (static/), `assetDir` (assets/), `[[module.mounts]]` of those, `baseURL`. TOML is read by toml.ts.
 * - Jekyll (`_config.yml`): `source` (the site's folder) holds pages and files; `baseurl` is the base.
 */
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { readYaml } from './yaml';
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
  try {
    const { value, error } = readYaml(text);
    return { value: value as JsValue, notes: error ? [`${file} is not valid YAML (${error}); what could be read is used`] : [] };
  } catch (e) {
    return { value: undefined, notes: [`${file} could not be read (${(e as Error).message})`] };
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

/** Hugo's `[[module.mounts]]` (source folder → target component, gohugo.io/configuration/module/#mounts). */
interface Mount {
  readonly source: string;
  readonly target: string;
}

function mountsOf(r: SettingsReader): Mount[] {
  const list = r.at('module.mounts');
  const out: Mount[] = [];
  for (const m of Array.isArray(list) ? (list as JsValue[]) : []) {
    if (isRecord(m) && typeof m['source'] === 'string' && typeof m['target'] === 'string') out.push({ source: m['source'], target: m['target'].replace(/^\/+|\/+$/g, '') });
  }
  return out;
}

/**
 * The folders of one Hugo component: its mounts when there are any ("When you add a mount, the default mount for the
 * concerned target root is ignored"), else the legacy setting. A mount into a subfolder (`static/icons`) can't be
 * followed by a folder list: noted. Content mounted into a subfolder still holds pages.
 */
function hugoComponent(r: SettingsReader, mounts: readonly Mount[], component: 'content' | 'static' | 'assets', legacy: () => string[]): string[] {
  const whole = mounts.filter((m) => m.target === component).map((m) => m.source);
  const sub = mounts.filter((m) => m.target.startsWith(`${component}/`));
  if (component === 'content') whole.push(...sub.map((m) => m.source));
  else for (const m of sub) r.notes.push(`${r.file}: the mount of ${m.source} into ${m.target} is not followed; links to it are looked for in the other folders`);
  return whole.length || (component === 'content' && sub.length) ? whole : legacy();
}

export function hugoSettings(config: JsValue, file: string): SiteSettings {
  const r = new SettingsReader(config, file, 'Hugo');
  const mounts = mountsOf(r);
  const contentDirs = hugoComponent(r, mounts, 'content', () => {
    const languages = r.at('languages');
    const perLanguage = isRecord(languages) ? Object.values(languages).flatMap((l) => (isRecord(l) && typeof l['contentDir'] === 'string' ? [l['contentDir']] : [])) : [];
    return [r.string('contentDir', 'content'), ...perLanguage];
  });
  const staticDirs = hugoComponent(r, mounts, 'static', () => r.strings('staticDir', ['static']));
  const assetDirs = hugoComponent(r, mounts, 'assets', () => [r.string('assetDir', 'assets')]);
  // The figure shortcode and the image render hook find global resources in assets/: a `/x.png` may be there too, and a
  // relative link not beside its page is a global resource (gohugo.io/render-hooks/images/#default).
  return { contentRoots: contentDirs, staticDirs: [...staticDirs, ...assetDirs], resourceDirs: assetDirs, basePath: basePathOf(r.string('baseURL', '/')), mdIsMdx: false, notes: r.notes };
}

export function jekyllSettings(config: JsValue, file: string): SiteSettings {
  const r = new SettingsReader(config, file, 'Jekyll');
  const source = r.string('source', '.');
  return { contentRoots: [source], staticDirs: [source], basePath: basePathOf(r.string('baseurl', '/')), mdIsMdx: false, notes: r.notes };
}
