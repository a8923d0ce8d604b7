/**
 * Images in the Markdown pages of a Jekyll site. Jekyll runs Liquid before kramdown reads the page, so
 * `![x]({{ site.baseurl }}/a.png)` is an image (CommonMark alone sees none: the destination has spaces) whose link is
 * `/a.png` in the site's source. Each Liquid output tag (liquid.ts) is read as a run of one placeholder character of
 * the same length (offsets and lines stay exact, and the link has no spaces, as after Liquid), then the image's link
 * takes the tag's value; a link with a tag whose value can't be known is dynamic (not checked), an alt text with one is
 * unknown (not judged, not filled). Images inside `{% comment %}` are not on the page.
 */
import type { LineIndex } from './lines';
import { findMarkdownImages } from './markdown';
import type { FoundImage } from './model';
import { insideAny } from './regions';
import { scanLiquid, type LiquidOutput } from './liquid';

/** A private-use character: no Markdown or HTML meaning, one UTF-16 unit. */
const HOLE = '\uE000';
const HOLES = /\uE000+/g;

export function findJekyllImages(text: string, lines: LineIndex): FoundImage[] {
  const { outputs, comments } = scanLiquid(text);
  if (outputs.length === 0 && comments.length === 0) return findMarkdownImages(text, false, lines);
  let masked = '';
  let at = 0;
  for (const o of outputs) {
    masked += text.slice(at, o.start) + text.slice(o.start, o.end).replace(/[^\r\n]/g, HOLE);
    at = o.end;
  }
  masked += text.slice(at);
  const images = findMarkdownImages(masked, false, lines).filter((i) => !insideAny(comments, i.start));
  return images.map((image) => withLiquid(image, text, outputs));
}

/** The Liquid tags in a span, in order. */
function outputsIn(outputs: readonly LiquidOutput[], start: number, end: number): LiquidOutput[] {
  return outputs.filter((o) => o.start < end && o.end > start);
}

/**
 * Put each tag's value (or, for `raw`, its text) back in place of its placeholder run; adjacent tags share one run.
 * Undefined when a value is unknown.
 */
function fill(value: string, tags: readonly LiquidOutput[], text: string, raw: boolean): string | undefined {
  let i = 0;
  let unknown = false;
  const out = value.replace(HOLES, (run) => {
    let taken = 0;
    let s = '';
    while (taken < run.length && i < tags.length) {
      const tag = tags[i++] as LiquidOutput;
      taken += tag.end - tag.start;
      if (raw) s += text.slice(tag.start, tag.end);
      else if (tag.value === undefined) unknown = true;
      else s += tag.value;
    }
    return s;
  });
  return unknown ? undefined : out;
}

function withLiquid(image: FoundImage, text: string, outputs: readonly LiquidOutput[]): FoundImage {
  // The heading and the paragraph around it, for the prompt: a tag's value is not known there, so it is left out.
  const prose = (t: string | undefined) => t?.replace(HOLES, '…');
  let out = { ...image, heading: prose(image.heading), context: prose(image.context) };
  if (image.src.includes(HOLE)) {
    const tags = image.srcSpan ? outputsIn(outputs, image.srcSpan.start, image.srcSpan.end) : outputsIn(outputs, image.start, image.end);
    const src = fill(image.src, tags, text, false);
    // A link with Liquid in it is never rewritten (--fix-path-case would write over the tag).
    out = { ...out, src: src ?? (fill(image.src, tags, text, true) as string), srcDynamic: src === undefined, srcWrite: undefined };
  }
  if (image.alt.includes(HOLE)) {
    const tags = outputsIn(outputs, image.altSpan.start, image.altSpan.end);
    out = { ...out, alt: fill(image.alt, tags, text, true) as string, altUnknown: true, altState: 'present' };
  }
  return out;
}
