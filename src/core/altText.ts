/**
 * Alt text in docs: finding images (Markdown inline and reference images, HTML `<img>`, JSX `<img>`/`<Image>`) while
 * ignoring code fences and inline code, rewriting only their alt text (idempotent), and cleaning what a model wrote
 * into good alt text (concise, no "image of", escaped for the syntax it goes into).
 */

export type ImageSyntax = 'markdown' | 'markdown-ref' | 'html' | 'jsx';

export interface FoundImage {
  readonly syntax: ImageSyntax;
  /** The image source as written (path or URL), unescaped. */
  readonly src: string;
  /** The current alt text (unescaped); '' when empty or missing. */
  readonly alt: string;
  /** True when there is no alt attribute at all (HTML/JSX). */
  readonly altMissing: boolean;
  /** Where the whole image starts and ends in the text (offsets). */
  readonly start: number;
  readonly end: number;
  /** The span to replace with the new alt text: the inside of `[...]`, the attribute value, or an insertion point. */
  readonly altStart: number;
  readonly altEnd: number;
  /** For HTML/JSX without an alt attribute: insert ` alt="…"` at altStart. */
  readonly insertAttribute: boolean;
  /** 0-based line of the image start. */
  readonly line: number;
}

/** Ranges of the text that are code (fenced or indented blocks, inline code spans): no image is found there. */
export function codeRanges(text: string): [number, number][] {
  const ranges: [number, number][] = [];
  const lineRe = /[^\n]*(\n|$)/g;
  let fence: { char: string; len: number; start: number } | undefined;
  let m: RegExpExecArray | null;
  let prevBlank = true;
  while ((m = lineRe.exec(text)) && m[0].length > 0) {
    const line = m[0].replace(/\n$/, '');
    const start = m.index;
    const end = m.index + m[0].length;
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (f?.[1] && f[1][0] === fence.char && f[1].length >= fence.len && line.trim() === f[1]) {
        ranges.push([fence.start, end]);
        fence = undefined;
      }
    } else if (f?.[1]) {
      fence = { char: f[1][0] ?? '`', len: f[1].length, start };
    } else if (prevBlank && /^( {4}|\t)/.test(line) && line.trim()) {
      ranges.push([start, end]);
      prevBlank = false;
      continue;
    }
    prevBlank = line.trim() === '';
  }
  if (fence) ranges.push([fence.start, text.length]);
  // Inline code spans outside the blocks.
  const inBlock = (i: number) => ranges.some(([a, b]) => i >= a && i < b);
  const spanRe = /(`+)([\s\S]*?[^`])\1(?!`)/g;
  const spans: [number, number][] = [];
  while ((m = spanRe.exec(text))) {
    if (!inBlock(m.index) && !isEscaped(text, m.index)) spans.push([m.index, m.index + m[0].length]);
  }
  return [...ranges, ...spans];
}

function isEscaped(text: string, i: number): boolean {
  let n = 0;
  for (let j = i - 1; j >= 0 && text[j] === '\\'; j--) n++;
  return n % 2 === 1;
}

function lineOf(text: string, offset: number): number {
  let n = 0;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** `\[` → `[` etc. for Markdown link text. */
export function unescapeMarkdown(s: string): string {
  return s.replace(/\\([\\`*_{}[\]()#+\-.!<>|"'])/g, '$1');
}

/** Find the closing `]` of a Markdown link text starting after `[` at `i`, honouring escapes and nesting. */
function closeBracket(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') {
      j++;
      continue;
    }
    if (c === '\n' && text[j + 1] === '\n') return -1;
    if (c === '[') depth++;
    else if (c === ']') {
      if (depth === 0) return j;
      depth--;
    }
  }
  return -1;
}

/** Parse `(dest "title")` after an image's `]`; returns the destination and the end offset. */
function parseInlineDest(text: string, open: number): { src: string; end: number } | undefined {
  if (text[open] !== '(') return undefined;
  let j = open + 1;
  while (text[j] === ' ') j++;
  let src = '';
  if (text[j] === '<') {
    const close = text.indexOf('>', j);
    if (close < 0) return undefined;
    src = text.slice(j + 1, close);
    j = close + 1;
  } else {
    let depth = 0;
    const s = j;
    for (; j < text.length; j++) {
      const c = text[j];
      if (c === '\\') {
        j++;
        continue;
      }
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) break;
        depth--;
      } else if (c === ' ' || c === '\n') break;
    }
    src = text.slice(s, j);
  }
  // Optional title, then ')'.
  const rest = /^\s*(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^)\\]|\\.)*\))?\s*\)/.exec(text.slice(j));
  if (!rest) return undefined;
  return { src: unescapeMarkdown(src), end: j + rest[0].length };
}

