/**
 * Which documentation files a run looks at: globs under a root folder (fast-glob), without node_modules and .git,
 * without what any .gitignore on the way says (nested ones too, each relative to its folder, as git reads them),
 * never following symbolic links out of the tree, and with a limit that is reported, not silently applied.
 */
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

/** The .gitignore rules of every folder in the tree, by folder (relative, '' for the root). */
async function gitignores(root: string): Promise<Map<string, Ignore>> {
  const files = await fg('**/.gitignore', { cwd: root, ignore: ALWAYS_EXCLUDED, dot: true, onlyFiles: true, followSymbolicLinks: false });
  const map = new Map<string, Ignore>();
  await Promise.all(
    files.map(async (f) => {
      const text = await fs.readFile(path.join(root, f), 'utf8').catch(() => '');
      map.set(path.posix.dirname(f) === '.' ? '' : path.posix.dirname(f), ignore().add(text));
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
  if (globs.length === 0) return { files: [], truncated: false, refused };
  const [matched, rules] = await Promise.all([
    fg(globs, { cwd: absRoot, ignore: [...ALWAYS_EXCLUDED, ...(options.exclude ?? [])], onlyFiles: true, dot: false, followSymbolicLinks: false, unique: true }),
    gitignores(absRoot),
  ]);
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
  return { files, truncated, refused };
}
