/**
 * Extract text from an image on this machine, without the network: Tesseract 5 compiled to WebAssembly
 * (tesseract.js 7) with the English LSTM model (`4.0.0_best_int`), in two worker threads.
 *
 * **Nothing leaves the machine.** tesseract.js fetches its core and language data from a CDN by default, picks the
 * WebAssembly build by CPU features, and caches the language in the working folder. Here tesseract.js's worker-side
 * code (`tesseract.js/src/worker-script`) runs with our own adapter (in worker.ts, the worker thread's module) and
 * is driven by a small client (client.ts):
 * - the core is one fixed build, `tesseract-core-simd-lstm` (LSTM only, WASM SIMD): its glue is bundled into the worker
 *   and its `.wasm` is read from disk and handed over as bytes (`wasmBinary`). SIMD, not the plain LSTM build: on a
 *   1400×900 screenshot the plain build took 6.3–7.1 s, the SIMD one 1.1–1.6 s; WebAssembly SIMD is in every Node
 *   since 16.4 and so in every VS Code this extension supports (relaxed SIMD is not: it fails to load on Node 20);
 * - the language is read from a local folder (`langPath` is a path, never a URL), gzip'd as shipped and gunzipped in
 *   the worker (25 ms, so no cache: `cacheMethod: 'none'`, nothing is ever written);
 * - the adapter's `fetch` throws. A test runs the OCR with the network disabled in every thread and counts attempts.
 *
 * **Why not tesseract.js's `createWorker`:** in Node it ignores `corePath` and picks one of six cores at run time (so
 * all six would have to ship), its worker script path points into node_modules (absent from a bundle), it throws from
 * inside its message listener when a job fails, and it never settles when loading the language fails. Our client
 * rejects every pending job when the worker fails or exits, and cancels by terminating the worker.
 *
 * **Files** (found beside the bundle, else in node_modules, see {@link ocrFiles}): `dist/assets/ocr/ocr-worker.js`
 * (worker.ts bundled on its own by esbuild.mjs with tesseract.js's worker code and the core's glue, about 120 KB
 * minified), `tesseract-core-simd-lstm.wasm` and `eng.traineddata.gz`.
 *
 * **Threads:** decoding (decode.ts: sharp, asynchronous) happens in the caller's thread; finding the regions
 * (plan.ts, layout.ts), preparing the pixels and recognition run in worker threads (worker.ts); the two sides share
 * only the messages (protocol.ts). Two workers (pool.ts: one per core, two at most) read the regions in parallel;
 * they start together, are kept warm between calls, and end together after an idle time, on cancel or on dispose.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { DescribeError, silentLogger, type Logger } from '../base';
import { escapeMarkdownText, markdownLinkTarget } from '../markdown';
import { decodeForOcr, type Decoded, type OcrReduction } from './decode';
import { defaultWorkers, OCR_LANGUAGE, WorkerPool } from './pool';
import type { LayoutAnswer, OcrLine, OcrPreparation, OcrPrepareOptions, RecognizeAnswer } from './protocol';

export type { OcrBox, OcrLine, OcrPreparation, OcrPrepareOptions, OcrWord } from './protocol';
export { OCR_LANGUAGE } from './pool';

// ---- results ---------------------------------------------------------------------------------------------------

export interface OcrResult {
  /** The image's name (for the document title). */
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /** Lines in reading order. */
  readonly lines: readonly OcrLine[];
  /** The whole text: lines joined by line breaks, a blank line between blocks. */
  readonly text: string;
  /** Tesseract's mean word confidence, 0–100 (0 when no text was found). */
  readonly meanConfidence: number;
  /** From the call to the result, including decoding and, when cold, starting the worker. */
  readonly elapsedMs: number;
  /** Whether a worker had to be started for this call. */
  readonly coldStart: boolean;
  /** The language model used (only English ships). */
  readonly language: 'eng';
  /** How the image was prepared: scale, estimated x-height (original pixels), share inverted. */
  readonly preparation: OcrPreparation;
  /**
   * Where the time went, in ms: decode and workerStart (waiting for a worker: 0 when warm) in the caller's time;
   * prepare (layout and preparing the regions), recognize (Tesseract) and passes (our passes over its words), the work
   * of all workers added up.
   */
  readonly timings: { readonly decode: number; readonly workerStart: number; readonly prepare: number; readonly recognize: number; readonly passes: number };
  /** How many regions were read (1: the whole image, Tesseract's own layout). */
  readonly regions?: number | undefined;
  /** Set when the image was read smaller than it is (too many pixels): the size read and what text may be missed. */
  readonly reduced?: OcrReduction | undefined;
}

