/**
 * Does an alt text say something? Judged as a careful reviewer would, from the alt text and what the finders know of
 * its place (the heading above, the figure's caption, a link or button around it). Each check was measured against a
 * hand-judged sample of real alt text (bench/alt-rules; README "Rules"). What none of them catches on purpose: human
 * words that happen to be the file's name ("Join page" on join-page.png), a logo's or a link's name ("Cisco",
 * "Download"), and "Screenshot of …", the opening GitHub Docs and Microsoft Learn ask for.
 */
import { hasImageExtension } from '../base';
import type { FoundImage } from '../finders';
import { ARTICLES, DECORATIVE_CJK, DECORATIVE_WORDS, IMAGE_NOUNS, LABEL_WORDS, normWords, NUMBER_WORDS, PLACEHOLDERS, SCREENSHOT_GLUE, SCREENSHOT_NAMES } from './altWords';

/** What an alt text is judged by. */
export type AltSubject = Pick<FoundImage, 'alt' | 'src' | 'heading'> & Partial<Pick<FoundImage, 'caption' | 'link'>>;

export type UninformativeKind = 'whitespace' | 'file-name' | 'slug' | 'screenshot-name' | 'placeholder' | 'numbered' | 'decorative' | 'heading' | 'caption';

export interface AltJudgement {
  readonly kind: UninformativeKind;
  /** Why, in one sentence (the finding's message starts with it). */
  readonly reason: string;
}

/**
 * The word checks only look at alt text this short: a placeholder, a label or a name is never longer (and a megabyte
 * of alt text costs one pass, not one per list).
 */
const SHORT = 120;

/** Why an alt text says nothing about its image, or undefined when it may. */
export function judgeAlt(image: AltSubject): AltJudgement | undefined {
  const alt = image.alt.trim();
  if (!alt) return { kind: 'whitespace', reason: 'alt text is only whitespace' };
  // Combining marks, zero-width and direction marks alone: nothing a screen reader can say.
  if (!/[^\p{M}\p{Cf}\p{Cc}\p{Z}\s]/u.test(alt)) return { kind: 'whitespace', reason: 'alt text has no visible characters' };
  if (/^\{\{.*\}\}$/su.test(alt)) return undefined; // a template expression: the real alt is made later
  const shown = alt.length > 60 ? `${alt.slice(0, 59)}…` : alt;
  const is = (kind: UninformativeKind, what: string): AltJudgement => ({ kind, reason: `alt text "${shown}" ${what}` });
  if (looksLikePath(alt)) return is('file-name', 'is a file name or path');
  if (alt.length > SHORT) return undefined;
  const words = normWords(alt);
  // Only punctuation ("-", "..."): a placeholder. An emoji has a name a screen reader says.
  if (!words && !/\p{Extended_Pictographic}/u.test(alt)) return is('placeholder', 'has no words');
  if (isDecorativeDeclaration(alt, words)) return is('decorative', 'says the image is decorative: mark it so (alt="" in HTML and JSX, type="icon" in Learn) instead of describing it');
  if (isScreenshotName(words)) return is('screenshot-name', "is a screenshot tool's default name");
  const bare = words.split(' ').filter((w, i) => i > 0 || !ARTICLES.has(w)).join(' ');
  if (PLACEHOLDERS.has(words) || PLACEHOLDERS.has(bare)) return is('placeholder', 'is a placeholder or a generic word');
  if (isNumberedLabel(alt)) return is('numbered', 'is a label with a number');
  if (isSlug(alt)) return is('slug', 'is a slug or file name, not words');
  if (!image.link) {
    // A banner whose only text is the heading is redundant too (WAI: an image whose text is already next to it is alt="").
    if (image.heading && headingForms(image.heading).includes(words)) return is('heading', 'repeats the heading above it (if the image only shows that text, it is decorative: alt="")');
    if (image.caption && normWords(image.caption) === words) return is('caption', 'repeats its caption (if the image only shows that text, it is decorative: alt="")');
  }
  return undefined;
}

/** Why an alt text says nothing (the message of `alt-uninformative`), or undefined. */
export function uninformativeReason(image: AltSubject): string | undefined {
  return judgeAlt(image)?.reason;
}

