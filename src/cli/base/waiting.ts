/**
 * The waiting line: on a terminal, while nothing else moves, one line on stderr with a spinner, what the command is
 * waiting for and the seconds it has waited ("⠹ waiting for gpt-4o… 12 s"). Only when stderr is a terminal and the
 * output is not JSON; never in a pipe or a file. Whatever the command writes clears the line first (it comes back at
 * the next tick, below the text); `stop` clears it for good.
 */
import type { CliIo } from './io';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const TICK_MS = 100;
/** Carriage return, then erase to the end of the line. */
const CLEAR = '\r\u001b[K';

export class WaitingLine {
  private label: string | undefined;
  private since = 0;
  private frame = 0;
  private shown = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly enabled: boolean;

  constructor(
    private readonly io: Pick<CliIo, 'stderr' | 'stderrIsTty' | 'columns'>,
    options: { readonly json?: boolean | undefined } = {},
    private readonly now: () => number = Date.now,
  ) {
    this.enabled = io.stderrIsTty === true && !options.json;
  }

  /** Show (or change) what is waited for; `restart` counts the seconds from now. */
  show(label: string, restart = false): void {
    if (!this.enabled) return;
    if (restart || this.label === undefined) this.since = this.now();
    // A file name or a model name may hold control characters: shown as '?', never sent to the terminal as they are.
    this.label = label.replace(/\p{Cc}/gu, '?');
    if (!this.timer) {
      this.timer = setInterval(() => this.draw(), TICK_MS);
      this.timer.unref();
    }
    this.draw();
  }

  /** Clear the line and stop (the command writes text, or ends). */
  stop(): void {
    this.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.label = undefined;
  }

  /** The same I/O, but each write clears the line first. */
  wrap<T extends CliIo>(io: T): T {
    return {
      ...io,
      stdout: (text: string) => {
        this.clear();
        io.stdout(text);
      },
      stderr: (text: string) => {
        this.clear();
        io.stderr(text);
      },
    };
  }

  private clear(): void {
    if (!this.shown) return;
    this.shown = false;
    this.io.stderr(CLEAR);
  }

  private draw(): void {
    if (this.label === undefined) return;
    const seconds = Math.floor((this.now() - this.since) / 1000);
    const text = `${FRAMES[this.frame++ % FRAMES.length] ?? ''} ${this.label}${seconds >= 1 ? ` ${seconds} s` : ''}`;
    // One line that never wraps (a wrapped line could not be cleared with a carriage return).
    const width = Math.max(10, (this.io.columns || 80) - 1); // a new pseudo-terminal may say 0 columns
    this.io.stderr(`${CLEAR}${[...text].slice(0, width).join('')}`);
    this.shown = true;
  }
}
