/**
 * `alt-text fix --batch`: with no job saved, build the requests the interactive fix would send (cached answers are
 * not asked again), say what they cost, write them as JSONL, upload and submit them to the provider's Batch API, save
 * the job in the repository and exit 0 — nothing is written to the documents. Run again: a job still running reports
 * its status and counts (nothing else is sent); a finished one is applied (batchApply.ts). `--batch-status` only
 * reports, `--batch-cancel` cancels (the job stays saved, so what was done is still applied), `--wait` polls until done.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { nothingToFixMessage, planAltGroups, planFix, type AltGroup, type AltRunOptions, type DocFile } from '../../core/docs';
import { isDescribeError, type DescribeSettings } from '../../core/base';
import { assertStateDirReal, BatchApi, lockBatchJob, batchLimitsOf, batchShapeOf, isFinished, loadBatchState, saveBatchState, writeBatchInput, NoBatchEndpointError, type BatchAnswer, type BatchInfo, type BatchInput, type BatchLimits, type BatchState, type BatchUse } from '../../core/batch';
import { applyAnswers, collectAnswers, type ApplyContext } from './batchApply';
import { RunBackend } from './backend';
import type { FixOptions } from './fix';

export interface BatchFlags {
  readonly status: boolean;
  readonly cancel: boolean;
  readonly wait: boolean;
  readonly pollSeconds: number;
  /** For tests: smaller limits per input file (DESCRIBE_IMAGE_BATCH_MAX_REQUESTS / _MAX_BYTES). */
  readonly limits?: Partial<BatchLimits> | undefined;
}

export const DEFAULT_POLL_SECONDS = 60;

export interface Run extends ApplyContext {
  readonly settings: DescribeSettings;
  readonly flags: BatchFlags;
}

/** What a task submits: its groups still to ask (made with `options`), and where each job's image is. */
export interface Prepared {
  readonly options: AltRunOptions;
  readonly missing: readonly AltGroup[];
  /** Per job id: the image it is for; per document: its content hash. */
  readonly useOf: ReadonlyMap<string, BatchUse>;
  readonly hashOf: ReadonlyMap<string, string>;
}

/** What a batch does: fix (fill alt text) or verify (judge it). `T`: what applying gives. */
export interface BatchTask<T> {
  readonly name: 'fix' | 'verify';
  /** The requests to submit; or, with nothing to submit, the result at once (from the cache) or an exit code. */
  prepare(run: Run): Promise<Prepared | { readonly done: T } | { readonly exit: number }>;
  /** Use the answers (with no job: the cache only); the job is cleared after. */
  apply(run: Run, state: BatchState | undefined, answers: ReadonlyMap<string, BatchAnswer>): Promise<T>;
}

/** A batch run's end: applied (`done`), an exit code (an error, a limit, Ctrl+C), or still pending (said). */
export type BatchEnd<T> = { readonly done: T } | { readonly exit: number } | { readonly pending: true };

/** `alt-text fix --batch` (and --batch-status, --batch-cancel): the exit code. */
export async function batchFix(docs: readonly DocFile[], o: FixOptions, flags: BatchFlags): Promise<number> {
  const end = await runBatch(o, flags, fixTask(docs));
  return 'done' in end ? end.done : 'exit' in end ? end.exit : 0;
}

