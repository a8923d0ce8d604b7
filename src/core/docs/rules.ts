/**
 * Alt text quality: the rules `alt-text check` reports (beyond markdownlint's MD045) — per image, and per document
 * (light/dark twins reported once, the same alt on different images) — and the cleaning that turns a model's answer
 * into good alt text (concise, no "Image of…", one line).
 */
import { DEFAULT_ALT_MAX_LENGTH, type RuleId } from '../base';
import type { FoundImage } from '../finders';
import { judgeAlt } from './judge';

export interface Finding {
  /** Path relative to where the run started, with forward slashes. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly rule: RuleId;
  readonly message: string;
  readonly src: string;
  /** alt-mismatch: the alt text the model suggests instead. */
  readonly suggestion?: string | undefined;
  /** The edit that writes the suggestion, escaped for the file's syntax (1-based lines and UTF-16 columns). */
  readonly fix?: FindingFix | undefined;
}

/** A replacement in a file: the span from start to end (end exclusive) becomes `newText`. */
export interface FindingFix {
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly newText: string;
}

export interface AltRuleOptions {
  readonly maxLength: number;
  readonly rules: ReadonlySet<RuleId>;
}

/**
 * How wide an alt text reads: one per character, two per Chinese, Japanese or Korean character (and fullwidth forms
 * and emoji: East Asian Width "wide"), none for combining marks and invisible format characters (zero-width, direction
 * marks). Measured on translated docs: the same alt is ~0.45× as many characters in Chinese and Japanese as in English.
 */
export function altWidth(alt: string): number {
  const visible = alt.replace(INVISIBLE, '');
  let width = 0;
  for (const _ of visible) width++; // code points, not UTF-16 units
  for (const _ of visible.matchAll(WIDE)) width++;
  return width;
}
const INVISIBLE = /[\p{M}\p{Cf}\p{Cc}]/gu;
const WIDE = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}\u3000-\u303f\uff01-\uff60\uffe0-\uffe6\p{Extended_Pictographic}]/gu;

/**
 * The width over which alt text is too long: twice the length alt text is written at (`maxLength`, 125 by default,
 * so 250). Measured on a hand-judged sample: every fine alt was at most 209 wide (one or two sentences of meaning,
 * translations included), every too-long one at least 302 (a walkthrough of a diagram's nodes and arrows).
 */
export function tooLongWidth(maxLength: number): number {
  return 2 * maxLength;
}

/** Findings of the alt-text rules for one image (the path rules need the file system: see checkImagePaths). */
export function altFindings(image: FoundImage, file: string, options: AltRuleOptions): Finding[] {
  const out: Finding[] = [];
  const at = { file, line: image.line, column: image.column, src: image.src };
  const what = image.src || (image.srcDynamic ? 'an image whose source is an expression' : 'an image without a source');
  if (image.altUnknown) return out;
  if (image.altState === 'missing') {
    if (!image.decorative && options.rules.has('alt-missing')) out.push({ ...at, rule: 'alt-missing', message: `image without alt text: ${what}` });
    return out;
  }
  if (image.altState === 'empty') return out; // HTML/JSX alt="": decorative on purpose
  const judged = options.rules.has('alt-uninformative') ? judgeAlt(image) : undefined;
  if (judged) out.push({ ...at, rule: 'alt-uninformative', message: judged.kind === 'decorative' ? `${judged.reason}: ${what}` : `${judged.reason}: say what ${what} shows` });
  const width = options.rules.has('alt-too-long') ? altWidth(image.alt) : 0;
  const limit = tooLongWidth(options.maxLength);
  if (width > limit) {
    const counted = width === image.alt.length ? `${width} characters` : `${width} wide (${image.alt.length} characters; CJK characters count two)`;
    out.push({ ...at, rule: 'alt-too-long', message: `alt text is ${counted}, over ${limit}: say what the image means in a sentence, and put the detail in the text or a long description` });
  }
  return out;
}

/**
 * Make a model's answer into alt text: one line, no surrounding quotes, no "Image of…" / "A picture of…" opener, at
 * most `maxLength` characters (cut at a sentence or word). Returns '' for an answer that says the image is decorative
 * or gives nothing.
 */
export function cleanAltText(raw: string, maxLength = DEFAULT_ALT_MAX_LENGTH): string {
  let s = raw.replace(/\s+/g, ' ').trim();
  s = s.replace(/^(alt(ernative)? text\s*[:-]\s*)/i, '');
  s = s.replace(/^["'“”‘’`*_]+|["'“”‘’`*_]+$/g, '').trim();
  s = s.replace(/^(an?\s+|the\s+)?(image|picture|photo|photograph|graphic|screenshot image)\s+(of|showing|that shows|depicting)\s+/i, '');
  s = s.replace(/^(this|the)\s+(image|picture|photo)\s+(shows|depicts|is of)\s+/i, '');
  if (/^decorative\.?$/i.test(s)) return '';
  if (s) s = s[0]?.toUpperCase() + s.slice(1);
  if (s.length > maxLength) {
    const cut = s.slice(0, maxLength + 1);
    const sentence = cut.lastIndexOf('. ');
    if (sentence >= maxLength * 0.6) s = cut.slice(0, sentence + 1);
    else {
      const word = cut.lastIndexOf(' ', maxLength - 1);
      s = `${cut.slice(0, word > 0 ? word : maxLength - 1).replace(/[,;:\s-]+$/, '')}…`;
    }
  }
  return s;
}
