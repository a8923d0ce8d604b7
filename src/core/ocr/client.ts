/**
 * The engine's side of the OCR worker thread: one worker, the jobs sent to it and their answers (tesseract.js's worker
 * protocol, protocol.ts). Every pending job is rejected when the worker fails or exits; cancel by terminating it.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../base';
import { LOG, WORKER_MARK, type Answer, type Packet } from './protocol';

/** One worker thread and its pending jobs. */
export class WorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<string, { resolve: (data: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(file: string, log: Logger) {
    // The worker sends what the engine prints as log messages (see runOcrWorker); stdout/stderr: true also keeps
    // anything else it might print out of the caller's output (the CLI's stdout is the result). They are not read:
    // a reader would keep the process alive even with the worker unreferenced.
    this.worker = new Worker(file, { workerData: { [WORKER_MARK]: true }, stdout: true, stderr: true });
    const forward = (chunk: unknown): void => {
      const text = String(chunk).trim();
      if (text) log.debug(`ocr: ${text}`);
    };
    this.worker.on('message', (answer: Answer) => {
      if (answer.action === LOG) return forward(String(answer.data));
      const job = this.pending.get(answer.jobId);
      if (!job || answer.status === 'progress') return;
      this.pending.delete(answer.jobId);
      if (this.pending.size === 0) this.worker.unref();
      if (answer.status === 'resolve') job.resolve(answer.data);
      else job.reject(new Error(String(answer.data)));
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`the worker stopped (exit code ${code})`)));
    this.worker.unref();
  }

  request<T>(action: string, payload: unknown): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const jobId = `job-${++this.nextId}`;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(jobId, { resolve: resolve as (data: unknown) => void, reject });
      // Referenced while a job runs, so a CLI waits for it; unreferenced when idle, so a warm worker never keeps a
      // process alive.
      this.worker.ref();
      this.worker.postMessage({ workerId: 'describe-image', jobId, action, payload } satisfies Packet);
    });
  }

  async terminate(): Promise<void> {
    this.fail(new Error('the worker was stopped'));
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }
}
