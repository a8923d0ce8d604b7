/** Find every image in a document of one of the documentation languages, with the parser that language needs. */
import { findHtmlImages } from './html';
import { findJsxImages } from './jsx';
import { LineIndex } from './lines';
import { findMarkdownImages } from './markdown';
import type { FoundImage, SiteSyntax, Span } from './model';
import { findSiteMarkdownImages } from './siteMarkdown';
import { type DocLanguage } from '../base';

/**
 * Every image in the text, in document order. Throws DocParseError when the parser refuses the text (MDX, JSX). A
 * Markdown page of a docs site is read with its generator's syntax (`site`), plain Markdown otherwise.
 */
export function findImages(text: string, language: DocLanguage, site?: SiteSyntax): FoundImage[] {
  if (text.charCodeAt(0) === 0xfeff) {
    // A byte order mark: parsers drop it (and count offsets without it). Parse the rest, then shift back.
    const lines = new LineIndex(text);
    const shift = (s: Span): Span => ({ start: s.start + 1, end: s.end + 1 });
    return findImagesIn(text.slice(1), language, site).map((i) => ({ ...i, start: i.start + 1, end: i.end + 1, altSpan: shift(i.altSpan), srcSpan: i.srcSpan && shift(i.srcSpan), ...lines.position(i.start + 1) }));
  }
  return findImagesIn(text, language, site);
}

function findImagesIn(text: string, language: DocLanguage, site: SiteSyntax | undefined): FoundImage[] {
  const lines = new LineIndex(text);
  switch (language) {
    case 'markdown':
      return site ? findSiteMarkdownImages(text, site, lines) : findMarkdownImages(text, false, lines);
    case 'mdx':
      return findMarkdownImages(text, true, lines);
    case 'html':
      return findHtmlImages(text, { language, baseOffset: 0, lines, fragment: false });
    case 'jsx':
    case 'tsx':
      return findJsxImages(text, lines, { language, typescript: language === 'tsx' });
  }
}
