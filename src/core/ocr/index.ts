/**
 * Reading the text in an image on this machine, never over the network: Tesseract (WebAssembly) in a worker thread
 * (worker.ts, bundled on its own as dist/assets/ocr/ocr-worker.js), its files, limits and the Markdown/JSON result.
 * Imports: base, images, markdown.
 */
export * from './engine';
