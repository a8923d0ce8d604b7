/**
 * Alt text quality: the rules `alt-text check` reports (beyond markdownlint's MD045), and the cleaning that turns a
 * model's answer into good alt text (concise, no "Image of…", one line).
 */
import { DEFAULT_ALT_MAX_LENGTH, hasImageExtension, type RuleId } from '../base';
import type { FoundImage } from '../finders';

/** Words that say only "there is an image here". Compared after lower-casing and dropping articles and punctuation. */
const GENERIC = new Set([
  'image', 'img', 'images', 'picture', 'pic', 'photo', 'photograph', 'screenshot', 'screen shot', 'screen', 'screencap',
  'screen capture', 'diagram', 'graphic', 'graph', 'chart', 'figure', 'fig', 'icon', 'logo', 'demo', 'gif', 'animation',
  'alt', 'alt text', 'alttext', 'placeholder', 'avatar', 'banner', 'thumbnail', 'preview', 'example', 'sample', 'untitled',
  'image description', 'description', 'photo of', 'image here', 'insert image', 'todo', 'tbd', 'badge', 'illustration',
]);


/** The last path segment of a link, without query and fragment. */
function fileName(src: string): string {
  const path = src.split(/[?#]/)[0] ?? '';
  let name = path.split('/').pop() ?? '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // keep it as written
  }
  return name;
}

/**
 * Why an alt text says nothing about the image, or undefined when it may. Catches: only whitespace; the image's file
 * name (with or without extension); a slug or camera name (`img_0231`, `feature-set-vs`, `DSC01234`); a generic word
 * ("image", "screenshot", "logo", "demo", "avatar"…), also numbered ("image 2").
 */
export function uninformativeReason(alt: string, src: string): string | undefined {
  const a = alt.trim();
  if (!a) return 'alt text is only whitespace';
  const name = fileName(src);
  const stem = name.replace(/\.[^.]+$/, '');
  const norm = (s: string) => s.toLowerCase().replace(/[-_.\s]+/g, ' ').trim();
  if (name && (norm(a) === norm(name) || (stem && norm(a) === norm(stem)))) return `alt text "${a}" is the file name`;
  if (hasImageExtension(a) && !/\s/.test(a)) return `alt text "${a}" is a file name`;
  const words = a.toLowerCase().replace(/[^\p{L}\p{N}\s]+/gu, ' ').replace(/\s+/g, ' ').trim();
  const bare = words.replace(/^(an?|the|this|my|our)\s+/, '').replace(/\s*\d+$/, '').trim();
  if (GENERIC.has(bare) || GENERIC.has(words)) return `alt text "${a}" is a generic word`;
  // A slug: one token joined by - or _, or letters then a run of digits (camera and screenshot names).
  if (!/\s/.test(a) && (/^[\p{L}\p{N}]+([-_][\p{L}\p{N}]+)+$/u.test(a) || /^[A-Za-z]{1,10}[-_]?\d{3,}$/.test(a))) return `alt text "${a}" is a slug or file name`;
  return undefined;
}

export interface Finding {
  /** Path relative to where the run started, with forward slashes. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly rule: RuleId;
  readonly message: string;
  readonly src: string;
}

export interface AltRuleOptions {
  readonly maxLength: number;
  readonly rules: ReadonlySet<RuleId>;
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
  const reason = uninformativeReason(image.alt, image.src);
  if (reason && options.rules.has('alt-uninformative')) out.push({ ...at, rule: 'alt-uninformative', message: `${reason}: say what ${what} shows` });
  if (image.alt.length > options.maxLength && options.rules.has('alt-too-long')) {
    out.push({ ...at, rule: 'alt-too-long', message: `alt text is ${image.alt.length} characters, over ${options.maxLength}: shorten it, or move the detail into the text` });
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
