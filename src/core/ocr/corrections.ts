/**
 * Two narrow corrections of what Tesseract reads in code and terminals (in the OCR worker thread, after lines.ts), each
 * inside one word and only where the word's own shape leaves no other reading.
 *
 * Found first: on DejaVu Sans Mono (the monospaced font of the generated editor and terminal) the English model reads
 * the digit one as a lowercase L (`cache@1.4.2` → `cache@l.4.2`) and a closing straight quote after a word as a double
 * one (`'node:fs/promises';` → `'node:fs/promises";`), and the reverse (`lib` → `1ib`). Not the scale (the same from
 * 1× to 3×), not the dictionary (the same with every word list off), not the page segmentation (3 and 6 alike), not
 * the model (tessdata_fast does it too): the model's reading of those glyphs. So:
 * 1. **a version or a number with dots** (`1.4.2`, `v4.6.1`, `10.0.3`): a lowercase L among its digits is a one. The
 *    word part must be digits and dots only once the L is read as one, hold at least two real digits and a dot, and
 *    stand alone or after a non-letter (`@`, `=`, `/`, a quote) or a lone `v`: `l.e.`, `html.5`, `all.2` stay;
 * 2. **a quoted string in one word** (`'cache@1.4.2";`): opened with one kind of straight quote and closed with the
 *    other, no third quote in it: the closing one is made to match. `"it's"`, `'a' + "b"` stay.
 * Pure functions, no I/O.
 */
import type { OcrLine, OcrWord } from './protocol';

/** A version or dotted number that may hold a misread one: [0-9l]+ in two or more parts joined by dots. */
const DOTTED = /(^|[^A-Za-z0-9]|(?:^|[^A-Za-z0-9])[vV])([0-9l]+(?:\.[0-9l]+)+)(?![A-Za-z0-9])/g;

/** Correct one word (see the header); anything else comes back as it was. */
export function correctWord(word: string): string {
  return matchQuotes(digitOnes(word));
}

function digitOnes(word: string): string {
  if (!word.includes('l')) return word;
  return word.replace(DOTTED, (all, before: string, number: string) => {
    const digits = number.replace(/[^0-9]/g, '').length;
    return number.includes('l') && digits >= 2 ? `${before}${number.replace(/l/g, '1')}` : all;
  });
}

/** `'…"` → `'…'` and `"…'` → `"…"` when the word holds exactly two straight quotes, first and last before punctuation. */
function matchQuotes(word: string): string {
  const m = /^([([{=]*)(['"])([^'"`]+)(['"])([;,.:)\]}]*)$/.exec(word);
  if (!m) return word;
  const [, lead = '', open = '', inner = '', close = '', tail = ''] = m;
  return open === close ? word : `${lead}${open}${inner}${open}${tail}`;
}

/** Lines with their words corrected, and each line's text with the same words corrected in place. */
export function correctLines(lines: readonly OcrLine[]): OcrLine[] {
  return lines.map((line) => {
    const words: OcrWord[] = line.words.map((w) => ({ ...w, text: correctWord(w.text) }));
    // The line's text keeps its runs of spaces: correct it word by word too.
    const text = line.text.replace(/\S+/g, correctWord);
    return { ...line, text, words };
  });
}