/** Reference definitions `[label]: dest "title"` (labels are case-insensitive). */
function referenceDefinitions(text: string, inCode: (i: number) => boolean): Map<string, string> {
  const defs = new Map<string, string>();
  const re = /^ {0,3}\[((?:[^\]\\]|\\.)+)\]:\s*(<[^>]*>|\S+)/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (inCode(m.index)) continue;
    const label = normaliseLabel(m[1] ?? '');
    const dest = (m[2] ?? '').replace(/^<|>$/g, '');
    if (!defs.has(label)) defs.set(label, unescapeMarkdown(dest));
  }
  return defs;
}

const normaliseLabel = (l: string) => l.trim().replace(/\s+/g, ' ').toLowerCase();

/** Find every image in a document of the given language (markdown, mdx, html, jsx/tsx…). */
export function findImages(text: string, language: string): FoundImage[] {
  const code = language === 'html' || language === 'javascriptreact' || language === 'typescriptreact' ? [] : codeRanges(text);
  const inCode = (i: number) => code.some(([a, b]) => i >= a && i < b);
  const found: FoundImage[] = [];
  const markdownLike = language === 'markdown' || language === 'mdx';
  if (markdownLike) {
    const defs = referenceDefinitions(text, inCode);
    for (let i = text.indexOf('!['); i >= 0; i = text.indexOf('![', i + 2)) {
      if (inCode(i) || isEscaped(text, i)) continue;
      const close = closeBracket(text, i + 2);
      if (close < 0) continue;
      const altRaw = text.slice(i + 2, close);
      const inline = parseInlineDest(text, close + 1);
      if (inline) {
        found.push({ syntax: 'markdown', src: inline.src, alt: unescapeMarkdown(altRaw).trim(), altMissing: false, start: i, end: inline.end, altStart: i + 2, altEnd: close, insertAttribute: false, line: lineOf(text, i) });
        continue;
      }
      // Reference image: ![alt][label], ![alt][] or ![label]
      const ref = /^\[((?:[^\]\\]|\\.)*)\]/.exec(text.slice(close + 1));
      const label = ref && ref[1] ? ref[1] : altRaw;
      const src = defs.get(normaliseLabel(label));
      if (src !== undefined) {
        const end = close + 1 + (ref ? ref[0].length : 0);
        found.push({ syntax: 'markdown-ref', src, alt: unescapeMarkdown(altRaw).trim(), altMissing: false, start: i, end, altStart: i + 2, altEnd: close, insertAttribute: false, line: lineOf(text, i) });
      }
    }
  }
  // HTML <img> (Markdown, MDX and HTML) and JSX <img>/<Image> (MDX, JSX, TSX).
  const jsxLike = language === 'mdx' || language === 'javascriptreact' || language === 'typescriptreact';
  const tagRe = jsxLike ? /<(img|Image)(?=[\s/>])/g : /<(img)(?=[\s/>])/gi;
  let m: RegExpExecArray | null;
  while ((m = tagRe.exec(text))) {
    if (inCode(m.index)) continue;
    const tagEnd = findTagEnd(text, m.index + m[0].length);
    if (tagEnd < 0) continue;
    const attrs = parseAttributes(text, m.index + m[0].length, tagEnd);
    const src = attrs.get('src');
    if (!src) continue;
    const alt = attrs.get('alt');
    const syntax: ImageSyntax = jsxLike && (m[1] === 'Image' || src.expression) ? 'jsx' : language === 'html' || language === 'markdown' ? 'html' : 'jsx';
    const selfClose = text[tagEnd - 1] === '/' ? tagEnd - 1 : tagEnd;
    const insertAt = text[selfClose - 1] === ' ' ? selfClose - 1 : selfClose;
    found.push({
      syntax,
      src: src.value,
      alt: alt ? decodeEntities(alt.value).trim() : '',
      altMissing: !alt,
      start: m.index,
      end: tagEnd + 1,
      altStart: alt ? alt.valueStart : insertAt,
      altEnd: alt ? alt.valueEnd : insertAt,
      insertAttribute: !alt,
      line: lineOf(text, m.index),
    });
  }
  return found.sort((a, b) => a.start - b.start);
}

