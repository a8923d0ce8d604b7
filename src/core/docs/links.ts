/**
 * Where an image link in a document points, and whether it may be read. Relative links resolve against the
 * document's folder and must stay inside the root (the workspace folder, or the CLI's current folder); site-absolute
 * links (`/img/a.png`) resolve against the static folders of the document's site (see core/sites: Docusaurus static/,
 * VitePress and Astro public/, MkDocs docs_dir…), else against the docs root, and must stay inside the root; DocFX's
 * `~/` starts at the docfx.json folder, and a Learn `/…` link not found there is another docset's ('elsewhere').
 * Symbolic links may not lead out either.
 * A link whose path differs from the file's only in letter case is resolved (and reported: it is broken on
 * case-sensitive file systems) — per path segment, never a fuzzy match. The check is the same on every OS: names are
 * compared with the directory listing, so a case-insensitive file system does not hide the mismatch.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Site } from '../sites';

export interface LinkRoots {
  /** Absolute path of the document the link is in. */
  readonly documentPath: string;
  /** Where relative links may lead (workspace folder or current folder). */
  readonly root: string;
  /** Where site-absolute links start (default: root) when the document is on no detected site. */
  readonly docsRoot?: string | undefined;
  /** The site the document is a page of: its static folders, base path and `~/` root. */
  readonly site?: Site | undefined;
}

/**
 * Where a run's links lead (`alt-text check|fix`, verify, the extension): relative links stay inside `root`;
 * site-absolute ones (`/img/a.png`) start in the static folders of the page's site, or at `docsRoot` on no site.
 */
export interface LinkScope {
  /** Where relative links may lead (the current folder, the workspace folder). */
  readonly root: string;
  /** Where site-absolute links start on no detected site. */
  readonly docsRoot: string;
  /** The detected docs sites: a page of one resolves `/img/a.png` in its static folders (see core/sites). */
  readonly sites?: readonly Site[] | undefined;
  /** Directory listings shared by the run (one is made when none is given). */
  readonly dirCache?: DirectoryCache | undefined;
}

export type ResolvedLink =
  | { readonly kind: 'url'; readonly url: string }
  /** An existing file. `caseFixedSrc` is set when the link differs from the real name in letter case. */
  | { readonly kind: 'file'; readonly path: string; readonly realName: string; readonly caseMismatch: boolean; readonly caseFixedSrc: string | undefined }
  | { readonly kind: 'missing'; readonly path: string }
  /** On another site or docset (a Learn `/…` link not found here): not checked, not missing. */
  | { readonly kind: 'elsewhere'; readonly reason: string }
  /** Refused: outside the root, another scheme, not a file. Never read, never sent. */
  | { readonly kind: 'refused'; readonly reason: string };

/** Directory listings read once per run. */
export class DirectoryCache {
  private readonly entries = new Map<string, Promise<string[] | undefined>>();
  list(dir: string): Promise<string[] | undefined> {
    let p = this.entries.get(dir);
    if (!p) {
      p = fs.readdir(dir).catch(() => undefined);
      this.entries.set(dir, p);
    }
    return p;
  }
}

/**
 * Does a relative path (as `path.relative` gives it, or with forward slashes) lead out of its base? Only when its first
 * segment is `..`, or when it is absolute (another drive): `..dots.png` and `..notes/` are names inside.
 */
export function leadsOut(rel: string): boolean {
  const first = rel.split(path.sep === '\\' ? /[\\/]/ : '/')[0];
  return first === '..' || path.isAbsolute(rel);
}

/** Is `p` inside `root` (or equal to it)? Both absolute. */
export function isInside(root: string, p: string): boolean {
  return !leadsOut(path.relative(root, p));
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed % escape: the name is taken as written
  }
}

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const WINDOWS_DRIVE = /^[a-zA-Z]:[\\/]/;

