/**
 * Reading the text in an image on this machine, never over the network: Tesseract (WebAssembly) in a worker thread.
 * In the caller's thread: decoding and its limits (decode.ts; the size an image is read at: readSize.ts), the engine,
 * its files and the Markdown result (engine.ts), driving the worker (client.ts). The worker thread's code — worker.ts, preparing the pixels (prepare.ts,
 * polarity.ts, textSize.ts, resample.ts, filters.ts) and Tesseract's lines (lines.ts) — is bundled on its own as
 * dist/assets/ocr/ocr-worker.js; the two sides share only the messages (protocol.ts).
 * Imports: base, images, markdown.
 */
export * from './decode';
export * from './engine';
