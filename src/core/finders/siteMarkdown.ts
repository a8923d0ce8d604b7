/** The Markdown pages of a docs site, read with its generator's page syntax (see SiteSyntax). */
import { findHugoImages } from './hugo';
import { findJekyllImages } from './jekyll';
import type { LineIndex } from './lines';
import { findMkdocsImages } from './mkdocs';
import type { FoundImage, SiteSyntax } from './model';

export function findSiteMarkdownImages(text: string, site: SiteSyntax, lines: LineIndex): FoundImage[] {
  switch (site) {
    case 'hugo':
      return findHugoImages(text, lines);
    case 'jekyll':
      return findJekyllImages(text, lines);
    case 'mkdocs':
      return findMkdocsImages(text, lines);
  }
}
