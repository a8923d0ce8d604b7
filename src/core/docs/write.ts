/**
 * Writing a documentation file without losing anything: only if its content is still what was read (a content hash,
 * so an edit made meanwhile is never overwritten), never through a symbolic link that leads out of the tree, and
 * atomically (a temporary file in the same folder, then a rename), keeping the file's permissions.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isInside } from './links';

export function contentHash(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

export type WriteOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Replace `file` (inside `root`) by `content`, if it still hashes to `expectedHash`. Returns why not otherwise; throws
 * only for I/O failures (disk full, permissions), after removing its temporary file.
 */
export async function writeFileSafely(file: string, content: string, expectedHash: string, root: string): Promise<WriteOutcome> {
  let target: string;
  try {
    const [realFile, realRoot] = await Promise.all([fs.realpath(file), fs.realpath(root)]);
    target = realFile;
    if (!isInside(realRoot, realFile)) return { ok: false, reason: 'it is a symbolic link to a file outside the folder; not written' };
  } catch {
    return { ok: false, reason: 'it no longer exists; not written' };
  }
  const current = await fs.readFile(target);
  if (contentHash(current) !== expectedHash) return { ok: false, reason: 'it changed since it was read; not written (run again)' };
  const stat = await fs.stat(target);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.writeFile(tmp, content, { flag: 'wx', mode: stat.mode & 0o777 });
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
  return { ok: true };
}
