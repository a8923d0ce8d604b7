/** What a CLI command gets from the process: output, environment, folder, the Ctrl+C signal. */
import type { CliEnv } from './config';

export interface CliIo extends CliEnv {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly signal?: AbortSignal | undefined;
  /** Whether stdout is a terminal (streaming is the default there). */
  readonly isTty?: boolean | undefined;
}
