/**
 * Markdown as text: parsing it with micromark (what the finders, the result document and the OCR output share),
 * escaping text into it, and neutralising raw HTML in what a model writes.
 * Imports: base.
 */
export * from './neutralise';
export * from './parse';
export * from './stream';
export * from './text';
