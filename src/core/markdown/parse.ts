/**
 * Markdown read with micromark — the CommonMark parser markdownlint uses — with the extensions markdownlint enables
 * (GFM autolink literals, footnotes and tables, directives, math) plus front matter and Microsoft Learn's `:::image`
 * (learnImage.ts; Learn pages are Markdown, never MDX). MDX is read with the MDX
 * extension its caller passes (the finders do), so nothing that only needs CommonMark loads the MDX parser.
 */
import { decodeNamedCharacterReference } from 'decode-named-character-reference';
import { parse, postprocess, preprocess } from 'micromark';
import { directive } from 'micromark-extension-directive';
import { frontmatter } from 'micromark-extension-frontmatter';
import { gfmAutolinkLiteral } from 'micromark-extension-gfm-autolink-literal';
import { gfmFootnote } from 'micromark-extension-gfm-footnote';
import { gfmTable } from 'micromark-extension-gfm-table';
import { math } from 'micromark-extension-math';
import { decodeNumericCharacterReference } from 'micromark-util-decode-numeric-character-reference';
import type { Event, Extension } from 'micromark-util-types';
import { learnImage } from './learnImage';
import { DocParseError } from '../base';

let commonMark: Extension[] | undefined;
const withMdx = new WeakMap<Extension, Extension[]>();

/** What the document is read as: CommonMark with markdownlint's extensions, or MDX with the MDX extension given. */
export interface MarkdownDialect {
  /** micromark's MDX extension (`mdxjs()` from micromark-extension-mdxjs), for MDX documents. */
  readonly mdx?: Extension | undefined;
}

function extensions(dialect: MarkdownDialect): Extension[] {
  const { mdx } = dialect;
  if (!mdx) return (commonMark ??= [directive(), learnImage(), gfmAutolinkLiteral(), gfmFootnote(), gfmTable(), math(), frontmatter(['yaml', 'toml'])]);
  let list = withMdx.get(mdx);
  if (!list) withMdx.set(mdx, (list = [mdx, gfmAutolinkLiteral(), gfmFootnote(), gfmTable(), frontmatter(['yaml', 'toml'])]));
  return list;
}

/** micromark's events for a document (enter/exit pairs of tokens with positions). */
export function markdownEvents(text: string, dialect: MarkdownDialect = {}): Event[] {
  try {
    return postprocess(parse({ extensions: extensions(dialect) }).document().write(preprocess()(text, undefined, true)));
  } catch (e) {
    const place = e as { line?: number; column?: number; place?: { line?: number; column?: number; start?: { line?: number; column?: number } }; reason?: string; message?: string };
    const line = place.line ?? place.place?.line ?? place.place?.start?.line ?? 1;
    const column = place.column ?? place.place?.column ?? place.place?.start?.column ?? 1;
    throw new DocParseError(`not valid ${dialect.mdx ? 'MDX' : 'Markdown'}: ${place.reason ?? place.message ?? String(e)}`, line, column);
  }
}

/** Decode `&name;`, `&#123;` and `&#x1F;` (text of a whole character reference). */
export function decodeCharacterReference(ref: string): string {
  const body = ref.slice(1, -1);
  if (body.startsWith('#')) {
    const hex = body[1] === 'x' || body[1] === 'X';
    return decodeNumericCharacterReference(body.slice(hex ? 2 : 1), hex ? 16 : 10);
  }
  const named = decodeNamedCharacterReference(body);
  return named === false ? ref : named;
}

