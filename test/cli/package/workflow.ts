/** A GitHub Actions workflow file, read with a YAML parser, and its `run:` steps run as the runner runs them. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface WorkflowStep {
  readonly name?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
}

/** The steps of the workflow's one job. */
export function readWorkflow(file: string): readonly WorkflowStep[] {
  const workflow = parse(readFileSync(file, 'utf8')) as { jobs?: Record<string, { steps?: WorkflowStep[] }> };
  const jobs = Object.values(workflow.jobs ?? {});
  assert.equal(jobs.length, 1, `${file} has one job`);
  return jobs[0]?.steps ?? [];
}

/** Run a step's `run:` in the shell GitHub's Linux runners use (`bash --noprofile --norc -eo pipefail {0}`). */
export function runStep(step: WorkflowStep, cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  assert.ok(step.run, `${step.name ?? 'the step'} has a run: script`);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run ?? ''], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
