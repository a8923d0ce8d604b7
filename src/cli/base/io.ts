/** What a CLI command gets from the process: output, environment, folder, the Ctrl+C signal. */
import type { CliEnv } from './config';

export interface CliIo extends CliEnv {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly signal?: AbortSignal | undefined;
  /** Whether stdout is a terminal (streaming is the default there). */
  readonly isTty?: boolean | undefined;
  /** Whether stderr is a terminal (the waiting line is shown only there). */
  readonly stderrIsTty?: boolean | undefined;
  /** The terminal's width, when stderr is one. */
  readonly columns?: number | undefined;
}
