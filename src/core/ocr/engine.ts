/**
 * Extract text from an image on this machine, without the network: Tesseract 5 compiled to WebAssembly
 * (tesseract.js 7) with the English LSTM model (`4.0.0_best_int`), in a worker thread.
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
 * **Threads:** decoding (decode.ts: sharp, asynchronous) happens in the caller's thread; preparing the pixels and
 * recognition run in the worker thread (worker.ts); the two share only the messages (protocol.ts). One worker is kept
 * warm between calls, ended after an idle time or on dispose.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { DescribeError, silentLogger, type Logger } from '../base';
import { escapeMarkdownText, markdownLinkTarget } from '../markdown';
import { WorkerClient } from './client';
import { decodeForOcr } from './decode';
import { OCR_PARAMETERS, OEM_LSTM_ONLY, RECOGNIZE, type OcrLine, type OcrPreparation, type OcrPrepareOptions, type RecognizeAnswer, type RecognizePayload } from './protocol';

export type { OcrBox, OcrLine, OcrPreparation, OcrWord } from './protocol';

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
  /** Where the time went, in ms (workerStart: 0 when warm). */
  readonly timings: { readonly decode: number; readonly workerStart: number; readonly prepare: number; readonly recognize: number };
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
  /** End the worker after this long without work (default {@link OCR_IDLE_MS}; 0: keep it until dispose). */
  readonly idleMs?: number | undefined;
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

/** Only English ships. */
export const OCR_LANGUAGE = 'eng';

/** A started worker and the promise that it is ready (loaded, language read, initialised). */
interface Running {
  readonly client: WorkerClient;
  readonly ready: Promise<void>;
}

/**
 * Reads text from images, one at a time, in one worker thread kept warm between calls. Cancel a call with its
 * AbortSignal (the worker is ended and started again on the next call). Dispose to end the worker.
 */
export class OcrEngine {
  private readonly log: Logger;
  private readonly idleMs: number;
  private running: Running | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly options: OcrEngineOptions = {}) {
    this.log = options.log ?? silentLogger;
    this.idleMs = options.idleMs ?? OCR_IDLE_MS;
  }

  /** True while a worker is running (the next call starts warm). */
  get warm(): boolean {
    return this.running !== undefined;
  }

  /** Start the worker ahead of the first call. */
  warmUp(signal?: AbortSignal): Promise<void> {
    return this.enqueue(signal, () => this.ensureWorker(signal).then(() => undefined));
  }

  /** Read the text in an image (PNG, JPEG, WebP, GIF, TIFF, AVIF, BMP or SVG bytes). */
  recognize(bytes: Uint8Array, options: RecognizeOptions = {}): Promise<OcrResult> {
    const name = options.name ?? 'image';
    return this.enqueue(options.signal, async () => {
      const started = performance.now();
      const decoded = await decodeForOcr(bytes, name);
      const decodedAt = performance.now();
      throwIfCancelled(options.signal);
      const coldStart = this.running === undefined;
      const client = await this.ensureWorker(options.signal);
      const readyAt = performance.now();
      const payload: RecognizePayload = { grey: decoded.grey, unitScale: decoded.unitScale, prepare: options.prepare ?? {} };
      const answer = await this.guard(options.signal, client.request<RecognizeAnswer>(RECOGNIZE, payload), `${name}: the text could not be read`);
      const elapsedMs = Math.round(performance.now() - started);
      const timings = { decode: Math.round(decodedAt - started), workerStart: Math.round(readyAt - decodedAt), prepare: Math.round(answer.prepareMs), recognize: Math.round(answer.recognizeMs) };
      this.log.debug(`ocr: ${name} ${decoded.width}×${decoded.height}, scale ${answer.preparation.scale.toFixed(2)}, ${answer.lines.length} lines in ${elapsedMs} ms (${Object.entries(timings).map(([k, v]) => `${k} ${v}`).join(', ')})`);
      return {
        name,
        width: decoded.width,
        height: decoded.height,
        lines: answer.lines,
        text: joinLines(answer.lines),
        meanConfidence: answer.meanConfidence,
        elapsedMs,
        coldStart,
        language: OCR_LANGUAGE,
        preparation: answer.preparation,
        timings,
      };
    });
  }

  /** End the worker. Calls after this fail. */
  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.idleTimer);
    await this.stopWorker();
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

  /** The running worker, started (and made ready) when there is none. */
  private async ensureWorker(signal: AbortSignal | undefined): Promise<WorkerClient> {
    if (!this.running) {
      const files = this.options.files ?? ocrFiles();
      const started = performance.now();
      const client = new WorkerClient(files.worker, this.log);
      const ready = (async () => {
        await client.request('load', { options: { lstmOnly: true, corePath: files.core, logging: false } });
        await client.request('loadLanguage', { langs: OCR_LANGUAGE, options: { langPath: files.languageDir, cacheMethod: 'none', gzip: true, lstmOnly: true } });
        await client.request('initialize', { langs: OCR_LANGUAGE, oem: OEM_LSTM_ONLY, config: {} });
        await client.request('setParameters', { params: OCR_PARAMETERS });
        this.log.debug(`ocr: worker ready in ${Math.round(performance.now() - started)} ms`);
      })();
      this.running = { client, ready };
    }
    const { client, ready } = this.running;
    await this.guard(signal, ready, 'The text recognizer could not start');
    return client;
  }

  /**
   * Await the worker's answer. On cancel, end the worker (the only way to stop Tesseract mid-image); on failure, end
   * it too (its state is unknown) so the next call starts a fresh one.
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
      await this.stopWorker();
      if (e instanceof DescribeError) throw e;
      if (this.disposed) throw new DescribeError('cancelled', 'Text recognition has been shut down.');
      throw new DescribeError('bad-response', `${failure} (${e instanceof Error ? e.message : String(e)}).`, { actions: ['retry', 'show-log'], cause: e });
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      work.catch(() => undefined);
    }
  }

  private async stopWorker(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    if (running) await running.client.terminate();
  }

  private scheduleIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.idleMs <= 0 || this.disposed) return;
    this.idleTimer = setTimeout(() => void this.stopWorker(), this.idleMs);
    this.idleTimer.unref();
  }
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
  const footer = `Read on this machine in ${result.elapsedMs} ms, mean confidence ${Math.round(result.meanConfidence)} %. Only English is bundled: text in other languages or scripts is not read correctly.`;
  return `# Text in ${name}\n\n![${name}](${markdownLinkTarget(imageRef)})\n\n${body}\n\n---\n\n${footer}\n`;
}
