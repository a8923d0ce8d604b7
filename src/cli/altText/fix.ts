/**
 * `alt-text fix`: plan what to fill in (core/docs fix.ts), say what will be sent (images, requests after dedupe and the
 * cache) before anything is, stop before sending when `--max-requests N` is passed, generate the alt text with
 * progress on stderr, then write each file (checked by reading it back, atomic, only if unchanged) or print the diff.
 */
import * as path from 'node:path';
import { applyFix, fixCostLine, fixSummary, nothingToFixMessage, planFix, purposeLines, type DocFile, type FixAltResult } from '../../core/docs';
import { altProgressText, generateAltTexts, previewAltRun, runError, type AltJob, type AltProgress, type AltRunOptions, type AltRunStats } from '../../core/docs';
import type { DirectoryCache } from '../../core/docs';
import { isDescribeError } from '../../core/base';
import type { Site } from '../../core/sites';
import { WaitingLine, type Failure } from '../base';
import { RunBackend, type RunBackendOptions } from './backend';

export interface FixOptions extends RunBackendOptions {
  readonly docsRoot: string;
  readonly sites: readonly Site[];
  readonly maxLength: number;
  readonly concurrency: number;
  /** Stop before sending when more requests than this would be sent. */
  readonly maxRequests: number | undefined;
  readonly dirCache: DirectoryCache;
  readonly dryRun: boolean;
  readonly rewriteUninformative: boolean;
  readonly fixPathCase: boolean;
  readonly context: boolean;
  readonly fail: Failure;
  readonly output: { readonly json: boolean };
  readonly hadErrors: boolean;
}

/** Progress on stderr: on a terminal the waiting line, else a line per image; only finished alt texts count as done. */
function progressReporter(o: FixOptions, waiting: WaitingLine): (p: AltProgress) => void {
  const onTerminal = o.io.stderrIsTty === true;
  return (p) => {
    // Images not sent are cancelled when the user stopped the run, else an error stopped it.
    const line = `${altProgressText(p, o.io.signal?.aborted ? 'cancelled' : 'not sent')} (${path.relative(o.root, p.current) || p.current})`;
    if (onTerminal) waiting.show(`generating alt text: ${line}`);
    else o.say(line);
  };
}

/**
 * Generate the alt text of every job (the cache first), after saying what will be sent; a number is the exit code of
 * a run that failed or was stopped before sending (--max-requests).
 */
async function generate(jobs: readonly AltJob[], o: FixOptions): Promise<{ results: Map<string, FixAltResult>; stats: AltRunStats } | number> {
  const backend = new RunBackend(o);
  const waiting = new WaitingLine(o.io, { json: o.output.json });
  try {
    const { settings, client, cache } = await backend.open();
    const options: AltRunOptions = { settings, client, cache, maxLength: o.maxLength, maxConcurrency: o.concurrency, signal: o.io.signal, onProgress: progressReporter(o, waiting) };
    const preview = await previewAltRun(jobs, options);
    o.say(fixCostLine(preview, settings.deployment || settings.endpoint));
    if (o.maxRequests !== undefined && preview.requests > o.maxRequests) {
      return o.fail(2, `fix would send ${preview.requests} request(s), more than --max-requests ${o.maxRequests}: nothing was sent, nothing was written. Fix fewer files, or raise --max-requests.`, 'bad-input');
    }
    waiting.show(`generating alt text: ${altProgressText({ total: jobs.length, done: 0, failed: 0, cancelled: 0 })}`);
    const run = await generateAltTexts(jobs, options);
    waiting.stop();
    const stop = runError(run);
    if (stop) throw stop;
    return { results: new Map(run.results), stats: run.stats };
  } catch (e) {
    waiting.stop();
    if (!isDescribeError(e)) throw e;
    if (e.code === 'cancelled') return o.fail(130, 'cancelled; nothing was written.', e.code);
    return o.fail(e.isInputError ? 2 : 1, `${backend.message(e)}${e.isInputError ? '' : ' Nothing was written.'}`, e.code);
  } finally {
    waiting.stop();
    await backend.close(!o.dryRun);
  }
}

/** Fill in the docs' alt text (and link case, with --fix-path-case); the exit code. */
export async function fixDocs(docs: readonly DocFile[], o: FixOptions): Promise<number> {
  const plan = await planFix(docs, o);
  if (plan.targets.length === 0) {
    for (const s of plan.skipped) o.say(`skipped ${s}`);
    o.say(nothingToFixMessage(plan));
    return plan.skipped.length || o.hadErrors ? 1 : 0;
  }
  let results = new Map<string, FixAltResult>();
  let stats: AltRunStats | undefined;
  if (plan.jobs.length) {
    const run = await generate(plan.jobs, o);
    if (typeof run === 'number') return run;
    ({ results, stats } = run);
  }
  // Edits per file, each checked by reading the result back, then written atomically if the file is unchanged.
  const applied = await applyFix(plan, results, { root: o.root, dryRun: o.dryRun });
  for (const f of applied.files) if (f.diff !== undefined) o.io.stdout(f.diff);
  for (const s of applied.skipped) o.say(`skipped ${s}`);
  for (const line of purposeLines(applied)) o.say(line);
  for (const line of fixSummary(plan, applied, { dryRun: o.dryRun, fixPathCase: o.fixPathCase, stats, root: o.root }).split('\n')) o.say(line);
  return applied.skipped.length > 0 || o.hadErrors ? 1 : 0;
}
