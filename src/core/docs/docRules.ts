/**
 * The alt-text rules over one document's images together: light/dark twins (one image drawn for each color theme, with
 * the same alt) are reported once, and `alt-duplicate` reports different images with the same alt text (Microsoft
 * Learn's build rule: alt text is unique within an article). Linear in the number of images.
 */
import type { FoundImage } from '../finders';
import { judgeAlt } from './judge';
import { altFindings, type AltRuleOptions, type Finding } from './rules';

/**
 * An image's source with its theme taken out: `flow-light.png` and `flow-dark.png`, `a.png#gh-light-mode-only` and
 * `a.png#gh-dark-mode-only`, `img/light/a.png` and `img/dark/a.png` are one image.
 */
export function themelessSource(src: string): string {
  const path = (src.split(/[?#]/)[0] ?? '').toLowerCase();
  return path.replace(/(^|[-_./@])(?:light|dark)(?=$|[-_./@])/g, '$1~');
}

/** The alt text as compared for duplicates: collapsed whitespace, case ignored. */
function altKey(alt: string): string {
  return alt.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Findings of the alt-text rules for a document's images (in document order), twins once, duplicates as warnings. */
export function docAltFindings(images: readonly FoundImage[], file: string, options: AltRuleOptions): Finding[] {
  const out: Finding[] = [];
  /** First image (by line) of each alt text and themeless source: the twin reported, or the image a duplicate repeats. */
  const firstOf = new Map<string, { image: FoundImage; finding: number[] }>();
  const firstByAlt = new Map<string, FoundImage>();
  for (const image of images) {
    const present = image.altState === 'present' && !image.altUnknown;
    const key = present ? `${altKey(image.alt)}\u0000${themelessSource(image.src)}` : undefined;
    const twin = key !== undefined ? firstOf.get(key) : undefined;
    if (twin && image.src !== twin.image.src) {
      // The twin of an image already seen: its findings are the first one's; say so there.
      for (const i of twin.finding) out[i] = { ...(out[i] as Finding), message: `${(out[i] as Finding).message} (also its light/dark twin at line ${image.line})` };
      twin.finding = [];
      continue;
    }
    const start = out.length;
    out.push(...altFindings(image, file, options));
    if (key === undefined) continue;
    if (!twin) firstOf.set(key, { image, finding: Array.from({ length: out.length - start }, (_, i) => start + i) });
    const alt = altKey(image.alt);
    const first = firstByAlt.get(alt);
    if (!first) firstByAlt.set(alt, image);
    else if (twin === undefined && options.rules.has('alt-duplicate') && !judgeAlt(image)) {
      out.push({ file, line: image.line, column: image.column, src: image.src, rule: 'alt-duplicate', message: `same alt text as the image at line ${first.line} (${first.src || 'an expression'}): say what this one shows that the other does not` });
    }
  }
  return out;
}
