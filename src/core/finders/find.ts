/** Find every image in a document of one of the documentation languages, with the parser that language needs. */
import { findHtmlImages } from './html';
import { findJsxImages, imageComponentsWith } from './jsx';
import { LineIndex } from './lines';
import { findMarkdownImages } from './markdown';
import { shiftImage, type FindOptions, type FoundImage } from './model';
import { findSiteMarkdownImages } from './siteMarkdown';
import { type DocLanguage } from '../base';

/**
 * Every image in the text, in document order. Throws DocParseError when the parser refuses the text (MDX, JSX).
 * `options`: how the document's site reads it — the image components, Docusaurus's mdx-code-block, and the page syntax
 * of Hugo, Jekyll and MkDocs (`siteSyntax`; plain Markdown otherwise).
 */
export function findImages(text: string, language: DocLanguage, options: FindOptions = {}): FoundImage[] {
  if (text.charCodeAt(0) === 0xfeff) {
    // A byte order mark: parsers drop it (and count offsets without it). Parse the rest, then shift back.
    const lines = new LineIndex(text);
    return findImagesIn(text.slice(1), language, options).map((i) => shiftImage(i, 1, lines));
  }
  return findImagesIn(text, language, options);
}

function findImagesIn(text: string, language: DocLanguage, options: FindOptions): FoundImage[] {
  const lines = new LineIndex(text);
  switch (language) {
    case 'markdown':
      return options.siteSyntax ? findSiteMarkdownImages(text, options.siteSyntax, lines) : findMarkdownImages(text, false, lines, options);
    case 'mdx':
      return findMarkdownImages(text, true, lines, options);
    case 'html':
      return findHtmlImages(text, { language, baseOffset: 0, lines, fragment: false });
    case 'jsx':
    case 'tsx':
      return findJsxImages(text, lines, { language, typescript: language === 'tsx', components: imageComponentsWith(options.components) });
  }
}