// ---- files -----------------------------------------------------------------------------------------------------

const WORKER_FILE = 'ocr-worker.js';
const CORE_FILE = 'tesseract-core-simd-lstm.wasm';
const LANGUAGE_FILE = 'eng.traineddata.gz';

export interface OcrFiles {
  /** The worker thread's script. */
  readonly worker: string;
  /** The WebAssembly core (one build). */
  readonly core: string;
  /** The folder holding `eng.traineddata.gz`. */
  readonly languageDir: string;
}

/**
 * Where the OCR's files are: beside the bundle (`dist/assets/ocr/`, copied there by esbuild.mjs), else — unbundled,
 * in development and tests — in node_modules, with the compiled worker.js beside this file as the worker script.
 */
export function ocrFiles(): OcrFiles {
  const shipped = path.join(__dirname, 'assets', 'ocr');
  if ([WORKER_FILE, CORE_FILE, LANGUAGE_FILE].every((f) => existsSync(path.join(shipped, f)))) {
    return { worker: path.join(shipped, WORKER_FILE), core: path.join(shipped, CORE_FILE), languageDir: shipped };
  }
  const worker = path.join(__dirname, 'worker.js');
  // A bundle without its assets lands here too: say what is missing rather than look in node_modules it has not got.
  if (path.basename(__filename) !== 'engine.js' || !existsSync(worker)) {
    throw new DescribeError('bad-response', `The text recognition files are missing from ${shipped}; reinstall Describe Image.`, { actions: ['show-log'] });
  }
  try {
    return {
      worker,
      core: require.resolve(`tesseract.js-core/${CORE_FILE}`),
      languageDir: path.dirname(require.resolve(`@tesseract.js-data/eng/4.0.0_best_int/${LANGUAGE_FILE}`)),
    };
  } catch (e) {
    throw new DescribeError('bad-response', `The text recognition files are missing (${e instanceof Error ? e.message : String(e)}); run npm ci.`, { actions: ['show-log'], cause: e });
  }
}

// ---- the engine ----------------------------------------------------------------------------------------------

/** How long a worker is kept warm after a call (VS Code's window and the MCP server both use it). */
export const OCR_IDLE_MS = 5 * 60_000;

export interface OcrEngineOptions {
  readonly log?: Logger | undefined;
  /** End the workers after this long without work (default {@link OCR_IDLE_MS}; 0: keep them until dispose). */
  readonly idleMs?: number | undefined;
  /** Worker threads (default: two on a machine with two cores or more, one while every core is busy; see pool.ts). */
  readonly workers?: number | undefined;
  /** Where the files are (default: {@link ocrFiles}). */
  readonly files?: OcrFiles | undefined;
}

export interface RecognizeOptions {
  readonly signal?: AbortSignal | undefined;
  /** Name for the result (default: "image"). */
  readonly name?: string | undefined;
  /** Preparation steps (all on by default; the benchmark turns them off to measure them). */
  readonly prepare?: OcrPrepareOptions | undefined;
}

/**
 * Reads text from images, one at a time, in worker threads kept warm between calls. Cancel a call with its
 * AbortSignal (the workers are ended and started again on the next call). Dispose to end the workers.
 */
