/**
 * Which documentation files a run looks at: globs under a root folder (fast-glob), without node_modules and .git,
 * without what any .gitignore on the way says (nested ones too, each relative to its folder, as git reads them),
 * never following symbolic links out of the tree, and with a limit that is reported, not silently applied. Only what
 * the patterns need is read: the folders a glob walks and the .gitignore files on the way to the files it found. A
 * folder that can't be read is skipped and reported, never a reason to fail the whole listing.
 */
import * as fsCallbacks from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import fg from 'fast-glob';
import ignore, { type Ignore } from 'ignore';
import { docLanguageOfPath } from './languages';
import { isInside, leadsOut } from './paths';

export const ALWAYS_EXCLUDED = ['**/node_modules/**', '**/.git/**'];

export interface ListOptions {
  /** Stop after this many files (and say so). */
  readonly limit?: number | undefined;
  /** More globs to leave out (e.g. VS Code's files.exclude), relative to the root. */
  readonly exclude?: readonly string[] | undefined;
}

export interface FileList {
  /** Paths relative to the root, with forward slashes, sorted. */
  readonly files: readonly string[];
  /** True when the limit stopped the listing. */
  readonly truncated: boolean;
  /** Patterns that were refused, with why (outside the root). */
  readonly refused: readonly string[];
  /** What could not be read and was skipped (a folder without permission), each as one sentence. */
  readonly unreadable: readonly string[];
}

/**
 * Make a pattern relative to the root. Absolute patterns inside the root are made relative; patterns that lead out
 * of it (`../docs/**`, `/elsewhere/**`) are refused rather than handed to a library that cannot take them.
 */
export function normalisePattern(pattern: string, root: string): string | { refused: string } {
  let p = pattern.replace(/\\/g, '/').trim();
  if (!p) return { refused: 'an empty pattern' };
  const negated = p.startsWith('!');
  if (negated) p = p.slice(1);
  if (path.isAbsolute(p)) {
    const rel = path.relative(root, p);
    if (leadsOut(rel)) return { refused: `${pattern} is outside ${root}` };
    p = rel.split(path.sep).join('/') || '.';
  }
  const normal = path.posix.normalize(p);
  if (leadsOut(normal)) return { refused: `${pattern} leads outside ${root}: run from a folder that contains it` };
  return (negated ? '!' : '') + normal.replace(/^\.\//, '');
}

/** What could not be read: absolute path → what it is and the error code. */
type Unreadable = Map<string, { what: 'folder' | 'path' | 'rules'; code: string }>;

/** Note what can't be read; a missing path is not news. Returns whether it was noted. */
function note(unreadable: Unreadable, p: string, e: NodeJS.ErrnoException, what: 'folder' | 'path' | 'rules'): boolean {
  if (e.code === 'ENOENT') return false;
  unreadable.set(p, { what, code: e.code ?? e.name });
  return true;
}

function describeUnreadable(root: string, unreadable: Unreadable): string[] {
  return [...unreadable].map(([p, { what, code }]) => {
    const rel = path.relative(root, p).split(path.sep).join('/') || '.';
    if (what === 'folder') return `the folder ${rel} can't be read (${code}); it is skipped`;
    if (what === 'rules') return `${rel} can't be read (${code}); its rules are not applied`;
    return `${rel} can't be reached (${code}); it is skipped`;
  });
}

/**
 * The file system for fast-glob, which fails the whole walk on the first folder it can't read: such a folder (or a
 * path under it) is noted and taken as empty (or absent), and the walk goes on.
 */
function tolerantFs(unreadable: Unreadable): Partial<fg.FileSystemAdapter> {
  const gone = (e: NodeJS.ErrnoException) => Object.assign(new Error(e.message), { code: 'ENOENT' });
  const stat = (which: 'stat' | 'lstat') => (p: string, callback: (e: NodeJS.ErrnoException | null, s: fsCallbacks.Stats) => void) =>
    fsCallbacks[which](p, (e, s) => callback(e && note(unreadable, p, e, 'path') ? gone(e) : e, s));
  const readdir = ((p: string, options: unknown, callback?: unknown) => {
    const done = (typeof options === 'function' ? options : callback) as (e: NodeJS.ErrnoException | null, entries: unknown[]) => void;
    const after = (e: NodeJS.ErrnoException | null, entries: unknown[]) => (e && note(unreadable, p, e, 'folder') ? done(null, []) : done(e, entries));
    if (typeof options === 'function') fsCallbacks.readdir(p, after);
    else fsCallbacks.readdir(p, { withFileTypes: true }, after);
  }) as fg.FileSystemAdapter['readdir'];
  return { stat: stat('stat'), lstat: stat('lstat'), readdir };
}

/**
 * The .gitignore rules of the folders on the way to the given files, by folder (relative, '' for the root): only
 * those are read, never the whole tree.
 */
async function gitignores(root: string, files: readonly string[], unreadable: Unreadable): Promise<Map<string, Ignore>> {
  const folders = new Set<string>(['']);
  for (const f of files) for (let d = path.posix.dirname(f); d !== '.' && !folders.has(d); d = path.posix.dirname(d)) folders.add(d);
  const map = new Map<string, Ignore>();
  await Promise.all(
    [...folders].map(async (dir) => {
      const file = path.join(root, dir, '.gitignore');
      const text = await fs.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => (note(unreadable, file, e, 'rules'), undefined));
      if (text !== undefined) map.set(dir, ignore().add(text));
    }),
  );
  return map;
}

