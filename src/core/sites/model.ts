/** What a docs site is, as far as checking its images goes. */
import * as path from 'node:path';

export type Generator = 'docfx' | 'docusaurus' | 'vitepress' | 'astro' | 'mkdocs' | 'hugo' | 'jekyll' | 'nextjs';

export const GENERATOR_NAMES: Readonly<Record<Generator, string>> = {
  docfx: 'Microsoft Learn / DocFX',
  docusaurus: 'Docusaurus',
  vitepress: 'VitePress',
  astro: 'Astro / Starlight',
  mkdocs: 'MkDocs',
  hugo: 'Hugo',
  jekyll: 'Jekyll',
  nextjs: 'Next.js',
};

export interface Site {
  readonly generator: Generator;
  /** The configuration file it was recognised by (absolute). */
  readonly configFile: string;
  /** The site's folder (absolute): the one its configuration's relative paths start from. */
  readonly dir: string;
  /** Where its pages are (absolute): a document inside one of these is checked as a page of this site. */
  readonly contentRoots: readonly string[];
  /** Where a site-absolute link (`/img/a.png`) is looked for, in order (absolute). Empty: nowhere here (Learn). */
  readonly staticDirs: readonly string[];
  /** Where a relative link not found beside its page is looked for (Hugo's assets/: global resources). */
  readonly resourceDirs: readonly string[];
  /** The path part of the site's base URL ('/' or '/docs/'): a site-absolute link may start with it. */
  readonly basePath: string;
  /** Whether `.md` files are compiled as MDX (Docusaurus 3 unless `markdown.format` says otherwise; Next.js with `md` in `pageExtensions`). */
  readonly mdIsMdx: boolean;
  /** Where `~/` links start (DocFX: the folder of docfx.json). */
  readonly tildeRoot: string | undefined;
  /** A site-absolute link is another docset's when it is not found here (Learn: `/dotnet/…`): not reported missing. */
  readonly absoluteMayBeElsewhere: boolean;
  /** What could not be read from the configuration, and the default taken instead: one sentence each. */
  readonly notes: readonly string[];
}

/** What a reader takes from a configuration; paths are relative to the site's folder (forward slashes) or absolute. */
export interface SiteSettings {
  readonly contentRoots: readonly string[];
  readonly staticDirs: readonly string[];
  readonly resourceDirs?: readonly string[] | undefined;
  readonly basePath: string;
  readonly mdIsMdx: boolean;
  readonly tildeRoot?: string | undefined;
  readonly absoluteMayBeElsewhere?: boolean | undefined;
  readonly notes: readonly string[];
}

/** The path part of a base URL (`https://x.org/docs` → `/docs/`), always with a slash at both ends. */
export function basePathOf(url: string): string {
  let p = url.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(p);
  if (scheme) p = p.slice(scheme[0].length);
  p = p.split(/[?#]/)[0] ?? '';
  if (!p.startsWith('/')) p = `/${p}`;
  return p.endsWith('/') ? p : `${p}/`;
}

/** A site from what its reader found, with paths made absolute from its folder. */
export function siteOf(generator: Generator, configFile: string, dir: string, s: SiteSettings): Site {
  const abs = (p: string) => path.resolve(dir, p);
  const unique = (ps: readonly string[]) => [...new Set(ps.map(abs))];
  return {
    generator,
    configFile,
    dir,
    contentRoots: unique(s.contentRoots),
    staticDirs: unique(s.staticDirs),
    resourceDirs: unique(s.resourceDirs ?? []),
    basePath: s.basePath,
    mdIsMdx: s.mdIsMdx,
    tildeRoot: s.tildeRoot !== undefined ? abs(s.tildeRoot) : undefined,
    absoluteMayBeElsewhere: s.absoluteMayBeElsewhere ?? false,
    notes: s.notes,
  };
}