export class OcrEngine {
  private readonly log: Logger;
  private readonly idleMs: number;
  private pool: WorkerPool | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly options: OcrEngineOptions = {}) {
    this.log = options.log ?? silentLogger;
    this.idleMs = options.idleMs ?? OCR_IDLE_MS;
  }

  /** True while the workers run (the next call starts warm). */
  get warm(): boolean {
    return this.pool?.started ?? false;
  }

  /** Start the workers ahead of the first call. */
  warmUp(signal?: AbortSignal): Promise<void> {
    return this.enqueue(signal, () => this.guard(signal, this.workers().start(), 'The text recognizer could not start'));
  }

  /** Read the text in an image (PNG, JPEG, WebP, GIF, TIFF, AVIF, BMP or SVG bytes). */
  recognize(bytes: Uint8Array, options: RecognizeOptions = {}): Promise<OcrResult> {
    const name = options.name ?? 'image';
    return this.enqueue(options.signal, async () => {
      const started = performance.now();
      const decoded = await decodeForOcr(bytes, name);
      const decodedAt = performance.now();
      throwIfCancelled(options.signal);
      const coldStart = !this.warm;
      const pool = this.workers();
      const readyAt = pool.start().then(() => performance.now(), () => 0);
      const prepare = options.prepare ?? {};
      const failure = `${name}: the text could not be read`;
      const plan = await this.guard(options.signal, pool.layout({ grey: decoded.grey, prepare }), failure);
      const answers = await this.guard(options.signal, pool.read(decoded.grey, plan, { unitScale: decoded.unitScale, prepare }), failure);
      const workerStart = coldStart ? Math.max(0, (await readyAt) - decodedAt) : 0;
      const result = assemble(name, decoded, plan, answers, { started, decodedAt, workerStart, coldStart });
      this.log.debug(`ocr: ${name} ${decoded.width}×${decoded.height}, scale ${result.preparation.scale.toFixed(2)}, ${plan.regions.length} regions, ${result.lines.length} lines in ${result.elapsedMs} ms (${Object.entries(result.timings).map(([k, v]) => `${k} ${v}`).join(', ')})`);
      return result;
    });
  }

  /** End the workers. Calls after this fail. */
  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.idleTimer);
    await this.stopWorkers();
  }

  /** One job at a time; a job cancelled while it waits never starts. */
  private enqueue<T>(signal: AbortSignal | undefined, job: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.disposed) throw new DescribeError('cancelled', 'Text recognition has been shut down.');
      throwIfCancelled(signal);
      clearTimeout(this.idleTimer);
      try {
        return await job();
      } finally {
        this.scheduleIdle();
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    if (!signal) return result;
    // A cancel while waiting in the queue answers at once.
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(cancelled());
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      result.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** The pool of workers (started by its first use). */
  private workers(): WorkerPool {
    const { workers } = this.options;
    this.pool ??= new WorkerPool(this.options.files ?? ocrFiles(), workers === undefined ? defaultWorkers : () => workers, this.log);
    return this.pool;
  }

  /**
   * Await the workers' answer. On cancel, end the workers (the only way to stop Tesseract mid-image); on failure, end
   * them too (their state is unknown) so the next call starts fresh ones.
   */
  private async guard<T>(signal: AbortSignal | undefined, work: Promise<T>, failure: string): Promise<T> {
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(cancelled());
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([work, aborted]);
    } catch (e) {
      await this.stopWorkers();
      if (e instanceof DescribeError) throw e;
      if (this.disposed) throw new DescribeError('cancelled', 'Text recognition has been shut down.');
      throw new DescribeError('bad-response', `${failure} (${e instanceof Error ? e.message : String(e)}).`, { actions: ['retry', 'show-log'], cause: e });
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      work.catch(() => undefined);
    }
  }

  private async stopWorkers(): Promise<void> {
    await this.pool?.stop();
  }

  private scheduleIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.idleMs <= 0 || this.disposed) return;
    this.idleTimer = setTimeout(() => void this.stopWorkers(), this.idleMs);
    this.idleTimer.unref();
  }
}

