/**
 * The OCR's worker threads (in the caller's thread): two by default, one per core, both started at once and each
 * loading the model, kept warm between calls and ended together. A call's regions are read by whichever worker is
 * free, the biggest first, so two workers finish about together; the layout runs on the first worker as soon as its
 * thread is up, while Tesseract is still loading in both.
 */
import { availableParallelism, loadavg } from 'node:os';
import type { Logger } from '../base';
import { WorkerClient } from './client';
import { LAYOUT, OCR_PARAMETERS, OEM_LSTM_ONLY, RECOGNIZE, type GreyImage, type LayoutAnswer, type LayoutPayload, type OcrRect, type RecognizeAnswer, type RecognizePayload } from './protocol';

/** Only English ships. */
export const OCR_LANGUAGE = 'eng';

/** Where the worker's script, the core and the language are (see engine.ts, ocrFiles). */
export interface PoolFiles {
  readonly worker: string;
  readonly core: string;
  readonly languageDir: string;
}

/** A started worker and the promise that it is ready (loaded, language read, initialised). */
interface Running {
  readonly client: WorkerClient;
  readonly ready: Promise<void>;
}

/**
 * Workers to run: one per core, two at most — the second reads half of a dense screen's regions at once — unless every
 * core is already busy (the load average, where the system has one, reaches the cores): then a second worker finds no
 * free core, and only adds its start (about a second of CPU) and its memory to the other work. Asked on each call, so
 * the second starts once a core is free.
 */
export function defaultWorkers(): number {
  const cores = availableParallelism();
  const busy = loadavg()[0] ?? 0;
  return cores >= 2 && busy < cores ? 2 : 1;
}

export class WorkerPool {
  private running: Running[] = [];

  constructor(
    private readonly files: PoolFiles,
    private readonly size: () => number,
    private readonly log: Logger,
  ) {}

  /** True while the workers run (the next call starts warm). */
  get started(): boolean {
    return this.running.length > 0;
  }

  /** Start the workers that are not running (as many as `size` asks for now), all at once; resolves when all are ready. */
  start(): Promise<void> {
    const want = this.size();
    while (this.running.length < want) this.running.push(this.startOne(this.running.length));
    return Promise.all(this.running.map((r) => r.ready)).then(() => undefined);
  }

  /**
   * Measure the text and find its regions, on the first worker (after {@link start}; its thread need not have loaded
   * Tesseract yet: this runs between the steps of loading it).
   */
  layout(payload: LayoutPayload): Promise<LayoutAnswer> {
    const first = this.running[0];
    if (!first) return Promise.reject(new Error('no worker'));
    return first.client.request<LayoutAnswer>(LAYOUT, payload);
  }

  /**
   * Read the regions of `grey` (decoded pixels, cut out here), after {@link start}: each worker, once ready, takes the
   * biggest region left until none is. Answers in the regions' order.
   */
  read(grey: GreyImage, plan: LayoutAnswer, job: Omit<RecognizePayload, 'grey' | 'region' | 'psm'>): Promise<RecognizeAnswer[]> {
    const answers: RecognizeAnswer[] = new Array<RecognizeAnswer>(plan.regions.length);
    const queue = plan.regions.map((region, index) => ({ region, index })).sort((a, b) => b.region.ink - a.region.ink);
    let left = queue.length;
    // Done when every region is read: a worker still loading when the queue is empty is not waited for.
    return new Promise<RecognizeAnswer[]>((resolve, reject) => {
      if (left === 0) return resolve(answers);
      const serve = async ({ client, ready }: Running): Promise<void> => {
        await ready;
        for (let next = queue.shift(); next; next = queue.shift()) {
          const payload: RecognizePayload = { ...job, grey: crop(grey, next.region.rect), region: next.region, psm: plan.psm };
          answers[next.index] = await client.request<RecognizeAnswer>(RECOGNIZE, payload);
          if (--left === 0) resolve(answers);
        }
      };
      for (const running of this.running) serve(running).catch(reject);
    });
  }

  /** End every worker (a running job is rejected). */
  async stop(): Promise<void> {
    const running = this.running;
    this.running = [];
    await Promise.all(running.map((r) => r.client.terminate()));
  }

  private startOne(index: number): Running {
    const { files } = this;
    const started = performance.now();
    const client = new WorkerClient(files.worker, this.log);
    const ready = (async () => {
      await client.request('load', { options: { lstmOnly: true, corePath: files.core, logging: false } });
      await client.request('loadLanguage', { langs: OCR_LANGUAGE, options: { langPath: files.languageDir, cacheMethod: 'none', gzip: true, lstmOnly: true } });
      await client.request('initialize', { langs: OCR_LANGUAGE, oem: OEM_LSTM_ONLY, config: {} });
      await client.request('setParameters', { params: OCR_PARAMETERS });
      this.log.debug(`ocr: worker ready in ${Math.round(performance.now() - started)} ms (worker ${index + 1})`);
    })();
    // Awaited by whoever needs the worker; a failure is theirs to report.
    ready.catch(() => undefined);
    return { client, ready };
  }
}

/** The pixels of `rect` (a copy, handed to a worker). */
export function crop(image: GreyImage, rect: OcrRect): GreyImage {
  const { x, y, width, height } = rect;
  const data = new Uint8Array(width * height);
  for (let r = 0; r < height; r++) data.set(image.data.subarray((y + r) * image.width + x, (y + r) * image.width + x + width), r * width);
  return { width, height, data };
}