function findTagEnd(text: string, from: number): number {
  let quote: string | undefined;
  let brace = 0;
  for (let j = from; j < text.length; j++) {
    const c = text[j];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '{') brace++;
    else if (c === '}') brace--;
    else if (c === '>' && brace === 0) return j;
  }
  return -1;
}

interface Attr {
  value: string;
  valueStart: number;
  valueEnd: number;
  expression: boolean;
}

function parseAttributes(text: string, from: number, to: number): Map<string, Attr> {
  const attrs = new Map<string, Attr>();
  const re = /([A-Za-z_:][-A-Za-z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|\{([^}]*)\}|([^\s"'>/=`]+)))?/g;
  re.lastIndex = from;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && m.index < to) {
    const name = (m[1] ?? '').toLowerCase();
    const raw = m[2] ?? m[3] ?? m[4] ?? m[5];
    if (raw === undefined) {
      attrs.set(name, { value: '', valueStart: m.index + m[0].length, valueEnd: m.index + m[0].length, expression: false });
      continue;
    }
    const quoted = m[2] !== undefined || m[3] !== undefined || m[4] !== undefined;
    const valueEnd = m.index + m[0].length - (quoted ? 1 : 0);
    const valueStart = valueEnd - raw.length;
    let value = raw;
    const expression = m[4] !== undefined;
    if (expression) {
      // {"literal"} or {'literal'} or {`literal`}: take the literal; other expressions are kept as written.
      const lit = /^\s*(["'`])(.*)\1\s*$/.exec(raw);
      value = lit ? (lit[2] ?? '') : raw.trim();
    }
    attrs.set(name, { value, valueStart, valueEnd, expression });
  }
  return attrs;
}

function decodeEntities(s: string): string {
  return s.replace(/&(quot|amp|lt|gt|#39|apos);/g, (_, e: string) => ({ quot: '"', amp: '&', lt: '<', gt: '>', '#39': "'", apos: "'" })[e] ?? _);
}

/** Images that need alt text: empty or missing alt. */
export function imagesWithoutAlt(text: string, language: string): FoundImage[] {
  return findImages(text, language).filter((i) => !i.alt.trim());
}

// ---- cleanup and escaping --------------------------------------------------------------------------------------

export const DEFAULT_ALT_MAX_LENGTH = 125;

/**
 * Make a model's answer into alt text: one line, no surrounding quotes, no "Image of…" / "A picture of…" opener, at
 * most `maxLength` characters (cut at a word, ending with a full stop when it had one). Returns '' for an answer that
 * says the image is decorative or gives nothing.
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

/** Escape alt text for where it goes, so it cannot break the syntax around it. */
export function escapeAlt(alt: string, syntax: ImageSyntax): string {
  switch (syntax) {
    case 'markdown':
    case 'markdown-ref':
      return alt.replace(/([\\[\]])/g, '\\$1');
    case 'html':
      return alt.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    case 'jsx':
      return alt.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/[{}]/g, (c) => (c === '{' ? '&#123;' : '&#125;'));
  }
}

export interface AltEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

/** The edit that sets an image's alt text (and nothing else). */
export function altEdit(image: FoundImage, alt: string, text: string): AltEdit {
  const escaped = escapeAlt(alt, image.syntax);
  if (image.insertAttribute) {
    const before = text[image.altStart - 1];
    return { start: image.altStart, end: image.altEnd, newText: `${before === ' ' || before === '\n' ? '' : ' '}alt="${escaped}"` };
  }
  // A JSX expression value alt={...} is replaced by a plain string literal.
  if (image.syntax === 'jsx' && text[image.altStart - 1] === '{') {
    return { start: image.altStart - 1, end: image.altEnd + 1, newText: `"${escaped}"` };
  }
  return { start: image.altStart, end: image.altEnd, newText: escaped };
}

/** Apply edits (non-overlapping) to a text. */
export function applyEdits(text: string, edits: readonly AltEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