/** The regions' answers put together, in reading order: lines, blocks numbered on, confidence weighted by words. */
function assemble(name: string, decoded: Decoded, plan: LayoutAnswer, answers: readonly RecognizeAnswer[], at: { started: number; decodedAt: number; workerStart: number; coldStart: boolean }): OcrResult {
  const lines: OcrLine[] = [];
  let blocks = 0;
  let words = 0;
  let confidence = 0;
  let inverted = 0;
  let area = 0;
  answers.forEach((answer, i) => {
    // The second half of a region shared between workers goes on the first half's last block.
    if (plan.regions[i]?.continues && blocks > 0) blocks--;
    for (const line of answer.lines) lines.push({ ...line, block: blocks + line.block });
    blocks += answer.lines.reduce((n, l) => Math.max(n, l.block + 1), 0);
    words += answer.words;
    confidence += answer.meanConfidence * answer.words;
    const rect = plan.regions[i]?.rect;
    const size = rect ? rect.width * rect.height : 0;
    inverted += answer.invertedShare * size;
    area += size;
  });
  const elapsedMs = Math.round(performance.now() - at.started);
  const sum = (f: (a: RecognizeAnswer) => number): number => Math.round(answers.reduce((n, a) => n + f(a), 0));
  const xHeight = plan.xHeight === undefined ? undefined : plan.xHeight * decoded.unitScale;
  return {
    name,
    width: decoded.width,
    height: decoded.height,
    lines,
    text: joinLines(lines),
    meanConfidence: words ? confidence / words : 0,
    elapsedMs,
    coldStart: at.coldStart,
    language: OCR_LANGUAGE,
    preparation: { scale: plan.scale, xHeight, invertedShare: area ? inverted / area : 0 },
    timings: { decode: Math.round(at.decodedAt - at.started), workerStart: Math.round(at.workerStart), prepare: Math.round(plan.layoutMs) + sum((a) => a.prepareMs), recognize: sum((a) => a.recognizeMs), passes: sum((a) => a.passesMs) },
    regions: plan.regions.length,
    reduced: decoded.reduced,
  };
}

function cancelled(): DescribeError {
  return new DescribeError('cancelled', 'Text recognition was cancelled.');
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled();
}

/** Lines joined by line breaks, a blank line between blocks. */
function joinLines(lines: readonly OcrLine[]): string {
  let out = '';
  let block = -1;
  for (const line of lines) {
    if (out) out += line.block !== block ? '\n\n' : '\n';
    out += line.text;
    block = line.block;
  }
  return out;
}

// ---- Markdown ------------------------------------------------------------------------------------------------

/**
 * The result as a Markdown document: title, the image, the text in a fenced code block, and a footer.
 *
 * A code block because OCR text is not Markdown: in a paragraph `*`, `_`, `#`, `<…>` and `[…](…)` would turn into
 * formatting, HTML or links, single line breaks would join lines and runs of spaces collapse. In a code block every
 * character, space and line break shows as read, nothing in it is rendered, and it copies exactly. The fence is longer
 * than any run of backticks in the text.
 */
export function renderOcrMarkdown(result: OcrResult, imageRef: string): string {
  const name = escapeMarkdownText(result.name, false);
  const runs = result.text.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(3, ...runs.map((r) => r.length + 1)));
  const body = result.text.trim() ? `${fence}text\n${result.text}\n${fence}` : '*No text found.*';
  const reduced = result.reduced ? `\n\n${escapeMarkdownText(result.reduced.message, false)}` : '';
  const footer = `Read on this machine in ${result.elapsedMs} ms, mean confidence ${Math.round(result.meanConfidence)} %. Only English is bundled: text in other languages or scripts is not read correctly.${reduced}`;
  return `# Text in ${name}\n\n![${name}](${markdownLinkTarget(imageRef)})\n\n${body}\n\n---\n\n${footer}\n`;
}
