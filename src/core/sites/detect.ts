/**
 * Which docs sites a folder is part of or holds: their configuration files are looked for in the folder, in the
 * folders above it up to the repository root (the first with a `.git`), and one and two levels below it (configs are
 * rarely at the top: `website/docusaurus.config.ts`, `docs/.vitepress/config.ts`, `docs/en/mkdocs.yml`). Each is read
 * without being run, and becomes a Site.
 */
import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { astroSettings, docusaurusSettings, nextSettings, vitepressSettings, type ReadContext } from './jsSites';
import { docfxSettings, hugoSettings, jekyllSettings, mkdocsSettings, parseJsonWithCommas, parseYaml, type Parsed } from './dataSites';
import { ConfigSyntaxError, readJsConfig } from './jsConfig';
import { siteOf, type Generator, type Site, type SiteSettings } from './model';

/** The largest configuration file read: a real one is a few kilobytes. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** At most this many folders below the start are looked in (a run started in a big tree, or in `/`). */
const MAX_FOLDERS_BELOW = 400;
const JS = ['js', 'ts', 'mjs', 'cjs', 'mts', 'cts'];
const SKIP_BELOW = new Set(['node_modules', 'build', 'dist', 'out', 'public', 'static', 'vendor', 'target']);

type Format = 'js' | 'json' | 'yaml' | 'toml';
interface Found {
  readonly generator: Generator;
  readonly format: Format;
  readonly configFile: string;
  /** The site's folder. */
  readonly dir: string;
}

const formatOf = (name: string): Format | undefined => {
  const ext = name.slice(name.lastIndexOf('.') + 1);
  if (JS.includes(ext)) return 'js';
  if (ext === 'json') return 'json';
  if (ext === 'yml' || ext === 'yaml') return 'yaml';
  return ext === 'toml' ? 'toml' : undefined;
};

/** The generator a file in a folder names, by its name. */
function generatorOf(name: string, entries: ReadonlySet<string>): Generator | undefined {
  const stem = name.slice(0, name.lastIndexOf('.'));
  const format = formatOf(name);
  if (name === 'docfx.json') return 'docfx';
  if (stem === 'docusaurus.config' && format === 'js') return 'docusaurus';
  if (stem === 'astro.config' && format === 'js') return 'astro';
  if (stem === 'next.config' && format === 'js') return 'nextjs';
  if (stem === 'mkdocs' && format === 'yaml') return 'mkdocs';
  if (stem === 'hugo' && format && format !== 'js') return 'hugo';
  // A plain config.toml is Hugo's only beside Hugo's folders.
  if (stem === 'config' && format && format !== 'js' && ['content', 'archetypes', 'layouts', 'themes'].some((d) => entries.has(d))) return 'hugo';
  if (stem === '_config' && (format === 'yaml' || format === 'toml')) return 'jekyll';
  return undefined;
}

async function entriesOf(dir: string): Promise<Dirent[]> {
  return fs.readdir(dir, { withFileTypes: true }).catch(() => []);
}

/** The configuration files in one folder (and in its `.vitepress/` and `config/_default/`). */
async function configsIn(dir: string, entries: readonly Dirent[]): Promise<Found[]> {
  const names = new Set(entries.map((e) => e.name));
  const found: Found[] = [];
  for (const e of entries) {
    const generator = e.isFile() ? generatorOf(e.name, names) : undefined;
    if (generator) found.push({ generator, format: formatOf(e.name) as Format, configFile: path.join(dir, e.name), dir });
  }
  const sub = async (rel: string, pick: (name: string) => Generator | undefined) => {
    for (const e of await entriesOf(path.join(dir, rel))) {
      const generator = e.isFile() ? pick(e.name) : undefined;
      if (generator) found.push({ generator, format: formatOf(e.name) as Format, configFile: path.join(dir, rel, e.name), dir });
    }
  };
  if (entries.some((e) => e.isDirectory() && e.name === '.vitepress')) await sub('.vitepress', (n) => (n.slice(0, n.lastIndexOf('.')) === 'config' && formatOf(n) === 'js' ? 'vitepress' : undefined));
  if (entries.some((e) => e.isDirectory() && e.name === 'config')) {
    await sub(path.join('config', '_default'), (n) => (/^(hugo|config)\./.test(n) && formatOf(n) !== 'js' && formatOf(n) !== undefined ? 'hugo' : undefined));
  }
  return found;
}

/** The start and the folders above it up to the repository root; just the start when it is in no repository. */
async function foldersAbove(start: string): Promise<string[]> {
  const chain: string[] = [];
  for (let dir = start; ; dir = path.dirname(dir)) {
    chain.push(dir);
    if (await fs.stat(path.join(dir, '.git')).then(() => true, () => false)) return chain;
    if (path.dirname(dir) === dir || chain.length > 40) return [start];
  }
}

