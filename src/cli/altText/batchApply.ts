/**
 * `alt-text fix --batch` when the job is done: download its result files (resumed when a download was interrupted),
 * read each answer as an interactive one is read (into the cache), and write the alt text through the same plan and
 * safe write as `alt-text fix` — only in documents unchanged since submission (the others are said and left), never
 * for a request that failed (its reason is said, its image left as it is). Then the job is cleared.
 */
import { altOutcomeOfAnswer, applyFix, cachedAltOutcome, planAltGroups, planFix, purposeLines, type AltGroup, type AltJob, type AltOutcome, type AltRunOptions, type DocFile, type FixAltResult } from '../../core/docs';
import { clearBatchState, downloadPath, maxResultBytes, readResultFile, regularFileSize, type BatchAnswer, type BatchApi, type BatchInfo, type BatchState } from '../../core/batch';
import type { FixOptions } from './fix';

export interface ApplyContext {
  readonly o: FixOptions;
  readonly api: BatchApi;
  readonly options: AltRunOptions;
  /** Secrets to keep out of what is read (the client's, the batch client's). */
  readonly secrets: () => readonly string[];
}

const NO_ANSWER: Record<string, string> = {
  failed: 'its batch failed validation (said above)',
  expired: 'its batch expired before it was answered',
  cancelled: 'its batch was cancelled before it was answered',
  completed: 'the completed batch has no answer for it',
};

/** Download every finished batch's output and error files, and read them: per custom id, the answer or why none. */
export async function collectAnswers(ctx: ApplyContext, state: BatchState, infos: readonly BatchInfo[]): Promise<Map<string, BatchAnswer>> {
  const answers = new Map<string, BatchAnswer>();
  for (const [n, info] of infos.entries()) {
    if (info.status === 'failed') {
      ctx.o.say(`batch ${info.id} failed${info.errors.length ? ':' : '.'}`);
      for (const e of info.errors) ctx.o.say(`  ${e.line !== undefined ? `line ${e.line}: ` : ''}${e.code ? `${e.code}: ` : ''}${ctx.api.redact(e.message)}`);
    }
    const customIds = state.batches[n]?.customIds ?? [];
    const got = await readBatchFiles(ctx, info, customIds.length);
    // A Set: a batch holds up to 100,000 requests, a lookup in the list for each answer would be quadratic.
    const given = new Set(customIds);
    const strangers = [...got.keys()].filter((id) => !given.has(id)).length;
    if (strangers) ctx.o.say(`batch ${info.id}: ${strangers} answer(s) for requests it was never given were left out.`);
    // Requests the batch ended without answering: why, by how it ended.
    const why = NO_ANSWER[info.status] ?? `the batch ended ${info.status} without an answer for it`;
    for (const id of customIds) answers.set(id, got.get(id) ?? { ok: false, reason: `${why}; a later run submits it again` });
  }
  return answers;
}

/** A finished batch's output and error files downloaded (unless already there) and read: per custom id as the service gave it. */
async function readBatchFiles(ctx: ApplyContext, info: BatchInfo, requests: number): Promise<Map<string, BatchAnswer>> {
  const got = new Map<string, BatchAnswer>();
  for (const [which, fileId] of [['output', info.outputFileId], ['errors', info.errorFileId]] as const) {
    if (!fileId) continue;
    const dest = downloadPath(ctx.o.root, info.id, which);
    const have = (await regularFileSize(dest)) !== undefined;
    if (!have) await ctx.api.download(fileId, dest, ctx.o.io.signal, maxResultBytes(requests));
    const unread = await readResultFile(dest, got, ctx.secrets());
    if (unread) ctx.o.say(`batch ${info.id}: ${unread} line(s) of its ${which} file could not be read (not JSON, cut short, too long or without a custom_id); their requests count as unanswered.`);
  }
  return got;
}

/** The outcome of one group of the plan: its batch answer, else the cache, else none (not in this batch). */
function outcomeOf(ctx: ApplyContext, options: AltRunOptions, group: AltGroup, id: string | undefined, answer: BatchAnswer | undefined): AltOutcome | undefined {
  const first = group.jobs[0];
  if (!first) return undefined;
  if (answer?.ok) return altOutcomeOfAnswer(options, first, group.key, answer.text, answer.finishReason, (t) => ctx.api.redact(t));
  if (group.hit !== undefined) return cachedAltOutcome(options, first, group.hit);
  if (answer) return { ok: false, reason: answer.reason, status: 'failed' };
  if (id) return { ok: false, reason: 'the batch gave no answer for it; a later run submits it again', status: 'failed' };
  return undefined;
}

