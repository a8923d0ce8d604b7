/**
 * The OCR worker thread (started and driven by engine.ts; bundled alone as dist/assets/ocr/ocr-worker.js with
 * tesseract.js's worker code and the core's glue): tesseract.js's worker handlers with a local-only adapter, and our
 * own action that prepares an image (prepare.ts), hands it to Tesseract as PGM and answers with lines in the original
 * image's pixels (lines.ts). The engine never imports this file (only protocol.ts, the messages they share).
 */
import { promises as fsp, readFileSync } from 'node:fs';
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { correctLines } from './corrections';
import { rereadCells } from './cells';
import { agreeGlyphs } from './glyphs';
import { joinBlocks } from './spacing';
import { toLines, type TesseractJsonBlock } from './lines';
import { mendBlocks } from './underscores';
import { planRegions } from './plan';
import { framed, prepareRegion, shownText } from './prepare';
import { LAYOUT, LOG, RECOGNIZE, WORKER_MARK, type Answer, type GreyImage, type LayoutPayload, type Packet, type RecognizeAnswer, type RecognizePayload } from './protocol';

interface TesseractWorkerScript {
  setAdapter(adapter: Record<string, unknown>): void;
  dispatchHandlers(packet: Packet, send: (answer: Answer) => void): void;
}

/**
 * A binary PGM (P5) of the image: Tesseract's Leptonica reads it directly. The header carries a comment that pushes
 * the pixels past byte 500: tesseract.js scans the first 500 bytes for an EXIF orientation pattern, which pixel data
 * could match by chance.
 */
export function toPgm(image: GreyImage): Uint8Array {
  const header = Buffer.from(`P5\n#${' '.repeat(500)}\n${image.width} ${image.height}\n255\n`, 'latin1');
  const out = new Uint8Array(header.length + image.data.length);
  out.set(header, 0);
  out.set(image.data, header.length);
  return out;
}

/** Runs in the worker thread: tesseract.js's handlers with a local-only adapter, plus preparing and reading an image. */
export function runOcrWorker(port: MessagePort): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- tesseract.js's worker side has no types and is loaded only here
  const tesseract = require('tesseract.js/src/worker-script') as TesseractWorkerScript;
  const log = (text: string): void => port.postMessage({ jobId: '', action: LOG, status: 'progress', data: text } satisfies Answer);
  printToLog(log);
  tesseract.setAdapter(localAdapter(log));
  port.on('message', (packet: Packet) => {
    if (packet.action === RECOGNIZE || packet.action === LAYOUT) serve(tesseract, port, packet);
    else tesseract.dispatchHandlers(packet, (answer) => port.postMessage(answer));
  });
}

/** Whatever tesseract.js or the engine prints goes to the client's log, never to an output stream. */
function printToLog(log: (text: string) => void): void {
  const print = (...args: unknown[]): void => log(args.map(String).join(' '));
  Object.assign(console, { log: print, info: print, warn: print, error: print, debug: print });
  const write = (chunk: unknown): boolean => {
    print(chunk);
    return true;
  };
  process.stdout.write = write as typeof process.stdout.write;
  process.stderr.write = write as typeof process.stderr.write;
}

/** tesseract.js's adapter, local only: the core and the language from the paths the client sends, no network, no cache. */
function localAdapter(log: (text: string) => void): Record<string, unknown> {
  /* eslint-disable @typescript-eslint/no-require-imports -- the core's glue is bundled here and loaded only when asked for */
  return {
    // One core, whatever the CPU: its glue is bundled here; the .wasm comes as bytes from the path the client sends.
    getCore: async (_lstmOnly: boolean, corePath: string) => {
      const factory = require('tesseract.js-core/tesseract-core-simd-lstm') as (module: Record<string, unknown>) => Promise<unknown>;
      const wasmBinary = readFileSync(corePath);
      return (module: Record<string, unknown>) => factory({ ...module, wasmBinary, print: log, printErr: log });
    },
    gunzip: (data: Uint8Array) => gunzipSync(data),
    fetch: () => {
      throw new Error('The OCR worker does not use the network.');
    },
    // The language file is read from a local folder; nothing is ever cached or written.
    readCache: (file: string) => fsp.readFile(file),
    writeCache: () => Promise.resolve(),
    deleteCache: () => Promise.resolve(),
    checkCache: () => Promise.resolve(false),
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** Our actions: LAYOUT (plan.ts) at once; RECOGNIZE: prepare a region, have Tesseract read it, answer with its lines. */
function serve(tesseract: TesseractWorkerScript, port: MessagePort, packet: Packet): void {
  const answer = (status: Answer['status'], data: unknown): void => port.postMessage({ jobId: packet.jobId, action: packet.action, status, data } satisfies Answer);
  try {
    if (packet.action === LAYOUT) answer('resolve', planRegions(packet.payload as LayoutPayload));
    else recognize(tesseract, packet, answer);
  } catch (e) {
    answer('reject', String(e));
  }
}

function recognize(tesseract: TesseractWorkerScript, packet: Packet, answer: (status: Answer['status'], data: unknown) => void): void {
  const payload = packet.payload as RecognizePayload;
  const { region } = payload;
  const started = performance.now();
  const prepared = prepareRegion(payload.grey, region.xHeight, region.scale, payload.prepare, region.flat);
  const shown = framed(prepared.image, shownText(region), prepared.scale);
  const prepareMs = performance.now() - started;
  const options = { tessedit_pageseg_mode: payload.psm };
  const request: Packet = { ...packet, action: 'recognize', payload: { image: toPgm(shown.image), options, output: { text: false, blocks: true } } };
  tesseract.dispatchHandlers(request, (reply) => {
    if (reply.status === 'progress') return;
    if (reply.status === 'reject') return answer('reject', reply.data);
    const recognised = performance.now();
    const result = reply.data as { blocks: TesseractJsonBlock[] | null; confidence: number | null };
    const factor = 1 / prepared.scale;
    const lines = correctLines(toLines(joinBlocks(mendBlocks(rereadCells(agreeGlyphs(result.blocks ?? [], shown.image), shown.image), shown.image)), { factor, x: region.rect.x + shown.x * factor, y: region.rect.y + shown.y * factor, unit: payload.unitScale }));
    const data: RecognizeAnswer = {
      lines,
      meanConfidence: result.confidence ?? 0,
      words: lines.reduce((n, l) => n + l.words.length, 0),
      invertedShare: prepared.invertedShare,
      prepareMs,
      recognizeMs: recognised - started - prepareMs,
      passesMs: performance.now() - recognised,
    };
    answer('resolve', data);
  });
}

// Started as the OCR worker (unbundled: this file; bundled: dist/assets/ocr/ocr-worker.js): serve the client.
if (!isMainThread && parentPort && (workerData as Record<string, unknown> | null)?.[WORKER_MARK] === true) runOcrWorker(parentPort);
