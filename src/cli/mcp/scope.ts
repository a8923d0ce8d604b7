/**
 * Where the MCP server's tools may read (see mcp.ts): the folders the client lists as its roots when it lists any;
 * else the folders given with `--root`; else the current folder — unless that is the root of the file system, the
 * home folder or a folder above it (clients often start servers there), when every path is refused with a sentence
 * that says how to give a folder.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PathScope } from '../../core/agent';
import { isInside } from '../../core/docs';
import { DescribeError } from '../../core/base';
import { CliInputError } from '../base';

/** The `--root` folders, resolved against the current folder; each must be an existing folder. */
export async function checkRootFlags(given: readonly string[], cwd: string): Promise<string[]> {
  const folders: string[] = [];
  for (const g of given) {
    const abs = path.resolve(cwd, g);
    const stat = await fs.stat(abs).catch(() => undefined);
    if (!stat) throw new CliInputError('bad-input', `--root ${g}: no such folder.`);
    if (!stat.isDirectory()) throw new CliInputError('bad-input', `--root ${g} is not a folder.`);
    if (!folders.includes(abs)) folders.push(abs);
  }
  return folders;
}

/** The home folder, from the server's environment (HOME; USERPROFILE on Windows), else the OS's answer. */
function homeOf(env: Readonly<Record<string, string | undefined>>): string {
  const fromEnv = process.platform === 'win32' ? env['USERPROFILE'] : env['HOME'];
  return fromEnv?.trim() ? fromEnv : os.homedir();
}

const realOr = (p: string): Promise<string> => fs.realpath(p).catch(() => p);

/**
 * Why the current folder is too wide to work in (the root of the file system, the home folder, a folder that holds
 * it), or undefined when it is not.
 */
export async function tooWideToWorkIn(cwd: string, env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  const folder = await realOr(path.resolve(cwd));
  const home = await realOr(path.resolve(homeOf(env)));
  if (path.parse(folder).root === folder) return 'the root of the file system';
  if (folder === home) return 'the home folder';
  if (isInside(folder, home)) return 'a folder that holds the home folder';
  return undefined;
}

/** The refusal when there is no folder to work in. */
export function noFolderError(cwd: string, why: string): DescribeError {
  return new DescribeError(
    'bad-input',
    `No folder to work in: the server was started in ${cwd} (${why}), and the MCP client lists no roots. Give the folder with --root DIR in the server's arguments, or use a client that lists its roots.`,
  );
}

/** The client's roots sorted into folders on this machine, and the rest with the reason each is left out. */
export async function clientFolders(roots: readonly { uri: string }[]): Promise<{ folders: string[]; left: string[] }> {
  const folders: string[] = [];
  const left: string[] = [];
  for (const { uri } of roots) {
    let folder: string | undefined;
    try {
      folder = /^file:\/\//i.test(uri) ? fileURLToPath(uri) : undefined;
    } catch {
      folder = undefined; // another host, a malformed path
    }
    if (!folder) {
      left.push(`${uri} (not a file:// URI of this machine)`);
      continue;
    }
    const stat = await fs.stat(folder).catch(() => undefined);
    if (!stat) left.push(`${uri} (no such folder)`);
    else if (!stat.isDirectory()) left.push(`${uri} (not a folder)`);
    else if (!folders.includes(folder)) folders.push(folder);
  }
  return { folders, left };
}

/** The scope over these folders; a folder reached through a symbolic link (macOS's /tmp) is accepted under both names. */
export async function scopeOf(folders: readonly string[]): Promise<PathScope> {
  const withReal: string[] = [];
  for (const f of folders) {
    const abs = path.resolve(f);
    for (const p of [abs, await realOr(abs)]) if (!withReal.includes(p)) withReal.push(p);
  }
  return new PathScope(withReal);
}