/** A path, URL or file name written as alt text: no spaces, and an image extension or a slash. */
function looksLikePath(alt: string): boolean {
  if (/\s/.test(alt)) return false;
  const a = alt.replace(/[.,;:]+$/, '');
  return /^(https?:)?\/\//i.test(a) || (hasImageExtension(a) && /[\p{L}\p{N}]\.[\p{L}\d]+$/u.test(a)) || (/\//.test(a) && /\p{L}/u.test(a) && !/^\p{L}+\/\p{L}+$/u.test(a));
}

/** "Decorative graphic of pages.", "Imagen de fondo decorativa.", "页面的装饰性图形。" — not "bullet decorators". */
function isDecorativeDeclaration(alt: string, words: string): boolean {
  if (DECORATIVE_CJK.test(alt)) return true;
  const first = words.split(' ').slice(0, 6);
  return first.some((w) => DECORATIVE_WORDS.has(w)) && first.some((w) => IMAGE_NOUNS.has(w));
}

/** "Screenshot 2020-10-03 at 1 11 19 AM", "Screenshot_20201003_011119", "Screenshot (12)". */
function isScreenshotName(words: string): boolean {
  const name = SCREENSHOT_NAMES.find((n) => words.startsWith(`${n} `));
  if (!name) return false;
  const rest = words.slice(name.length + 1).split(' ');
  return rest.some((t) => /^\d+$/.test(t)) && rest.every((t) => /^\d+$/.test(t) || SCREENSHOT_GLUE.has(t));
}

/**
 * A label with only a number: "Step one", "figure 1", "Render pipeline 5", "Threading model use case six", "図 1".
 * The number is an integer of at most three digits (a year or a version is content: "Visual Studio 2022",
 * "Python 3.12"), or a number word; one word before a digit must be a label word ("Windows 11" is a name).
 */
function isNumberedLabel(alt: string): boolean {
  const tokens = alt.replace(/[.:;!]+$/, '').trim().split(/\s+/);
  const glued = tokens.length === 1 ? /^(\p{L}+?)[-_]?(\d{1,3})$/u.exec(tokens[0] as string) : null;
  if (glued) return LABEL_WORDS.has((glued[1] as string).toLowerCase());
  if (tokens.length < 2 || tokens.length > 6) return false;
  const last = (tokens[tokens.length - 1] as string).toLowerCase().replace(/^#/, '').replace(/^\((\d+)\)$/, '$1');
  const label = tokens.slice(0, -1).map((t) => t.toLowerCase());
  if (label.some((t) => /\d/.test(t) || !/^\p{L}[\p{L}'’-]*$/u.test(t))) return false;
  if (NUMBER_WORDS.has(last)) return true;
  if (!/^\d{1,3}$/.test(last)) return false;
  // A product's own capitals ("macOS", "PowerShell") make a name with a version, not a label.
  if (tokens.slice(0, -1).some((t) => /\p{Ll}\p{Lu}/u.test(t))) return false;
  return label.length >= 2 || LABEL_WORDS.has(label[0] as string);
}

/**
 * One token joined by `_`, or by `-` in lower case (`feature-set-vs`, `updated_acrylic_toggle_doc`, `Image
 * split-pane-same-cwd`), or a camera's letters-and-digits name (`DSC01234`). A hyphen between capitalised words is a
 * compound or a name ("Swagger-Oberfläche", "eWay-CRM").
 */
function isSlug(alt: string): boolean {
  let a = alt.replace(/\.$/, '');
  const space = a.indexOf(' ');
  if (space > 0 && PLACEHOLDERS.has(a.slice(0, space).toLowerCase())) a = a.slice(space + 1);
  if (/\s/.test(a) || !/\p{L}/u.test(a)) return false;
  if (/^[A-Za-z]{1,10}[-_]?\d{3,}$/.test(a)) return true;
  if (!/^[\p{L}\p{N}]+(?:[-_][\p{L}\p{N}]+)+$/u.test(a)) return false;
  return a.includes('_') || !/\p{Lu}/u.test(a);
}

/** A heading as words, and its anchor (`## Soporte del editor { #editor-support }`, MDX `{/*editor-support*\/}`) as words. */
function headingForms(heading: string): string[] {
  const anchor = /\s*\{\s*(?:#([^\s}]+)[^}]*|\/\*\s*([^*]*?)\s*\*\/)\s*\}\s*$/u.exec(heading);
  if (!anchor) return [normWords(heading)];
  return [normWords(heading.slice(0, anchor.index)), normWords(anchor[1] ?? anchor[2] ?? '')];
}
