/**
 * The settings of sites configured in JavaScript or TypeScript — Docusaurus, VitePress, Astro/Starlight — from the
 * statically read configuration (see jsConfig.ts), with each generator's documented defaults where a value can't be
 * known:
 * - Docusaurus: `staticDirectories` (default static/), `baseUrl`, `markdown.format` (default mdx: .md is MDX), the
 *   docs/blog/pages paths of the classic preset and of content plugins (defaults docs/, blog/, src/pages/).
 * - VitePress (`.vitepress/config.*`): `srcDir` (default the folder above .vitepress), `<srcDir>/public`, `base`.
 * - Astro: `srcDir` (src/), `publicDir` (public/), `base`; pages in `<srcDir>/content` and `<srcDir>/pages`.
 * - Next.js (`next.config.*`, react.dev): `public/` is served at `/`, `basePath`; `.md` is MDX when `pageExtensions`
 *   has `md`; pages in src/, pages/, app/ and content/.
 */
import { basePathOf, type SiteSettings } from './model';
import { isRecord, isUnknown, SettingsReader, under } from './settings';
import type { JsValue } from './jsConfig';

export interface ReadContext {
  /** The configuration file relative to the site's folder, for notes. */
  readonly file: string;
  /** Is there a folder at this path (relative to the site's folder)? */
  readonly isFolder: (rel: string) => Promise<boolean>;
}

type ContentKind = 'docs' | 'blog' | 'pages';
const CONTENT_DEFAULTS: Readonly<Record<ContentKind, string>> = { docs: 'docs', blog: 'blog', pages: 'src/pages' };
const PLUGIN_KINDS: readonly [RegExp, ContentKind][] = [
  [/content-docs$/, 'docs'],
  [/content-blog$/, 'blog'],
  [/content-pages$/, 'pages'],
];

/** A preset or plugin entry: `'name'`, `['name', options]`, or something only running it would tell. */
function entry(v: JsValue): { name: string; options: JsValue } | undefined {
  if (typeof v === 'string') return { name: v, options: undefined };
  if (Array.isArray(v) && typeof v[0] === 'string') return { name: v[0], options: v[1] };
  return undefined;
}

/** The path an option block gives (`docs: {path: '../docs'}`), the default, or nothing (`docs: false`). */
function contentPath(options: JsValue, kind: ContentKind): string | undefined {
  if (options === false) return undefined;
  if (isRecord(options) && typeof options['path'] === 'string') return options['path'];
  return CONTENT_DEFAULTS[kind];
}

/** The folders Docusaurus reads pages from: the classic preset's docs/blog/pages and every content plugin's path. */
function docusaurusContent(r: SettingsReader): string[] {
  const presets = r.at('presets');
  const plugins = r.at('plugins');
  const roots: string[] = [];
  let unreadable = isUnknown(presets) || isUnknown(plugins);
  for (const e of Array.isArray(presets) ? (presets as JsValue[]) : []) {
    const p = entry(e);
    if (!p) unreadable = true;
    else if (/classic$/.test(p.name)) {
      const o = isRecord(p.options) ? p.options : {};
      for (const kind of ['docs', 'blog', 'pages'] as const) {
        const c = contentPath(o[kind], kind);
        if (c !== undefined) roots.push(c);
      }
    }
  }
  for (const e of Array.isArray(plugins) ? (plugins as JsValue[]) : []) {
    const p = entry(e);
    const kind = p && PLUGIN_KINDS.find(([re]) => re.test(p.name))?.[1];
    if (p && kind) {
      const c = contentPath(p.options, kind);
      if (c !== undefined) roots.push(c);
    }
  }
  if (unreadable) r.notes.push(`${r.file}: some presets or plugins can't be read without running the configuration; docs/, blog/ and src/pages/ are taken as pages too`);
  if (unreadable || roots.length === 0) roots.push(...Object.values(CONTENT_DEFAULTS));
  return roots;
}

export async function docusaurusSettings(config: JsValue, ctx: ReadContext): Promise<SiteSettings> {
  const r = new SettingsReader(config, ctx.file, 'Docusaurus');
  const format = r.string('markdown.format', 'mdx', 'taken as "mdx" (Docusaurus 3\'s default: .md files are MDX)');
  const contentRoots = docusaurusContent(r);
  // Versions and translations of the docs are pages too.
  for (const extra of ['versioned_docs', 'versioned_blog', 'i18n']) if (await ctx.isFolder(extra)) contentRoots.push(extra);
  return {
    contentRoots,
    staticDirs: r.strings('staticDirectories', ['static']),
    basePath: basePathOf(r.string('baseUrl', '/')),
    mdIsMdx: format === 'mdx',
    notes: r.notes,
  };
}

/** VitePress: the site's folder is the one above .vitepress; pages are in srcDir, and `/x.png` is `<srcDir>/public/x.png`. */
export function vitepressSettings(config: JsValue, ctx: ReadContext): Promise<SiteSettings> {
  const r = new SettingsReader(config, ctx.file, 'VitePress');
  const srcDir = r.string('srcDir', '.');
  return Promise.resolve({ contentRoots: [srcDir], staticDirs: [under(srcDir, 'public')], basePath: basePathOf(r.string('base', '/')), mdIsMdx: false, notes: r.notes });
}

/** Astro (and Starlight on it): `/x.png` is `<publicDir>/x.png`; pages in `<srcDir>/content` and `<srcDir>/pages`. */
export function astroSettings(config: JsValue, ctx: ReadContext): Promise<SiteSettings> {
  const r = new SettingsReader(config, ctx.file, 'Astro');
  const srcDir = r.string('srcDir', './src');
  return Promise.resolve({
    contentRoots: [under(srcDir, 'content'), under(srcDir, 'pages')],
    staticDirs: [r.string('publicDir', './public')],
    basePath: basePathOf(r.string('base', '/')),
    mdIsMdx: false,
    notes: r.notes,
  });
}

/** Next.js: `/x.png` is `public/x.png`; `.md` is compiled as MDX when `pageExtensions` lists `md` (react.dev). */
export function nextSettings(config: JsValue, ctx: ReadContext): Promise<SiteSettings> {
  const r = new SettingsReader(config, ctx.file, 'Next.js');
  const extensions = r.strings('pageExtensions', ['js', 'jsx', 'ts', 'tsx'], 'Next.js\'s default page extensions (js, jsx, ts, tsx: .md is not a page) are used');
  return Promise.resolve({
    contentRoots: ['src', 'pages', 'app', 'content'],
    staticDirs: ['public'],
    basePath: basePathOf(r.string('basePath', '/')),
    mdIsMdx: extensions.includes('md'),
    notes: r.notes,
  });
}
