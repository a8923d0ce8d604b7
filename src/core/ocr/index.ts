/**
 * Reading the text in an image on this machine, never over the network: Tesseract (WebAssembly) in a worker thread,
 * its files, limits and the Markdown/JSON result (engine.ts). The worker thread's code — worker.ts, preparing the
 * pixels (prepare.ts, polarity.ts, textSize.ts, resample.ts, filters.ts) and Tesseract's lines (lines.ts) — is
 * bundled on its own as dist/assets/ocr/ocr-worker.js; the engine shares only protocol.ts with it.
 * Imports: base, images, markdown.
 */
export * from './engine';
