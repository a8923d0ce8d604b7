/**
 * describe-image extract-text: the words in images, read on this machine by the core's OCR engine (Tesseract in a
 * worker thread, English). No model, no key, no network: nothing is sent anywhere. Markdown to stdout (or --out), or
 * JSON Lines with each line's text, confidence and box (--json).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DescribeError, isDescribeError, MAX_IMAGES } from '../../core/base';
import { silentLogger } from '../../core/base';
import { checkOcrFileSize, OcrEngine, renderOcrMarkdown, type OcrResult } from '../../core/ocr';
import type { CliIo } from '../base';
import { checkOutFile, errorCodeOf, failure, parseCliArgs, stderrLogger, UsageError, WaitingLine, writeOut } from '../base';

export const EXTRACT_USAGE = `Usage: describe-image extract-text [options] <image...>

Read the text in 1 to ${MAX_IMAGES} images on this machine (Tesseract OCR, English model bundled). No model and no
key: nothing is sent anywhere. PNG, JPEG, WebP, GIF (first frame), TIFF, AVIF, BMP and SVG; local files only.

Options:
  --json         one JSON object per image per line (JSON Lines): name, path, width, height, text,
                 meanConfidence, elapsedMs, reduced (only for an image read smaller than it is: width,
                 height, smallestTextPx, message) and lines (text, confidence, box {x, y, width, height}
                 in the image's pixels, block, words)
  --out FILE     write the Markdown there; never overwrites an existing file without --force
  --force        allow --out to replace an existing file
  --verbose      log timings to stderr
  -h, --help     show this help

Exit codes: 0 read (also when no text was found), 1 the engine failed, 2 bad usage or input, 130 interrupted.`;

interface Input {
  readonly arg: string;
  readonly abs: string;
  readonly bytes: Uint8Array;
}

/** Check every input before reading any text: exists, a file, not a URL, not too large. */
async function readInputs(args: readonly string[], cwd: string): Promise<Input[]> {
  if (args.length > MAX_IMAGES) throw new DescribeError('bad-input', `${args.length} images given; read at most ${MAX_IMAGES} at once.`);
  const inputs: Input[] = [];
  for (const arg of args) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) {
      throw new DescribeError('bad-input', `${arg}: extract-text reads local files only (it never goes on the network); download the image first.`);
    }
    const abs = path.resolve(cwd, arg);
    const stat = await fs.stat(abs).catch(() => undefined);
    if (!stat) throw new DescribeError('bad-input', `${arg}: no such file.`);
    if (!stat.isFile()) throw new DescribeError('bad-input', `${arg} is not a file.`);
    checkOcrFileSize(stat.size, arg);
    inputs.push({ arg, abs, bytes: new Uint8Array(await fs.readFile(abs)) });
  }
  return inputs;
}

function jsonLine(result: OcrResult, input: Input): string {
  return `${JSON.stringify({
    name: result.name,
    path: input.arg,
    width: result.width,
    height: result.height,
    text: result.text,
    meanConfidence: Math.round(result.meanConfidence * 10) / 10,
    elapsedMs: result.elapsedMs,
    language: result.language,
    // Only when read smaller than it is: the size read, the smallest text size likely read, and the message.
    reduced: result.reduced,
    lines: result.lines,
  })}\n`;
}

const OPTIONS = { json: { type: 'boolean' }, out: { type: 'string' }, force: { type: 'boolean' }, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

export async function runExtractText(argv: readonly string[], io: CliIo): Promise<number> {
  let json = false;
  const fail = failure(io, 'describe-image extract-text', (t) => t, () => json);
  let parsed;
  try {
    parsed = parseCliArgs('describe-image extract-text', argv, OPTIONS);
  } catch (e) {
    json = e instanceof UsageError && e.json;
    return fail(2, (e as Error).message, 'usage');
  }
  const v = parsed.values;
  json = v.json === true;
  if (v.help) {
    io.stdout(`${EXTRACT_USAGE}\n`);
    return 0;
  }
  if (parsed.positionals.length === 0) return fail(2, 'no image given. Run describe-image extract-text --help for usage.', 'usage');
  if (v.json && v.out !== undefined) return fail(2, '--json prints to stdout; --out writes Markdown. Use one of them.', 'usage');
  const waiting = new WaitingLine(io, { json: v.json });
  const out = waiting.wrap(io);
  const engine = new OcrEngine({ log: v.verbose ? stderrLogger(out, (t) => t) : silentLogger, idleMs: 0 });
  try {
    return await extract(parsed.positionals, v, out, engine, waiting);
  } catch (e) {
    waiting.stop();
    if (isDescribeError(e)) return fail(e.code === 'cancelled' ? 130 : e.isInputError ? 2 : 1, e.code === 'cancelled' ? 'interrupted.' : e.message, e.code);
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return fail(2, `--out ${v.out ?? ''} appeared meanwhile; it was not overwritten.`, 'bad-input');
    return fail(1, `unexpected error: ${e instanceof Error ? e.message : String(e)}`, errorCodeOf(e));
  } finally {
    waiting.stop();
    await engine.dispose();
  }
}

/** Read each image's text and print it as soon as it is read (with --out, all at once at the end). */
async function extract(args: readonly string[], v: { json?: boolean | undefined; out?: string | undefined; force?: boolean | undefined }, io: CliIo, engine: OcrEngine, waiting: WaitingLine): Promise<number> {
  const outAbs = v.out !== undefined ? await checkOutFile(v.out, v.force ?? false, io.cwd) : undefined;
  const inputs = await readInputs(args, io.cwd);
  const docDir = outAbs ? path.dirname(outAbs) : io.cwd;
  const parts: string[] = [];
  for (const [i, input] of inputs.entries()) {
    waiting.show(`reading the text in ${input.arg}${inputs.length > 1 ? ` (${i + 1} of ${inputs.length})` : ''}…`, true);
    const result = await engine.recognize(input.bytes, { signal: io.signal, name: path.basename(input.abs) });
    waiting.stop();
    if (v.json) {
      io.stdout(jsonLine(result, input));
      continue;
    }
    const ref = path.relative(docDir, input.abs).split(path.sep).join('/');
    const markdown = renderOcrMarkdown(result, ref);
    if (outAbs) parts.push(markdown);
    else io.stdout(`${parts.length++ > 0 ? '\n' : ''}${markdown}`);
  }
  if (outAbs) {
    await writeOut(outAbs, parts.join('\n'), v.force ?? false);
    io.stderr(`Wrote ${path.relative(io.cwd, outAbs) || outAbs}.\n`);
  }
  return 0;
}