/** Submit, follow or apply a batch job of `task`. */
export async function runBatch<T>(o: FixOptions, flags: BatchFlags, task: BatchTask<T>): Promise<BatchEnd<T>> {
  const backend = new RunBackend(o);
  let release: (() => Promise<void>) | undefined;
  try {
    const { settings, client, cache, credential, transport } = await backend.open();
    const api = new BatchApi({ settings, credential, transport });
    backend.alsoRedact((t) => api.redact(t));
    const options: AltRunOptions = { settings, client, cache, maxLength: o.maxLength, signal: o.io.signal };
    const run: Run = { o, api, options, settings, flags, secrets: () => [...client.sentSecrets, ...api.sentSecrets] };
    await assertStateDirReal(o.root);
    if (!flags.status && !flags.cancel) release = await lockBatchJob(o.root); // reading or cancelling the job changes nothing of it
    const state = await loadBatchState(o.root);
    const other = state && (state.task ?? 'fix') !== task.name ? `alt-text ${state.task === 'verify' ? 'check --verify' : 'fix'} --batch` : undefined;
    if (other) return { exit: o.fail(2, `the saved batch job is one of ${other}: collect it with that command first (or --batch-cancel it).`, 'bad-input') };
    if (state && (state.endpoint !== settings.endpoint || state.deployment !== settings.deployment)) {
      return { exit: o.fail(2, `the saved batch job was submitted to ${state.deployment} at ${state.endpoint}; give that endpoint and deployment to collect it (or cancel it there and remove .describe-image/batch.json).`, 'bad-input') };
    }
    if (flags.status || flags.cancel) return { exit: state ? await report(run, state, flags.cancel) : (o.say('no batch job is saved in this folder (.describe-image/batch.json).'), 0) };
    if (state) return await collect(run, state, task);
    const submitted = await submit(run, task);
    if (!('state' in submitted)) return submitted;
    return flags.wait ? await collect(run, submitted.state, task) : { pending: true };
  } catch (e) {
    if (!isDescribeError(e)) throw e;
    if (e.code === 'cancelled') return { exit: o.fail(130, 'cancelled; nothing was written (a batch already submitted is kept in .describe-image/batch.json).', e.code) };
    if (e instanceof NoBatchEndpointError) return { exit: o.fail(1, backend.message(e), 'no-batch-endpoint') };
    return { exit: o.fail(e.isInputError ? 2 : 1, `${backend.message(e)} Nothing was written to the documents.`, e.code) };
  } finally {
    await release?.();
    await backend.close(true);
  }
}

/** The fix task: fill in alt text (planFix, applyFix). */
function fixTask(docs: readonly DocFile[]): BatchTask<number> {
  return {
    name: 'fix',
    async prepare(run) {
      const { o, options } = run;
      const plan = await planFix(docs, o);
      for (const s of plan.skipped) o.say(`skipped ${s}`);
      if (plan.targets.length === 0) {
        o.say(nothingToFixMessage(plan));
        return { exit: plan.skipped.length || o.hadErrors ? 1 : 0 };
      }
      const { groups } = await planAltGroups(plan.jobs, options);
      const missing = groups.filter((g) => g.hit === undefined);
      if (missing.length === 0) return { done: await applyAnswers(run, docs, undefined, new Map()) }; // all cached
      return { options, missing, ...usesOf(plan.targets) };
    },
    apply: (run, state, answers) => applyAnswers(run, docs, state, answers),
  };
}

/** Where each job's image is, and each document's hash, for the saved job. */
export function usesOf(targets: readonly { readonly doc: DocFile; readonly index: number; readonly jobId: string | undefined }[]): Pick<Prepared, 'useOf' | 'hashOf'> {
  const useOf = new Map<string, BatchUse>();
  for (const t of targets) {
    const image = t.doc.images[t.index];
    if (t.jobId && image) useOf.set(t.jobId, { file: t.doc.file, line: image.line, column: image.column, src: image.src });
  }
  return { useOf, hashOf: new Map(targets.map((t) => [t.doc.file, t.doc.hash])) };
}

function statusLine(info: BatchInfo): string {
  return `batch ${info.id}: ${info.status}, ${info.completed} of ${info.total} request(s) done, ${info.failed} failed.`;
}

/** --batch-status and --batch-cancel: say where each batch is (after asking to cancel those still running). */
async function report(run: Run, state: BatchState, cancel: boolean): Promise<number> {
  for (const b of state.batches) {
    let info = await run.api.get(b.id, run.o.io.signal);
    if (cancel && !isFinished(info.status)) info = await run.api.cancel(b.id, run.o.io.signal);
    run.o.say(statusLine(info));
  }
  const command = state.task === 'verify' ? 'alt-text check --verify --batch' : 'alt-text fix --batch';
  run.o.say(cancel ? `cancel asked: run ${command} again to use what was done before the cancel.` : `submitted ${state.submittedAt}; run ${command} to use it once every batch is completed.`);
  return 0;
}

/** Wait while a batch still runs (--wait), or say so and stop; when all are finished, apply them. */
async function collect<T>(run: Run, state: BatchState, task: BatchTask<T>): Promise<BatchEnd<T>> {
  const { o, flags } = run;
  for (;;) {
    const infos: BatchInfo[] = [];
    for (const b of state.batches) infos.push(await run.api.get(b.id, o.io.signal));
    if (infos.every((i) => isFinished(i.status))) return { done: await task.apply(run, state, await collectAnswers(run, state, infos)) };
    for (const info of infos) o.say(statusLine(info));
    if (!flags.wait) {
      o.say('not finished yet: nothing was written. Come back later (a batch takes up to 24 hours) and run the same command again, or add --wait.');
      return { pending: true };
    }
    o.say(`waiting ${flags.pollSeconds} s before asking again (Ctrl+C stops waiting; the job stays saved).`);
    if (!(await pause(flags.pollSeconds * 1000, o.io.signal))) {
      o.say('stopped waiting; the batch goes on: run the same command again later.');
      return { exit: 130 };
    }
  }
}

