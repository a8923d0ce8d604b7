/** The built CLI (dist/cli.js) as its own process, the way the CLI tests run it. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { cliPath, networkGuard, peakMemory } from './paths';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the process in bytes, when `measureMemory` was asked. */
  peakBytes?: number;
  /** How long the process took to end after SIGINT, when it was sent. */
  msAfterInterrupt?: number;
}

export interface CliProcessOptions {
  readonly cwd: string;
  /** The only variables the process gets besides PATH and the guard's log (undefined: left out). */
  readonly env?: Record<string, string | undefined>;
  /** Where the network guard records any connection that is not loopback. */
  readonly guardLog: string;
  /** Keys and tokens that must never appear in the output. */
  readonly secrets?: readonly string[];
  /** Send SIGINT (Ctrl+C) after this long. */
  readonly interruptAfterMs?: number;
  /** Record the process's peak resident memory (`peakBytes`). */
  readonly measureMemory?: boolean;
  /** Send SIGINT (Ctrl+C) when this settles (e.g. when a server saw the request: a fixed delay is fragile under load). */
  readonly interruptWhen?: Promise<unknown>;
  /** Send SIGINT (Ctrl+C) when the process first writes this to stderr: when it is seen to be at work. */
  readonly interruptOnStderr?: string;
  /** Kill the process (SIGKILL) if it still runs after this long: for tests of a process that might never end. */
  readonly killAfterMs?: number;
  /**
   * An installed `describe-image` (e.g. the npm package's bin) to run as it is, instead of `node dist/cli.js`: the guard
   * is then preloaded through NODE_OPTIONS, and this Node comes first in PATH (for the bin's `#!/usr/bin/env node`).
   */
  readonly command?: string;
}

/**
 * A home and cache folder of the test's own (beside its guard log), so a run never reads or writes the real user's
 * (the alt-text cache lives in the user cache folder by default); a test that cares sets HOME or XDG_CACHE_HOME.
 */
export function ownHome(guardLog: string, env: Record<string, string | undefined> = {}): Record<string, string> {
  if (env['HOME'] !== undefined) return {}; // the test's own home: its cache folder is found from it
  const home = `${guardLog}.home`;
  return { HOME: home, XDG_CACHE_HOME: path.join(home, '.cache') };
}

/** The executable, its arguments and the variables that preload the guard (and the memory probe). */
function commandLine(args: readonly string[], options: CliProcessOptions, memoryLog: string | undefined): { file: string; argv: string[]; env: Record<string, string | undefined> } {
  const preload = memoryLog ? ['--require', networkGuard, '--require', peakMemory] : ['--require', networkGuard];
  if (options.command === undefined) return { file: process.execPath, argv: [...preload, cliPath, ...args], env: {} };
  const nodeOptions = preload.map((p) => (p.startsWith('--') ? p : JSON.stringify(p))).join(' ');
  return { file: options.command, argv: [...args], env: { NODE_OPTIONS: nodeOptions, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env['PATH'] ?? ''}` } };
}

/**
 * Run the CLI under the network guard. When it ends: no secret in its stdout or stderr, and nothing tried to leave
 * this machine.
 */
export function runCliProcess(args: readonly string[], options: CliProcessOptions): Promise<CliRun> {
  const memoryLog = options.measureMemory ? `${options.guardLog}.peak-memory` : undefined;
  const line = commandLine(args, options, memoryLog);
  const env = Object.fromEntries(
    Object.entries({ PATH: process.env['PATH'] ?? '', ...ownHome(options.guardLog, options.env), NETWORK_GUARD_LOG: options.guardLog, PEAK_MEMORY_LOG: memoryLog, ...line.env, ...options.env }).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(line.file, line.argv, { cwd: options.cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    let interruptedAt: number | undefined;
    const interrupt = () => {
      if (interruptedAt !== undefined || child.exitCode !== null || child.signalCode !== null) return;
      interruptedAt = Date.now();
      child.kill('SIGINT');
    };
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (options.interruptOnStderr !== undefined && stderr.includes(options.interruptOnStderr)) interrupt();
    });
    const timer = options.interruptAfterMs !== undefined ? setTimeout(interrupt, options.interruptAfterMs) : undefined;
    void options.interruptWhen?.then(interrupt, interrupt);
    const killer = options.killAfterMs !== undefined ? setTimeout(() => child.kill('SIGKILL'), options.killAfterMs) : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killer);
      for (const secret of options.secrets ?? []) assert.ok(!(stdout + stderr).includes(secret), 'no key or token in the output');
      const outside = existsSync(options.guardLog) ? readFileSync(options.guardLog, 'utf8') : '';
      assert.equal(outside, '', `the CLI tried to leave this machine: ${outside}`);
      const peakBytes = memoryLog && existsSync(memoryLog) ? Number(readFileSync(memoryLog, 'utf8')) * 1024 : undefined;
      resolve({ code, signal, stdout, stderr, ...(peakBytes !== undefined ? { peakBytes } : {}), ...(interruptedAt !== undefined ? { msAfterInterrupt: Date.now() - interruptedAt } : {}) });
    });
  });
}

/** Whether this machine has util-linux `script`, which runs a command in a pseudo-terminal. */
export function hasScript(): boolean {
  return spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout.includes('util-linux');
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Run the CLI in a pseudo-terminal (util-linux `script -qfec`), under the network guard, as a person at a terminal
 * runs it: stdout and stderr are both the terminal, so `output` is the two interleaved as the screen received them.
 */
export function runCliInTerminal(args: readonly string[], options: Pick<CliProcessOptions, 'cwd' | 'env' | 'guardLog' | 'secrets'>): Promise<{ code: number | null; output: string }> {
  const env = Object.fromEntries(
    Object.entries({ PATH: process.env['PATH'] ?? '', TERM: 'xterm', ...ownHome(options.guardLog, options.env), NETWORK_GUARD_LOG: options.guardLog, ...options.env }).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const command = [process.execPath, '--require', networkGuard, cliPath, ...args].map(shellQuote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      for (const secret of options.secrets ?? []) assert.ok(!output.includes(secret), 'no key or token in the output');
      const outside = existsSync(options.guardLog) ? readFileSync(options.guardLog, 'utf8') : '';
      assert.equal(outside, '', `the CLI tried to leave this machine: ${outside}`);
      resolve({ code, output });
    });
  });
}
