/**
 * Where a document shows images: Markdown and MDX (micromark, as markdownlint reads it), HTML (parse5) and JSX/TSX
 * (Babel), Microsoft Learn's `:::image`, each image with its alt text, source, position and how to write a new alt or source in that syntax.
 * Imports: base, markdown.
 */
export * from './find';
export * from '../base';
export { isJsxAttributeName, isJsxTagName } from './jsxNames';
export { learnAltValue } from './learn';
export * from './lines';
export * from './model';
