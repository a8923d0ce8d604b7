/** describe-image extract-text: the words in images, read on this machine. Imports: core (base, images, ocr), cli/base. */
export * from './extractText';
