/**
 * How a page is read, decided in one place for the CLI and the extension: its language — a `.md` page is MDX where
 * its site compiles Markdown as MDX (Docusaurus 3 unless `markdown.format` says otherwise; Next.js with `md` in
 * `pageExtensions`), and Docusaurus's front matter `format: md | mdx | detect` overrides per file —, the image
 * components the repository names (the nearest `.describe-image.json`), and Docusaurus's mdx-code-block fences.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DocLanguage } from '../base';
import type { FindOptions, ImageComponents, SiteSyntax } from '../finders';
import { markdownEvents } from '../markdown';
import { siteOfDocument, yamlValue, type Site } from '../sites';
import { IMAGE_CONFIG_FILE, readImageConfig } from './components';
import { isInside } from './links';

/** What a page's reading depends on besides its text: its site and the repository's image components. */
export interface PageSetup {
  readonly site: Site | undefined;
  readonly components: ImageComponents | undefined;
}

/** How a page is read: its language, the finders' options, and why it is MDX when its name says Markdown. */
export interface PageDialect {
  readonly language: DocLanguage;
  readonly find: FindOptions;
  /** Set when a `.md` page is read as MDX because of its site (said with a parse error). */
  readonly mdxBecause: string | undefined;
}

/** The `format` of a page's YAML front matter (Docusaurus), read with micromark then a YAML parser. */
export function frontMatterFormat(text: string): string | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!body.startsWith('---')) return undefined; // front matter opens the document, or there is none
  let events;
  try {
    events = markdownEvents(body);
  } catch {
    return undefined;
  }
  const yaml = events.find(([kind, token]) => kind === 'enter' && token.type === ('yaml' as string));
  if (!yaml) return undefined;
  const fences = events.filter(([kind, token]) => kind === 'enter' && token.type === ('yamlFence' as string) && token.start.offset >= yaml[1].start.offset && token.end.offset <= yaml[1].end.offset);
  const from = fences[0]?.[1].end.offset ?? yaml[1].start.offset;
  const to = fences.length > 1 ? (fences[fences.length - 1]?.[1].start.offset ?? yaml[1].end.offset) : yaml[1].end.offset;
  const value = yamlValue(body.slice(from, to));
  const format = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)['format'] : undefined;
  return typeof format === 'string' ? format.trim().toLowerCase() : undefined;
}

/** The language a page is read in, its finders' options, and why (see the module comment). */
export function pageDialect(absPath: string, text: string, byName: DocLanguage, setup: PageSetup | undefined): PageDialect {
  const site = setup?.site;
  const find: FindOptions = { components: setup?.components, mdxCodeBlocks: site?.generator === 'docusaurus', siteSyntax: siteSyntaxOf(site) };
  if (!site || (byName !== 'markdown' && byName !== 'mdx')) return { language: byName, find, mdxBecause: undefined };
  const isMd = path.extname(absPath).toLowerCase() === '.md';
  if (site.generator === 'docusaurus') {
    const format = frontMatterFormat(text);
    if (format === 'md') return { language: 'markdown', find, mdxBecause: undefined };
    if (format === 'mdx') return { language: 'mdx', find, mdxBecause: isMd ? 'its front matter says format: mdx' : undefined };
    if (format === 'detect') return { language: byName, find, mdxBecause: undefined };
  }
  if (isMd && site.mdIsMdx) {
    const hint = site.generator === 'docusaurus' ? '; add `format: md` to its front matter to read it as CommonMark' : '';
    return { language: 'mdx', find, mdxBecause: `its site compiles .md files as MDX${hint}` };
  }
  return { language: byName, find, mdxBecause: undefined };
}

/** The page syntax a site's generator reads its Markdown with, beyond CommonMark (Hugo shortcodes, Jekyll Liquid, MkDocs blocks). */
export function siteSyntaxOf(site: Site | undefined): SiteSyntax | undefined {
  const g = site?.generator;
  return g === 'hugo' || g === 'jekyll' || g === 'mkdocs' ? g : undefined;
}

/**
 * The setups of the pages of one run: the site of each (see core/sites) and the image components of the nearest
 * `.describe-image.json` in its folder or above, up to the repository root (the folder holding `.git`) — or, outside
 * a repository, up to the run's root. Each configuration is read once; a broken one throws a `bad-input` error.
 */
export class PageSetups {
  private readonly configs = new Map<string, Promise<ImageComponents | undefined>>();
  private top: Promise<string> | undefined;

  constructor(
    private readonly root: string,
    private readonly sites: readonly Site[],
  ) {}

  async of(absPath: string): Promise<PageSetup> {
    return { site: siteOfDocument(this.sites, absPath), components: await this.componentsIn(path.dirname(absPath)) };
  }

  /** The repository root holding the run's root, or the run's root outside a repository. */
  private repositoryTop(): Promise<string> {
    return (this.top ??= (async () => {
      for (let dir = path.resolve(this.root), n = 0; n < 64; dir = path.dirname(dir), n++) {
        if (await fs.stat(path.join(dir, '.git')).then(() => true, () => false)) return dir;
        if (path.dirname(dir) === dir) break;
      }
      return path.resolve(this.root);
    })());
  }

  private async componentsIn(dir: string): Promise<ImageComponents | undefined> {
    const top = await this.repositoryTop();
    if (!isInside(top, dir)) return undefined;
    let hit = this.configs.get(dir);
    if (!hit) {
      const file = path.join(dir, IMAGE_CONFIG_FILE);
      const shown = path.relative(path.resolve(this.root), file).split(path.sep).join('/') || file;
      hit = readImageConfig(file, shown).then((own) => (own !== undefined || dir === top ? own : this.componentsIn(path.dirname(dir))));
      this.configs.set(dir, hit);
    }
    return hit;
  }
}
