/**
 * A submitted batch job, saved in the repository (`.describe-image/batch.json` under the folder the run works in) so
 * that a later run — on this machine or a CI runner that checked the repository out, or restored it from a cache —
 * can collect it: the batches, the API they went to, and per request (custom id) its cache key and the images it
 * answers, with the content hash each document had when it was submitted. Never a credential. Written atomically
 * (a temporary file, then a rename); read back strictly (a file that is not one is refused, never overwritten).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DescribeError } from '../base';
import type { BatchShape } from './api';

export const BATCH_STATE_DIR = '.describe-image';
export const BATCH_STATE_FILE = 'batch.json';

export interface BatchUse {
  /** The document, relative to the root, forward slashes. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly src: string;
}

export interface BatchState {
  readonly kind: 'describe-image-batch';
  readonly version: 1;
  /** What the answers are for: alt text to fill in (fix, the default) or alt text to judge (check --verify). */
  readonly task?: 'fix' | 'verify' | undefined;
  readonly submittedAt: string;
  readonly shape: BatchShape;
  /** The endpoint or base URL, and the deployment or model, the requests were made for. */
  readonly endpoint: string;
  readonly deployment: string;
  /** Each batch with its input file and the custom ids of its requests. */
  readonly batches: readonly { readonly id: string; readonly inputFileId: string; readonly customIds: readonly string[] }[];
  /** Per custom id: the cache key of its answer and the images it is for. */
  readonly requests: Readonly<Record<string, { readonly key: string; readonly uses: readonly BatchUse[] }>>;
  /** Per document with a request: its content hash at submit time. */
  readonly files: Readonly<Record<string, string>>;
}

export function batchStateDir(root: string): string {
  return path.join(root, BATCH_STATE_DIR);
}

export function batchStatePath(root: string): string {
  return path.join(batchStateDir(root), BATCH_STATE_FILE);
}

/** The saved job, or undefined when there is none. */
export async function loadBatchState(root: string): Promise<BatchState | undefined> {
  const file = batchStatePath(root);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new DescribeError('bad-input', `${path.relative(root, file)} cannot be read (${code ?? 'error'}); it was left as it is.`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const s = json as Partial<BatchState> | undefined;
  const left = `${path.relative(root, file)} is not a describe-image batch state; it was left as it is. Move it away to submit a new batch.`;
  if (s?.kind === 'describe-image-batch' && typeof s.version === 'number' && s.version > 1) {
    throw new DescribeError('bad-input', `${path.relative(root, file)} was written by a newer describe-image (job version ${s.version}); it was left as it is: collect it with that version.`);
  }
  if (!isBatchState(s)) throw new DescribeError('bad-input', left);
  return s;
}

const isText = (v: unknown, max = 1000): v is string => typeof v === 'string' && v.length > 0 && v.length <= max && ![...v].some((c) => c.charCodeAt(0) < 0x20);
const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isUse = (u: unknown): boolean => isRecord(u) && isText(u['file']) && typeof u['line'] === 'number' && typeof u['column'] === 'number' && typeof u['src'] === 'string';

/** Every field of a job as this version writes it: ids and names short and without control characters. */
function isBatchState(s: Partial<BatchState> | undefined): s is BatchState {
  if (!s || s.kind !== 'describe-image-batch' || s.version !== 1 || !isText(s.endpoint, 2000) || typeof s.deployment !== 'string') return false;
  if (s.task !== undefined && s.task !== 'fix' && s.task !== 'verify') return false;
  if (!Array.isArray(s.batches) || !isRecord(s.requests) || !isRecord(s.files)) return false;
  const batchesOk = s.batches.every((b: unknown) => isRecord(b) && isText(b['id'], 200) && isText(b['inputFileId'], 200) && Array.isArray(b['customIds']) && b['customIds'].every((id) => isText(id, 200)));
  const requestsOk = Object.values(s.requests).every((r: unknown) => isRecord(r) && typeof r['key'] === 'string' && Array.isArray(r['uses']) && r['uses'].every(isUse));
  return batchesOk && requestsOk && Object.values(s.files).every((h) => typeof h === 'string');
}

/** The job's folder, when it exists, is a real folder: a symbolic link could lead the job and downloads out of the repository. */
export async function assertStateDirReal(root: string): Promise<void> {
  const stat = await fs.lstat(batchStateDir(root)).catch(() => undefined);
  if (stat && !stat.isDirectory()) {
    throw new DescribeError('bad-input', `${BATCH_STATE_DIR} is ${stat.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}: the batch job is kept only in a real folder inside ${root}. Remove it and run again.`);
  }
}

export const BATCH_LOCK_FILE = 'batch.lock';

/** Whether the run that wrote a lock (`host pid`) still runs: a lock from another machine, or of a gone process, is stale. */
function lockHolderAlive(text: string): boolean {
  const [host, pidText] = text.trim().split(' ');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Take the folder's batch job for this run (`.describe-image/batch.lock`, made exclusively): a second run at the same
 * time is refused before it sends anything, so it neither submits a second batch nor overwrites the job or applies it
 * twice. A lock left by a run that ended abruptly is taken over. The function returned gives it back.
 */
export async function lockBatchJob(root: string): Promise<() => Promise<void>> {
  await assertStateDirReal(root);
  await fs.mkdir(batchStateDir(root), { recursive: true });
  await assertStateDirReal(root);
  const lock = path.join(batchStateDir(root), BATCH_LOCK_FILE);
  const mine = `${os.hostname()} ${process.pid}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.writeFile(lock, mine, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      const held = await fs.readFile(lock, 'utf8').catch(() => '');
      if (lockHolderAlive(held)) {
        throw new DescribeError('bad-input', `another describe-image run (process ${held.trim().split(' ')[1] ?? '?'}) is working on the batch job of this folder; nothing was sent. Wait for it to end (--batch-status shows where the job is), or remove ${BATCH_STATE_DIR}/${BATCH_LOCK_FILE} if no run is.`);
      }
      await fs.rm(lock, { force: true });
    }
  }
  return async () => {
    if ((await fs.readFile(lock, 'utf8').catch(() => '')) === mine) await fs.rm(lock, { force: true });
    await fs.rmdir(batchStateDir(root)).catch(() => undefined);
  };
}

/** Save the job atomically. */
export async function saveBatchState(root: string, state: BatchState): Promise<void> {
  const file = batchStatePath(root);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await assertStateDirReal(root);
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { flag: 'wx' });
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** Where a batch's result file is downloaded (and its `.part` while it arrives). */
export function downloadPath(root: string, batchId: string, which: 'output' | 'errors'): string {
  return path.join(batchStateDir(root), `${batchId.replace(/[^A-Za-z0-9_-]/g, '_')}.${which}.jsonl`);
}

/** Remove the job and its downloads (the folder too, when nothing else is in it). */
export async function clearBatchState(root: string, state: BatchState): Promise<void> {
  for (const b of state.batches) {
    for (const which of ['output', 'errors'] as const) {
      const f = downloadPath(root, b.id, which);
      await fs.rm(f, { force: true });
      await fs.rm(`${f}.part`, { force: true });
    }
  }
  await fs.rm(batchStatePath(root), { force: true });
  await fs.rmdir(batchStateDir(root)).catch(() => undefined);
}