/** Is a file ignored by any .gitignore between the root and its folder? */
export function isGitIgnored(file: string, rules: ReadonlyMap<string, Ignore>): boolean {
  const parts = file.split('/');
  for (let i = 0; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    const ig = rules.get(dir);
    if (ig?.ignores(parts.slice(i).join('/'))) return true;
  }
  return false;
}

/** List the documentation files matching the patterns under the root. */
export async function listDocFiles(root: string, patterns: readonly string[], options: ListOptions = {}): Promise<FileList> {
  const absRoot = path.resolve(root);
  const refused: string[] = [];
  const globs: string[] = [];
  for (const p of patterns) {
    const n = normalisePattern(p, absRoot);
    if (typeof n !== 'string') {
      refused.push(n.refused);
      continue;
    }
    // A folder named as it is (`docs`) means everything in it.
    const isFolder = !fg.isDynamicPattern(n) && !n.startsWith('!') && (await fs.stat(path.join(absRoot, n)).then((st) => st.isDirectory(), () => false));
    globs.push(isFolder ? `${n === '.' ? '' : `${fg.escapePath(n)}/`}**/*` : n);
  }
  const unreadable: Unreadable = new Map();
  if (globs.length === 0) return { files: [], truncated: false, refused, unreadable: [] };
  const matched = await fg(globs, { cwd: absRoot, ignore: [...ALWAYS_EXCLUDED, ...(options.exclude ?? [])], onlyFiles: true, dot: false, followSymbolicLinks: false, unique: true, fs: tolerantFs(unreadable) });
  const rules = await gitignores(absRoot, matched, unreadable);
  const files: string[] = [];
  let truncated = false;
  const realRoot = await fs.realpath(absRoot).catch(() => absRoot);
  for (const f of matched.sort()) {
    if (!docLanguageOfPath(f) || isGitIgnored(f, rules)) continue;
    if (!isInside(absRoot, path.resolve(absRoot, f))) continue;
    // A path named through a symbolic link to a folder elsewhere (`docs-link/a.md`) is not read.
    const real = await fs.realpath(path.join(absRoot, f)).catch(() => undefined);
    if (!real || !isInside(realRoot, real)) continue;
    if (options.limit !== undefined && files.length >= options.limit) {
      truncated = true;
      break;
    }
    files.push(f);
  }
  return { files, truncated, refused, unreadable: describeUnreadable(absRoot, unreadable) };
}
