/** Find every image in a document of one of the documentation languages, with the parser that language needs. */
import { findHtmlImages } from './html';
import { findJsxImages } from './jsx';
import { LineIndex } from './lines';
import { findMarkdownImages } from './markdown';
import type { FoundImage, Span } from './model';
import { type DocLanguage } from '../base';

/** Every image in the text, in document order. Throws DocParseError when the parser refuses the text (MDX, JSX). */
export function findImages(text: string, language: DocLanguage): FoundImage[] {
  if (text.charCodeAt(0) === 0xfeff) {
    // A byte order mark: parsers drop it (and count offsets without it). Parse the rest, then shift back.
    const lines = new LineIndex(text);
    const shift = (s: Span): Span => ({ start: s.start + 1, end: s.end + 1 });
    return findImagesIn(text.slice(1), language).map((i) => ({ ...i, start: i.start + 1, end: i.end + 1, altSpan: shift(i.altSpan), srcSpan: i.srcSpan && shift(i.srcSpan), ...lines.position(i.start + 1) }));
  }
  return findImagesIn(text, language);
}

function findImagesIn(text: string, language: DocLanguage): FoundImage[] {
  const lines = new LineIndex(text);
  switch (language) {
    case 'markdown':
      return findMarkdownImages(text, false, lines);
    case 'mdx':
      return findMarkdownImages(text, true, lines);
    case 'html':
      return findHtmlImages(text, { language, baseOffset: 0, lines, fragment: false });
    case 'jsx':
    case 'tsx':
      return findJsxImages(text, lines, { language, typescript: language === 'tsx' });
  }
}
