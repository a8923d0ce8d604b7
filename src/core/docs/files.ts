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
import { isInside, leadsOut } from './links';
import { docLanguageOfPath } from '../base';

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
  /** Patterns that gave no documentation file, each with why (no such path, nothing matches, left out). */
  readonly unmatched: readonly string[];
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

/**
 * The first ten by path, then how many more (a walk from a system folder can meet thousands). By path, not in the
 * order the concurrent walk met them: the same tree gives the same warnings every run.
 */
function describeUnreadable(root: string, unreadable: Unreadable): string[] {
  const byPath = [...unreadable].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const named = byPath.slice(0, 10).map(([p, { what, code }]) => {
    const rel = path.relative(root, p).split(path.sep).join('/') || '.';
    if (what === 'folder') return `the folder ${rel} can't be read (${code}); it is skipped`;
    if (what === 'rules') return `${rel} can't be read (${code}); its rules are not applied`;
    return `${rel} can't be reached (${code}); it is skipped`;
  });
  return unreadable.size > named.length ? [...named, `and ${unreadable.size - named.length} more folder(s) or file(s) that can't be read; they are skipped`] : named;
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

const KINDS = 'Markdown, MDX, HTML, JSX or TSX';
const LEFT_OUT = 'node_modules, .git, hidden files and what .gitignore says are left out';

/** A pattern as given, and the glob it is searched with. */
interface Wanted {
  readonly given: string;
  readonly glob: string;
  /** A pattern without wildcards: a path, and what is there. */
  readonly named?: { readonly folder: boolean; readonly link: boolean; readonly error: string | undefined };
}

/** Sort the patterns: refused ones (with why), the globs to search, and the negated ones that apply to all. */
async function readPatterns(patterns: readonly string[], root: string): Promise<{ wanted: Wanted[]; negated: string[]; refused: string[] }> {
  const wanted: Wanted[] = [];
  const negated: string[] = [];
  const refused: string[] = [];
  // Run in / (MCP clients start servers there), a glob that starts at the top, or the folder itself, would search
  // every disk and system folder. A glob or folder further down (`home/me/docs/**`) is searched as usual.
  const wholeDisk = (given: string) => `${given} would search the whole disk from ${root}: run it in the folder of your docs`;
  const diskRoot = path.parse(root).root === root;
  const fromTop = (glob: string) => fg.generateTasks([glob]).some((t) => t.base === '.' || t.base === '');
  for (const given of patterns) {
    const n = normalisePattern(given, root);
    if (typeof n !== 'string') refused.push(n.refused);
    else if (n.startsWith('!')) negated.push(n);
    else if (fg.isDynamicPattern(n)) {
      if (diskRoot && fromTop(n)) refused.push(wholeDisk(given));
      else wanted.push({ given, glob: n });
    } else {
      const at = path.join(root, n);
      const link = await fs.lstat(at).then((s) => s.isSymbolicLink(), () => false);
      const st = await fs.stat(at).then((s) => ({ folder: s.isDirectory(), link, error: undefined }), (e: NodeJS.ErrnoException) => ({ folder: false, link, error: e.code ?? e.name }));
      if (diskRoot && st.folder && n === '.') {
        refused.push(wholeDisk(given));
        continue;
      }
      // A folder named as it is (`docs`) means everything in it.
      wanted.push({ given, glob: st.folder ? `${n === '.' ? '' : `${fg.escapePath(n)}/`}**/*` : n, named: st });
    }
  }
  return { wanted, negated, refused };
}

/** Why a file the globs found is not a documentation file to read, or undefined when it is. */
async function leftOut(file: string, root: string, realRoot: string, rules: ReadonlyMap<string, Ignore>): Promise<string | undefined> {
  if (!docLanguageOfPath(file)) return `is not a ${KINDS} file`;
  if (isGitIgnored(file, rules)) return 'is left out by .gitignore';
  // A path named through a symbolic link to a folder elsewhere (`docs-link/a.md`) is not read.
  const real = await fs.realpath(path.join(root, file)).catch(() => undefined);
  if (!isInside(root, path.resolve(root, file)) || !real || !isInside(realRoot, real)) return 'is a symbolic link that leads outside the folder; it is not read';
  return undefined;
}

/** Why a pattern gave no file (ESLint's "No files matching the pattern" — a typo in CI must not pass). */
function whyUnmatched(w: Wanted, found: readonly string[], why: ReadonlyMap<string, string>): string {
  const reason = found.length === 1 ? why.get(found[0] as string) : undefined;
  if (w.named && !w.named.folder) {
    if (reason) return `${w.given} ${reason}`;
    if (w.named.link) return `${w.given} is a symbolic link; links to files are not followed`;
    if (w.named.error === 'ENOENT' || w.named.error === 'ENOTDIR') return `${w.given}: no such file or folder`;
    return w.named.error ? `${w.given} can't be reached (${w.named.error})` : `${w.given} is left out (${LEFT_OUT})`;
  }
  return `${w.given} ${w.named ? 'holds' : 'matches'} no ${KINDS} file (${LEFT_OUT})`;
}

/** List the documentation files matching the patterns under the root; say which patterns matched none. */
export async function listDocFiles(root: string, patterns: readonly string[], options: ListOptions = {}): Promise<FileList> {
  const absRoot = path.resolve(root);
  const { wanted, negated, refused } = await readPatterns(patterns, absRoot);
  const unreadable: Unreadable = new Map();
  if (wanted.length === 0) return { files: [], truncated: false, refused, unreadable: [], unmatched: [] };
  const fgOptions = { cwd: absRoot, ignore: [...ALWAYS_EXCLUDED, ...(options.exclude ?? [])], onlyFiles: true, dot: false, followSymbolicLinks: false, unique: true, fs: tolerantFs(unreadable) };
  // Each pattern on its own (with the negated ones), to know which found nothing.
  const found = await Promise.all(wanted.map((w) => fg([w.glob, ...negated], fgOptions)));
  const matched = [...new Set(found.flat())].sort();
  const rules = await gitignores(absRoot, matched, unreadable);
  const realRoot = await fs.realpath(absRoot).catch(() => absRoot);
  const files: string[] = [];
  const why = new Map<string, string>();
  let truncated = false;
  for (const f of matched) {
    const reason = await leftOut(f, absRoot, realRoot, rules);
    if (reason) why.set(f, reason);
    else if (options.limit !== undefined && files.length >= options.limit) {
      truncated = true;
      break;
    } else files.push(f);
  }
  const listed = new Set(files);
  // A file past the limit was not looked at: the pattern that found it counts as matching.
  const unmatched = wanted.flatMap((w, i) => {
    const mine = found[i] ?? [];
    return mine.some((f) => listed.has(f) || (truncated && !why.has(f))) ? [] : [whyUnmatched(w, mine, why)];
  });
  return { files, truncated, refused, unreadable: describeUnreadable(absRoot, unreadable), unmatched };
}
