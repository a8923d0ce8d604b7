/**
 * Where a document shows images: Markdown and MDX (micromark, as markdownlint reads it), HTML (parse5) and JSX/TSX
 * (Babel), each image with its alt text, source, position and how to write a new alt or source in that syntax.
 * Imports: base, markdown.
 */
export * from './find';
export * from '../base';
export * from './lines';
export * from './model';
