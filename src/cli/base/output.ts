/**
 * Output shared by the CLI's commands: --out checked before any work (folder exists, not a folder, no existing file
 * without --force) and written without ever replacing a file that appeared meanwhile; the --verbose logger; the
 * streamed text as it may be printed.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DescribeError, StreamRedactor } from '../../core/base';
import type { Logger } from '../../core/base';
import { LineNeutraliser } from '../../core/markdown';
import type { CliIo } from './io';

export async function checkOutFile(out: string, force: boolean, cwd: string): Promise<string> {
  const abs = path.resolve(cwd, out);
  let stat;
  try {
    stat = await fs.stat(abs);
  } catch {
    stat = undefined;
  }
  if (stat?.isDirectory()) throw new DescribeError('bad-input', `--out ${out} is a folder: give a file name.`);
  if (stat && !force) throw new DescribeError('bad-input', `--out ${out} already exists: choose another name, or add --force to replace it.`);
  try {
    const dir = await fs.stat(path.dirname(abs));
    if (!dir.isDirectory()) throw new Error('not a folder');
  } catch {
    throw new DescribeError('bad-input', `--out ${out}: the folder ${path.dirname(abs)} does not exist.`);
  }
  return abs;
}

export async function writeOut(abs: string, text: string, force: boolean): Promise<void> {
  if (!force) {
    // 'wx' fails if the file appeared since the check: never overwrite behind the user's back.
    await fs.writeFile(abs, text, { flag: 'wx' });
    return;
  }
  // --force: whole or not at all. The temporary file has a random name and is created exclusively ('wx'): a link
  // planted at a name guessed from the process id would otherwise be written through.
  const tmp = `${abs}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.writeFile(tmp, text, { flag: 'wx' });
    await fs.rename(tmp, abs);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** --verbose: the core's log lines on stderr, secrets removed. */
export function stderrLogger(io: CliIo, hide: (text: string) => string): Logger {
  const write = (level: string) => (m: string) => io.stderr(`[${level}] ${hide(m)}\n`);
  return { trace: write('trace'), debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/**
 * The streamed answer as it may be printed: secrets removed even when cut across pieces, and — for a pipe or a file,
 * which may be rendered as Markdown — HTML neutralised line by line. A terminal shows text, never renders HTML.
 */
export class StreamedText {
  private readonly redactor: StreamRedactor;
  private readonly neutraliser: LineNeutraliser | undefined;

  constructor(secrets: () => readonly (string | undefined)[], toTerminal: boolean) {
    this.redactor = new StreamRedactor(secrets);
    this.neutraliser = toTerminal ? undefined : new LineNeutraliser();
  }

  push(delta: string): string {
    const safe = this.redactor.push(delta);
    return this.neutraliser ? this.neutraliser.push(safe) : safe;
  }

  /** What was held back (the end of a possible secret, a line not yet complete): when the stream ends or breaks. */
  end(): string {
    const rest = this.redactor.end();
    return this.neutraliser ? this.neutraliser.push(rest) + this.neutraliser.end() : rest;
  }
}
