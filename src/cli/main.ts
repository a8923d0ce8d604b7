/**
 * describe-image: the command-line front end over the core. Reads the command word and loads that command's code only
 * (`describe-image --version` loads nothing else). Exit codes: 0 success, 1 service or network failure (alt-text
 * check: findings), 2 bad usage or input (nothing was sent), 130 interrupted.
 */
import type { CliIo } from './base';

declare const __VERSION__: string;

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  switch (argv[0]) {
    case 'alt-text':
      return (await import('./altText')).runAltText(argv.slice(1), io);
    case 'extract-text':
      return (await import('./extractText')).runExtractText(argv.slice(1), io);
    case 'mcp':
      return (await import('./mcp')).runMcp(argv.slice(1), io);
    case '--version':
      if (argv.length === 1) {
        io.stdout(`${typeof __VERSION__ === 'string' ? __VERSION__ : 'dev'}\n`);
        return 0;
      }
  }
  return (await import('./describe')).runDescribe(argv, io);
}

export async function main(): Promise<void> {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const code = await runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
    isTty: process.stdout.isTTY === true,
    stderrIsTty: process.stderr.isTTY === true,
    columns: process.stderr.columns,
  });
  process.exitCode = code;
}