/** Resolve a link as written in a document. Never throws for a bad link: it is `refused` with a reason. */
export async function resolveImageLink(src: string, roots: LinkRoots, cache = new DirectoryCache()): Promise<ResolvedLink> {
  const s = src.trim();
  if (!s) return { kind: 'refused', reason: 'the image has no source' };
  if (/^https?:\/\//i.test(s)) return { kind: 'url', url: s };
  if (/^data:/i.test(s)) return { kind: 'refused', reason: 'a data: URL (the image is inline)' };
  if (s.startsWith('//')) return { kind: 'url', url: `https:${s}` };
  if (WINDOWS_DRIVE.test(s)) return { kind: 'refused', reason: `${s} is an absolute path on a drive: links must be relative or site-absolute` };
  if (URL_SCHEME.test(s)) return { kind: 'refused', reason: `${s.split(':')[0]}: links are not images that can be read` };
  const pathPart = (s.split(/[?#]/)[0] ?? '').replace(/\\/g, '/');
  if (!pathPart) return { kind: 'refused', reason: 'the link has no path' };
  const link: Link = { src, s, pathPart, written: pathPart.split('/').map(safeDecode) };
  const root = path.resolve(roots.root);
  const site = roots.site;
  if (site?.tildeRoot !== undefined && pathPart.startsWith('~/')) {
    // DocFX: `~/` starts at the folder of docfx.json.
    return inStaticFolder(site.tildeRoot, link.written.slice(1), link, root, cache, 'the folder of docfx.json');
  }
  if (pathPart.startsWith('/')) {
    if (site) return inSite(site, link, root, cache);
    const base = path.resolve(roots.docsRoot ?? root);
    return walk(base, path.resolve(base, `.${path.sep}${link.written.join(path.sep)}`), link, cache, 'the docs root');
  }
  const target = path.resolve(path.dirname(roots.documentPath), link.written.join(path.sep));
  const beside = await walk(root, target, link, cache, 'the folder');
  return beside.kind === 'missing' && site?.resourceDirs.length ? globalResource(site, link, root, cache, beside) : beside;
}

/** Hugo: a relative link not beside its page (not in its bundle) is a global resource, in assets/; else it stays missing. */
async function globalResource(site: Site, link: Link, root: string, cache: DirectoryCache, missing: ResolvedLink): Promise<ResolvedLink> {
  for (const dir of site.resourceDirs) {
    const r = await inStaticFolder(dir, link.written, link, root, cache, "the site's assets folder");
    if (r.kind === 'file') return r;
  }
  return missing;
}

/** A link as written: all of it, trimmed, its path part, and that path's segments decoded. */
interface Link {
  readonly src: string;
  readonly s: string;
  readonly pathPart: string;
  readonly written: readonly string[];
}

/**
 * A site-absolute link on a detected site: looked for in each static folder, as written and without the site's base
 * path (`/docs/img/a.png` on a site whose base is /docs/). A file spelled exactly wins over one found with other
 * letter case; a link found nowhere is missing — or, on Learn, another docset's.
 */
async function inSite(site: Site, link: Link, root: string, cache: DirectoryCache): Promise<ResolvedLink> {
  const tries: (readonly string[])[] = [link.written];
  if (site.basePath !== '/' && link.pathPart.startsWith(site.basePath)) tries.push(['', ...link.pathPart.slice(site.basePath.length).split('/').map(safeDecode)]);
  let caseOnly: ResolvedLink | undefined;
  let refused: ResolvedLink | undefined;
  let missing: ResolvedLink | undefined;
  for (const dir of site.staticDirs) {
    for (const written of tries) {
      const r = await inStaticFolder(dir, written, link, root, cache, 'the site\'s static folder');
      if (r.kind === 'file' && !r.caseMismatch) return r;
      if (r.kind === 'file') caseOnly ??= r;
      else if (r.kind === 'refused') refused ??= r;
      else missing ??= r;
    }
  }
  const found = caseOnly ?? refused;
  if (found) return found;
  if (site.absoluteMayBeElsewhere) return { kind: 'elsewhere', reason: `${link.src} is on another docset of the site (not checked)` };
  return missing ?? { kind: 'missing', path: path.join(site.dir, ...link.written) };
}

/** A link under a folder the site names (static folder, docfx root), which must be inside the root to be read. */
function inStaticFolder(dir: string, written: readonly string[], link: Link, root: string, cache: DirectoryCache, what: string): Promise<ResolvedLink> {
  if (!isInside(root, dir)) {
    const rel = path.relative(root, dir).split(path.sep).join('/');
    return Promise.resolve({ kind: 'refused', reason: `${link.src} is in ${what} ${rel}, outside the folder; it is not read (run from a folder that holds it)` });
  }
  return walk(path.resolve(dir), path.resolve(dir, `.${path.sep}${written.join(path.sep)}`), link, cache, what);
}

/** Walk from the base to the target, comparing each name with the directory's real entries. */
async function walk(base: string, target: string, link: Link, cache: DirectoryCache, what: string): Promise<ResolvedLink> {
  if (!isInside(base, target)) return { kind: 'refused', reason: `${link.src} leads outside ${what}; it is not read` };
  const segments = path.relative(base, target).split(path.sep).filter(Boolean);
  const real: string[] = [];
  let mismatch = false;
  let dir = base;
  for (const seg of segments) {
    const names = await cache.list(dir);
    if (!names) return { kind: 'missing', path: target };
    let name = names.includes(seg) ? seg : undefined;
    if (name === undefined) {
      const lower = seg.toLowerCase();
      const matches = names.filter((n) => n.toLowerCase() === lower).sort();
      if (matches.length === 0) return { kind: 'missing', path: target };
      name = matches[0] as string;
      mismatch = true;
    }
    real.push(name);
    dir = path.join(dir, name);
  }
  const file = path.join(base, ...real);
  let stat;
  try {
    stat = await fs.stat(file);
  } catch {
    return { kind: 'missing', path: target };
  }
  if (!stat.isFile()) return { kind: 'refused', reason: `${link.src} is not a file` };
  // A symbolic link (the file or a folder on the way) may not lead out of the root.
  const [realFile, realBase] = await Promise.all([fs.realpath(file), fs.realpath(base)]);
  if (!isInside(realBase, realFile)) return { kind: 'refused', reason: `${link.src} is a symbolic link that leads outside the folder; it is not read` };
  return { kind: 'file', path: file, realName: real.join('/'), caseMismatch: mismatch, caseFixedSrc: mismatch ? fixCase(link.pathPart, link.s, real) : undefined };
}

/**
 * The link with its trailing named segments spelled as the real files are. Only letters' case changes; segments
 * with escapes are left alone (then the fix is not offered: the caller checks the result differs only in case).
 */
function fixCase(pathPart: string, src: string, real: readonly string[]): string | undefined {
  const segs = pathPart.split('/');
  let r = real.length - 1;
  for (let i = segs.length - 1; i >= 0 && r >= 0; i--, r--) {
    const seg = segs[i] as string;
    if (seg === '' || seg === '.' || seg === '..') break;
    const name = real[r] as string;
    const decoded = safeDecode(seg);
    if (decoded === name) continue;
    if (decoded.toLowerCase() !== name.toLowerCase()) return undefined;
    if (seg.includes('%') || seg.includes('\\') || seg.includes('&')) return undefined;
    segs[i] = name;
  }
  const fixed = segs.join('/');
  return fixed + src.trim().slice(pathPart.length);
}
