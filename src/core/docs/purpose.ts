/**
 * An image's purpose (W3C WAI images tutorial): what the document already says decides it before any request —
 * inside a link or button it is functional, marked decorative it wants alt="", Learn's `type="complex"` is complex —
 * and otherwise the model decides, in the same single request, between informative, image of text and complex. The
 * model answers a small JSON object; the answer is read tolerantly (code fences, prose around it, labelled lines),
 * and an answer that can't be read as one is plain alt text, as before.
 */
import type { FoundImage } from '../finders';
import { DEFAULT_ALT_MAX_LENGTH } from '../base';
import { judgeAlt } from './judge';
import { cleanAltText } from './rules';

export type AltPurpose = 'informative' | 'functional' | 'image-of-text' | 'complex' | 'decorative';

/** What the document says of an image's purpose; undefined: the model decides. */
export type DocPurpose = 'functional' | 'decorative' | 'complex';

/** A long description is at most this long (a model that rambles is cut at a sentence). */
export const MAX_LONG_DESCRIPTION = 4000;

/** The purpose the document gives an image, before anything is sent. */
export function documentPurpose(image: Pick<FoundImage, 'alt' | 'src' | 'heading' | 'decorative' | 'link' | 'learn' | 'altState'>): DocPurpose | undefined {
  if (image.decorative || image.learn?.type === 'icon') return 'decorative';
  if (image.altState === 'present' && judgeAlt({ alt: image.alt, src: image.src, heading: image.heading })?.kind === 'decorative') return 'decorative';
  if (image.link) return 'functional';
  if (image.learn?.type === 'complex') return 'complex';
  return undefined;
}

/** The instruction for a purpose-aware request (the context lines of altPrompt follow it). */
export function purposeInstruction(maxLength = DEFAULT_ALT_MAX_LENGTH, purpose?: DocPurpose): string {
  const alt = `at most ${maxLength} characters`;
  const known =
    purpose === 'functional'
      ? `The image is inside a link or button: it is functional. Its alt text (${alt}) names the action or the destination, not the picture. Use "purpose": "functional".`
      : purpose === 'complex'
        ? `The image is a complex image (a chart, diagram or architecture): give a short alt text (${alt}) and a long description that conveys all of its information in prose. Use "purpose": "complex".`
        : 'Decide its purpose: "informative" (a photo, screenshot or illustration: say what it shows and why it matters, in one sentence of ' +
          `${alt}), "image-of-text" (mostly text, like a banner or a code or error screenshot: the alt text is that text, word for word), or "complex" ` +
          `(a chart, graph, diagram or architecture drawing: a short alt text of ${alt} plus a long description that gives all its information in prose).`;
  return [
    'Write alt text for this image as it appears in technical documentation.',
    known,
    'Read important on-screen text exactly. Do not start with "Image of", "Picture of" or "Screenshot of". If the image is purely decorative, use "purpose": "decorative" and an empty alt.',
    'Answer with one JSON object only, no other text: {"purpose": "...", "alt": "...", "longDescription": "..."} (longDescription only for complex images).',
  ].join(' ');
}

/** A model's answer, read. */
export interface AltAnswer {
  readonly purpose: AltPurpose;
  /** Cleaned (cleanAltText); '' for decorative, or when there was none. */
  readonly alt: string;
  readonly longDescription?: string | undefined;
  /** The answer was not the asked-for object: the whole answer was taken as plain alt text. */
  readonly plain: boolean;
}

const PURPOSES: ReadonlyMap<string, AltPurpose> = new Map([
  ['informative', 'informative'],
  ['functional', 'functional'],
  ['image-of-text', 'image-of-text'],
  ['text', 'image-of-text'],
  ['complex', 'complex'],
  ['decorative', 'decorative'],
]);

function purposeOf(value: unknown): AltPurpose | undefined {
  return typeof value === 'string' ? PURPOSES.get(value.trim().toLowerCase().replace(/[_\s]+/g, '-')) : undefined;
}

