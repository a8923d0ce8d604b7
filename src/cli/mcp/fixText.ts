/** What altTextFix answers: the lines (skips, purposes, the summary, what was written or not) and the diff. */
import { fixSummary, purposeLines, type FixApplied, type FixPlan } from '../../core/docs';

export function fixResultText(plan: FixPlan, applied: FixApplied, unparsed: readonly string[], o: Parameters<typeof fixSummary>[2] & { readonly dryRun: boolean }): { lines: string[]; diff: string } {
  const lines = [...unparsed, ...applied.skipped.map((s) => `skipped ${s}`), ...purposeLines(applied), fixSummary(plan, applied, o)];
  if (o.dryRun) lines.push(applied.files.length ? 'Nothing was written: call altTextFix again with dryRun false to write these changes.' : 'Nothing was written.');
  else if (applied.files.length) lines.push(`Wrote ${applied.files.map((f) => f.file).join(', ')}.`);
  return { lines, diff: applied.files.map((f) => f.diff ?? '').join('') };
}
