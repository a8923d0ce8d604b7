/**
 * How a command fails: one sentence on stderr after the command's name, secrets removed; with --json also an error
 * object on stdout, `{"error":{"code","message"}}`, so that a program reading stdout sees the failure too.
 */
import { isDescribeError } from '../../core/base';
import { UsageError } from './args';
import type { CliIo } from './io';

/** The code in a JSON error: the core's error code, or one of the CLI's own. */
export type CliErrorCode = string;

export interface Failure {
  /** Say it, and return the exit code. */
  (exit: number, message: string, code?: CliErrorCode): number;
}

export function failure(io: Pick<CliIo, 'stdout' | 'stderr'>, prefix: string, hide: (text: string) => string, json: () => boolean): Failure {
  return (exit, message, code = exit === 2 ? 'bad-input' : exit === 130 ? 'cancelled' : 'failed') => {
    const safe = hide(message);
    io.stderr(`${prefix}: ${safe}\n`);
    if (json()) io.stdout(`${JSON.stringify({ error: { code, message: safe } })}\n`);
    return exit;
  };
}

/** The code of whatever was thrown, for a JSON error. */
export function errorCodeOf(e: unknown): CliErrorCode {
  if (isDescribeError(e)) return e.code;
  if (e instanceof UsageError) return 'usage';
  return 'unexpected';
}