/** The JSON object in an answer: the whole, inside a code fence, or from the first `{` to the last `}`. */
function jsonObjectIn(raw: string): Record<string, unknown> | undefined {
  const text = raw.trim();
  // Found with indexOf, not a lazy pattern: an answer of many fences must cost one pass (it comes from a server).
  const open = text.indexOf('```');
  const close = open < 0 ? -1 : text.indexOf('```', open + 3);
  const fenced = close < 0 ? undefined : text.slice(open + 3, close).replace(/^[a-zA-Z]*/, '');
  const candidates = [text, fenced, text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)];
  for (const c of candidates) {
    if (!c?.trim().startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(c.trim());
      if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** `Purpose: complex` / `Alt: …` / `Long description: …` lines, as some models answer despite being asked for JSON. */
function labelledLines(raw: string): Record<string, unknown> | undefined {
  const out: Record<string, string> = {};
  let current: string | undefined;
  for (const line of raw.split(/\r?\n/)) {
    // One character class between the parts, so a line of blanks can't be split between two of them (no backtracking).
    const m = /^[*_#\- \t]*(purpose|alt(?:[ -]?text)?|long[ -]?description)[*_ \t]*:[*_ \t]*(.*)$/i.exec(line.trimStart());
    if (m) {
      const label = (m[1] as string).toLowerCase();
      current = label.startsWith('purpose') ? 'purpose' : label.startsWith('alt') ? 'alt' : 'longDescription';
      out[current] = (m[2] as string).trim();
    } else if (current === 'longDescription') out[current] = `${out[current] ?? ''}\n${line}`;
  }
  return out['purpose'] !== undefined && out['alt'] !== undefined ? out : undefined;
}

/** A value with words in it: the template's `"..."` echoed back (or only punctuation) is none. */
function words(value: unknown): string | undefined {
  return typeof value === 'string' && /[\p{L}\p{N}]/u.test(value) ? value : undefined;
}

/** Read a model's answer; anything that is not the asked-for object is plain alt text (as before purposes). */
export function parseAltAnswer(raw: string, maxLength = DEFAULT_ALT_MAX_LENGTH): AltAnswer {
  const obj = jsonObjectIn(raw) ?? labelledLines(raw);
  const altValue = obj ? words(obj['alt'] ?? obj['altText'] ?? obj['alt_text']) : undefined;
  if (!obj || (typeof altValue !== 'string' && purposeOf(obj['purpose']) !== 'decorative')) {
    const alt = cleanAltText(raw, maxLength);
    return { purpose: alt || !/^\W*decorative\W*$/i.test(raw.trim()) ? 'informative' : 'decorative', alt, plain: true };
  }
  const purpose = purposeOf(obj['purpose']) ?? 'informative';
  if (purpose === 'decorative') return { purpose, alt: '', plain: false };
  const text = typeof altValue === 'string' ? altValue : '';
  const alt = cleanAltText(text, maxLength);
  const rawLong = obj['longDescription'] ?? obj['long_description'] ?? obj['description'];
  let longDescription = words(rawLong) !== undefined ? cleanLongDescription(rawLong as string) : undefined;
  // An image of text longer than the alt can hold: the alt is clipped, the whole text goes in the long description.
  if (purpose === 'image-of-text' && !longDescription && alt !== text.replace(/\s+/g, ' ').trim() && alt.endsWith('…')) longDescription = cleanLongDescription(text);
  return { purpose, alt, longDescription: longDescription || undefined, plain: false };
}

/** A long description: paragraphs kept, lines inside a paragraph joined, at most MAX_LONG_DESCRIPTION characters. */
export function cleanLongDescription(text: string): string {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  let out = paragraphs.join('\n\n');
  if (out.length > MAX_LONG_DESCRIPTION) {
    const cut = out.slice(0, MAX_LONG_DESCRIPTION);
    const sentence = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('.\n'));
    out = sentence > MAX_LONG_DESCRIPTION * 0.6 ? cut.slice(0, sentence + 1) : `${cut.slice(0, cut.lastIndexOf(' ')).trimEnd()}…`;
  }
  return out;
}

/** How an answer is kept in the cache: its JSON (read back with parseAltAnswer, which also reads a plain alt text). */
export function answerForCache(answer: AltAnswer): string {
  return JSON.stringify({ purpose: answer.purpose, alt: answer.alt, ...(answer.longDescription ? { longDescription: answer.longDescription } : {}) });
}

/** A purpose-aware prompt: altPrompt's first line (its instruction) replaced by the purpose instruction; its context lines kept. */
export function withPurpose(altPromptText: string, maxLength: number, purpose: DocPurpose | undefined): string {
  const newline = altPromptText.indexOf('\n');
  return purposeInstruction(maxLength, purpose) + (newline < 0 ? '' : altPromptText.slice(newline));
}

/** The purpose an image ends up with: the document's, where it says one; else the model's. */
export function finalPurpose(doc: DocPurpose | undefined, answer: AltAnswer): AltPurpose {
  return doc === 'functional' || doc === 'complex' ? doc : answer.purpose;
}