/** Sleep; false when the signal stopped it. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const done = (value: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** What the batch costs, said before it is submitted. */
function costLine(input: BatchInput, images: number, settings: DescribeSettings): string {
  const requests = input.requests.size;
  const mb = (input.parts.reduce((n, p) => n + p.bytes, 0) / 1024 / 1024).toFixed(1);
  const imageTokens = input.imageTokens === undefined ? 'image tokens unknown (an image from a URL)' : `about ${input.imageTokens} image token(s)`;
  return `batch for ${settings.deployment}: ${images} image(s), ${requests} request(s) in ${input.parts.length} file(s) (${mb} MB); ${imageTokens} and about ${Math.ceil(input.promptChars / 4)} prompt token(s) in, at most ${input.maxTokens} token(s) out per request; billed at the batch rate, about half the interactive price.`;
}

/** Build, upload and submit the requests still missing; the saved job, or the task's end (nothing to submit, a limit). */
async function submit<T>(run: Run, task: BatchTask<T>): Promise<{ readonly state: BatchState } | BatchEnd<T>> {
  const { o, settings } = run;
  const prepared = await task.prepare(run);
  if ('done' in prepared || 'exit' in prepared) return prepared;
  const { missing, options } = prepared;
  if (o.maxRequests !== undefined && missing.length > o.maxRequests) {
    return { exit: o.fail(2, `--batch would submit ${missing.length} request(s), more than --max-requests ${o.maxRequests}: nothing was sent, nothing was written.`, 'bad-input') };
  }
  const shape = batchShapeOf(settings);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'describe-image-batch-'));
  try {
    const input = await writeBatchInput(missing, { shape, options, dir, limits: { ...batchLimitsOf(shape), ...run.flags.limits }, signal: o.io.signal });
    for (const r of input.refused) o.say(`skipped ${r.group.jobs[0]?.source ?? ''}: ${r.reason}; not submitted`);
    if (!input.parts.length) return { exit: o.fail(1, 'nothing could be submitted (every image was refused, said above).', 'bad-input') };
    o.say(costLine(input, missing.reduce((n, g) => n + g.jobs.length, 0), settings));
    const state = await upload(run, task.name, prepared, input);
    o.say(`submitted ${input.requests.size} request(s) in ${state.batches.length} batch(es) (${state.batches.map((b) => b.id).join(', ')}); the job is saved in .describe-image/batch.json. Nothing was written to the documents.`);
    o.say('results come within 24 hours: run the same command again to use them (--batch-status shows progress, --wait waits here). In CI: submit in one workflow run, apply in a scheduled one, keeping .describe-image/ (commit it or cache it).');
    return { state };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Upload each input file and create its batch, saving the job after each (a failure midway loses no batch). */
async function upload(run: Run, task: BatchTask<unknown>['name'], { useOf, hashOf }: Prepared, input: BatchInput): Promise<BatchState> {
  const { o, settings } = run;
  const state: BatchState & { batches: BatchState['batches'][number][] } = { kind: 'describe-image-batch', version: 1, task, submittedAt: new Date().toISOString(), shape: batchShapeOf(settings), endpoint: settings.endpoint, deployment: settings.deployment, batches: [], requests: {}, files: {} };
  const requests = state.requests as Record<string, BatchState['requests'][string]>;
  const files = state.files as Record<string, string>;
  for (const [n, part] of input.parts.entries()) {
    const fileId = await run.api.upload(part.file, `describe-image-alt-text-${n + 1}.jsonl`, o.io.signal);
    const info = await run.api.create(fileId, o.io.signal);
    state.batches.push({ id: info.id, inputFileId: fileId, customIds: part.customIds });
    for (const id of part.customIds) {
      const group = input.requests.get(id);
      if (!group) continue;
      const uses = group.jobs.map((j) => useOf.get(j.id)).filter((u): u is BatchUse => !!u);
      requests[id] = { key: group.key, uses };
      for (const u of uses) files[u.file] = hashOf.get(u.file) ?? '';
    }
    await saveBatchState(o.root, state);
  }
  return state;
}