/** The documents of the job unchanged since it was submitted (with no job: all); the others are said. */
export function unchangedDocs(ctx: ApplyContext, docs: readonly DocFile[], state: BatchState | undefined): readonly DocFile[] {
  if (!state) return docs;
  const byFile = new Map(docs.map((d) => [d.file, d]));
  for (const [file, hash] of Object.entries(state.files)) {
    const doc = byFile.get(file);
    if (!doc) ctx.o.say(`skipped ${file}: it is not among the files of this run (or no longer exists); its answers are kept in the cache.`);
    else if (doc.hash !== hash) ctx.o.say(`skipped ${file}: it changed since the batch was submitted; its images are left as they are (the answers are kept in the cache, a later run uses or asks them again).`);
  }
  return docs.filter((d) => state.files[d.file] === d.hash);
}

/**
 * Per job of `jobs` (grouped and keyed with `options`, as at submission): its outcome from the batch's answers or the
 * cache; jobs neither answered nor asked are left out. Every usable answer goes into the cache, also those for
 * documents that changed meanwhile: a later run asks them no more.
 */
export async function outcomesOf(ctx: ApplyContext, options: AltRunOptions, jobs: readonly AltJob[], state: BatchState | undefined, answers: ReadonlyMap<string, BatchAnswer>): Promise<Map<string, AltOutcome>> {
  const { groups } = await planAltGroups(jobs, options);
  const idOfKey = new Map(Object.entries(state?.requests ?? {}).map(([id, r]) => [r.key, id]));
  const results = new Map<string, AltOutcome>();
  const used = new Set<string>();
  for (const group of groups) {
    const id = idOfKey.get(group.key);
    if (id) used.add(id);
    const outcome = outcomeOf(ctx, options, group, id, id ? answers.get(id) : undefined);
    if (outcome) for (const job of group.jobs) results.set(job.id, outcome);
  }
  for (const [id, answer] of answers) {
    const request = state && Object.hasOwn(state.requests, id) ? state.requests[id] : undefined;
    if (used.has(id) || !request || !answer.ok) continue;
    altOutcomeOfAnswer(options, { id, source: request.uses[0]?.file ?? id }, request.key, answer.text, answer.finishReason, (t) => ctx.api.redact(t));
  }
  return results;
}

/**
 * Write the answers (and cached ones) into the documents of the job that did not change since it was submitted
 * (with no job: every document, from the cache only); the exit code. The job is cleared after.
 */
export async function applyAnswers(ctx: ApplyContext, docs: readonly DocFile[], state: BatchState | undefined, answers: ReadonlyMap<string, BatchAnswer>): Promise<number> {
  const { o } = ctx;
  const plan = await planFix(unchangedDocs(ctx, docs, state), o);
  const results: Map<string, FixAltResult> = await outcomesOf(ctx, ctx.options, plan.jobs, state, answers);
  const waiting = plan.jobs.filter((j) => !results.has(j.id)).length;
  const done = { ...plan, jobs: plan.jobs.filter((j) => results.has(j.id)), targets: plan.targets.filter((t) => !t.jobId || results.has(t.jobId)) };
  const applied = await applyFix(done, results, { root: o.root, dryRun: false });
  for (const s of applied.skipped) o.say(`not filled ${s}`);
  for (const line of purposeLines(applied)) o.say(line);
  const failed = [...results.values()].filter((r) => !r.ok).length;
  o.say(`filled ${applied.filled} of ${done.jobs.length} image(s) in ${applied.files.length} file(s) from ${state ? `${state.batches.length} batch(es)` : 'the cache'}; no chat request sent${failed ? `; ${failed} image(s) got no alt text (said above)` : ''}.`);
  if (waiting) o.say(`${waiting} image(s) without alt text were not in this batch: run again with --batch to submit them.`);
  if (state) await clearBatchState(o.root, state);
  return applied.skipped.length > 0 || o.hadErrors ? 1 : 0;
}
