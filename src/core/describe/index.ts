/**
 * Describing images: settings + credential + image sources → prepared images (stills and animations) → one request
 * through a chat backend → the result, and the result as a Markdown document.
 * Imports: base, net, images, animation, markdown.
 */
export * from './engine';
export * from './result';