/** The folders one and two levels below the start (not hidden, not dependencies or build output), at most a few hundred. */
async function foldersBelow(start: string, startEntries: readonly Dirent[]): Promise<{ dir: string; entries: Dirent[] }[]> {
  const out: { dir: string; entries: Dirent[] }[] = [];
  const keep = (e: Dirent) => e.isDirectory() && !e.name.startsWith('.') && !SKIP_BELOW.has(e.name);
  for (const child of startEntries.filter(keep)) {
    if (out.length >= MAX_FOLDERS_BELOW) break;
    const dir = path.join(start, child.name);
    const entries = await entriesOf(dir);
    out.push({ dir, entries });
    for (const grandchild of entries.filter(keep)) {
      if (out.length >= MAX_FOLDERS_BELOW) break;
      const gdir = path.join(dir, grandchild.name);
      out.push({ dir: gdir, entries: await entriesOf(gdir) });
    }
  }
  return out;
}

/** The text of a configuration file, or why it can't be read. */
async function readConfigText(file: string): Promise<string | { note: string }> {
  try {
    const handle = await fs.open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_CONFIG_BYTES) return { note: `it is ${size} bytes, over ${MAX_CONFIG_BYTES}` };
      return (await handle.readFile()).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (e) {
    return { note: `it can't be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
}

async function parsed(text: string, found: Found, shown: string): Promise<Parsed> {
  if (found.format === 'js') {
    try {
      return { value: readJsConfig(text, path.basename(found.configFile)), notes: [] };
    } catch (e) {
      if (e instanceof ConfigSyntaxError) return { value: undefined, notes: [`${shown} ${e.detail}; the defaults are used`] };
      throw e;
    }
  }
  if (found.format === 'json') return parseJsonWithCommas(text, shown);
  if (found.format === 'yaml') return parseYaml(text, shown);
  // TOML (Hugo, Jekyll's _config.toml): its parser is loaded only when a TOML configuration is found.
  const { parseToml } = await import('./toml');
  return parseToml(text, shown, found.generator === 'hugo' ? "Hugo's defaults are used" : 'the defaults are used');
}

/** Read one configuration into a Site (never running it). `shown` is how notes name the file. */
async function readSite(found: Found, shown: string): Promise<Site> {
  const text = await readConfigText(found.configFile);
  const { value, notes } = typeof text === 'string' ? await parsed(text, found, shown) : { value: undefined, notes: [`${shown}: ${text.note}; the defaults are used`] };
  const ctx: ReadContext = { file: shown, isFolder: (rel) => fs.stat(path.join(found.dir, rel)).then((s) => s.isDirectory(), () => false) };
  const settings: SiteSettings = await {
    docusaurus: () => docusaurusSettings(value, ctx),
    vitepress: () => vitepressSettings(value, ctx),
    astro: () => astroSettings(value, ctx),
    nextjs: () => nextSettings(value, ctx),
    docfx: () => Promise.resolve(docfxSettings(value, shown)),
    mkdocs: () => Promise.resolve(mkdocsSettings(value, shown)),
    hugo: () => Promise.resolve(hugoSettings(value, shown)),
    jekyll: () => Promise.resolve(jekyllSettings(value, shown)),
  }[found.generator]();
  return siteOf(found.generator, found.configFile, found.dir, { ...settings, notes: [...notes, ...settings.notes] });
}

/**
 * The sites a folder belongs to or holds, nearest first: configurations in the folder and above it (to the repository
 * root), then one and two levels below. Never throws for an unreadable folder or a broken configuration.
 */
export async function detectSites(start: string): Promise<Site[]> {
  const from = path.resolve(start);
  const startEntries = await entriesOf(from);
  const places: { dir: string; entries: readonly Dirent[] }[] = [{ dir: from, entries: startEntries }];
  for (const dir of (await foldersAbove(from)).slice(1)) places.push({ dir, entries: await entriesOf(dir) });
  places.push(...(await foldersBelow(from, startEntries)));
  const found: Found[] = [];
  for (const p of places) found.push(...(await configsIn(p.dir, p.entries)));
  const shown = (f: string) => {
    const rel = path.relative(from, f);
    return (rel && !path.isAbsolute(rel) ? rel : f).split(path.sep).join('/');
  };
  return Promise.all(found.map((f) => readSite(f, shown(f.configFile))));
}

/** Is `p` inside `dir` (or `dir` itself)? Both absolute. */
function within(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (rel.split(path.sep)[0] !== '..' && !path.isAbsolute(rel));
}

/** The site a document is a page of: the one with the deepest content folder holding it (nearest site on a tie). */
export function siteOfDocument(sites: readonly Site[], documentPath: string): Site | undefined {
  let best: { site: Site; depth: number } | undefined;
  for (const site of sites) {
    for (const root of site.contentRoots) {
      if (within(root, documentPath) && (!best || root.length > best.depth)) best = { site, depth: root.length };
    }
  }
  return best?.site;
}

/**
 * The site whose static folders a document's `/x.png` links are served from: the site it is a page of, else the site
 * whose folder holds it (a Docusaurus theme component in `src/components/` links `/img/x.png` from `static/` too). Only
 * links: how the document is read (MDX, page syntax) stays siteOfDocument's, so a README beside a config is not a page.
 */
export function siteServing(sites: readonly Site[], documentPath: string): Site | undefined {
  const page = siteOfDocument(sites, documentPath);
  if (page) return page;
  let best: Site | undefined;
  for (const site of sites) if (within(site.dir, documentPath) && (!best || site.dir.length > best.dir.length)) best = site;
  return best;
}
