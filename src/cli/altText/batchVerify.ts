/**
 * `alt-text check --verify --batch`: the verify requests (the same as `check --verify` sends: image, alt text,
 * context) through the provider's Batch API, with the job saved in the repository like fix --batch's. When the job is
 * done, its verdicts become the `alt-mismatch` findings of the report (only for documents unchanged since it was
 * submitted); while it runs, the report has the rules' findings only and says so.
 */
import { planAltGroups, planVerify, verifyAsk, verifyFindings, type AltRunOptions, type DocFile, type Finding, type VerifySummary } from '../../core/docs';
import { redact } from '../../core/base';
import { clearBatchState, type BatchAnswer, type BatchState } from '../../core/batch';
import { outcomesOf, unchangedDocs } from './batchApply';
import { runBatch, usesOf, type BatchFlags, type BatchTask, type Run } from './batch';
import type { FixOptions } from './fix';

export type Verified = { readonly findings: Finding[]; readonly summary: VerifySummary };

/** The verdicts (when the job is done, or all cached), `pending` (submitted or still running), or an exit code. */
export async function verifyBatch(docs: readonly DocFile[], o: FixOptions, flags: BatchFlags): Promise<Verified | 'pending' | number> {
  const end = await runBatch(o, flags, verifyTask(docs));
  return 'done' in end ? end.done : 'exit' in end ? end.exit : 'pending';
}

function verifyTask(docs: readonly DocFile[]): BatchTask<Verified> {
  return {
    name: 'verify',
    async prepare(run) {
      const plan = await planVerify(docs, run.o);
      const options: AltRunOptions = { ...run.options, ask: verifyAsk(plan, run.o.maxLength) };
      const { groups } = await planAltGroups(plan.jobs, options);
      const missing = groups.filter((g) => g.hit === undefined);
      if (missing.length === 0) return { done: await verdicts(run, docs, undefined, new Map()) };
      return { options, missing, ...usesOf(plan.targets) };
    },
    apply: (run, state, answers) => verdicts(run, docs, state, answers),
  };
}

/** The findings of the answers (and the cache) for the documents unchanged since submission; the job is cleared. */
async function verdicts(run: Run, docs: readonly DocFile[], state: BatchState | undefined, answers: ReadonlyMap<string, BatchAnswer>): Promise<Verified> {
  const plan = await planVerify(unchangedDocs(run, docs, state), run.o);
  const options: AltRunOptions = { ...run.options, ask: verifyAsk(plan, run.o.maxLength) };
  const results = await outcomesOf(run, options, plan.jobs, state, answers);
  const { groups, deduplicated } = await planAltGroups(plan.jobs, options);
  const { findings, notVerified } = verifyFindings(plan, results, (t) => redact(t, run.secrets()));
  if (state) await clearBatchState(run.o.root, state);
  const cached = groups.filter((g) => g.hit !== undefined).length;
  return { findings, summary: { images: plan.jobs.length, sent: 0, cached, deduplicated, notVerified } };
}
