/**
 * Writing text into Markdown: escaped so it reads as the same text, as a link target, or as a code span that nothing
 * in it can break out of.
 */

/**
 * Markdown label text: backslash-escape what could start markup there (CommonMark escapes any ASCII punctuation);
 * in MDX, braces too; elsewhere a colon before a letter or digit, which would start a text directive (`:name`, read by the
 * directive extension the finder and markdownlint enable) and drop the word from the alt text.
 */
export function escapeMarkdownText(text: string, mdx: boolean): string {
  let out = text.replace(/[\\[\]*_`<|~$]/g, '\\$&');
  // `&` only where it would read as a character reference (`&amp;`, `&#38;`), so "AT&T" stays as it is.
  out = out.replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&');
  out = mdx ? out.replace(/[{}]/g, '\\$&') : out.replace(/(?<!:):(?=[A-Za-z0-9])/g, '\\:');
  return out;
}

/** A link target for Markdown: spaces and parentheses encoded so the link survives. */
export function markdownLinkTarget(target: string): string {
  return encodeURI(target.replace(/\\/g, '/')).replace(/\(/g, '%28').replace(/\)/g, '%29');
}

/**
 * Characters that would end the line or paragraph, reorder what is shown (bidirectional controls) or hide in a name
 * (zero-width space, word joiner, byte-order mark — not the joiners scripts and emoji need): in a one-line span they
 * are shown as escapes (`\n`, `\t`, `\r`, `\u{202e}`) instead of being obeyed.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this finds
const UNSHOWABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/gu;

function showControls(text: string): string {
  return text.replace(UNSHOWABLE, (c) => ({ '\n': '\\n', '\t': '\\t', '\r': '\\r' })[c] ?? `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}

/**
 * Any text (a file name an agent gave) as a Markdown code span that nothing in it can break out of: nothing inside a
 * code span is markup (no links, images, HTML, emphasis, entities or escapes), the fence is one backtick longer than
 * the longest run of backticks inside, a space pads text that starts or ends with a backtick or a space (CommonMark
 * and marked strip one from each side), and line breaks — which could end the paragraph and start a heading — are
 * shown, not obeyed.
 */
export function markdownCodeSpan(text: string): string {
  const shown = showControls(text);
  const fence = '`'.repeat(Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  if (/^ *$/.test(shown)) return `\`${shown || ' '}\``; // only spaces: kept as they are (one for nothing at all)
  const pad = /^[` ]|[` ]$/.test(shown) ? ' ' : '';
  return `${fence}${pad}${shown}${pad}${fence}`;
}

/** Text as Markdown that reads as the same plain text: every ASCII punctuation character escaped, on one line. */
export function markdownPlainText(text: string): string {
  return showControls(text).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

