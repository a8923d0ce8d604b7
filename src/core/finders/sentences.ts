/**
 * The sentence that introduces an image ("Select **Save**; the dialog opens:"): the last sentence of the text before
 * it, cut with Intl.Segmenter (Unicode's sentence boundaries, so `。`, `！`, `؟` and the other languages' full stops
 * end sentences too). Only the end of a long text is read, so a paragraph of any size costs the same.
 */
import { oneLine } from './model';

/** Characters of the text's end that are read: a sentence longer than that is cut at its start. */
const TAIL = 600;
/** The longest introducing sentence kept (its end: the words right before the image). */
export const INTRO_MAX = 300;

let segmenter: Intl.Segmenter | undefined;

/** The last sentence of `text`, on one line; undefined when the text has none. */
export function lastSentence(text: string, max = INTRO_MAX): string | undefined {
  let tail = text.length > TAIL ? text.slice(-TAIL) : text;
  // A cut between the two halves of a surrogate pair leaves half a character: drop it.
  if (/^[\uDC00-\uDFFF]/.test(tail)) tail = tail.slice(1);
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'sentence' });
  let last: { segment: string; index: number } | undefined;
  for (const s of segmenter.segment(tail)) if (s.segment.trim()) last = s;
  if (!last) return undefined;
  const sentence = oneLine(last.segment);
  // The sentence began before the part read: it is cut at its start.
  const cut = tail.length < text.length && last.index === 0;
  return cut || sentence.length > max ? clipStart(sentence, max) : sentence;
}

/** Keep the end of a sentence (the words next to the image), cut at a word: `…the dialog opens:`. */
function clipStart(sentence: string, max: number): string {
  const end = sentence.slice(-(max - 1));
  return `…${end.length < sentence.length ? end.replace(/^\S*\s+(?=\S)/, '') : end}`;
}

// ---- the sentence before an image in an element tree (HTML with parse5, JSX with Babel) ----------------------------

/** What a node is to the reader, for finding the sentence before an image. */
export type IntroKind = 'text' | 'image' | 'heading' | 'code' | 'block' | 'inline';

/** A document tree as the introducing sentence needs it. */
export interface IntroTree<N> {
  parent(node: N): N | undefined;
  children(node: N): readonly N[];
  kind(node: N): IntroKind;
  /** The text a reader sees in the node (read once per node by the caller's cache). */
  text(node: N): string;
}

/** Siblings looked at before an image, and levels gone up: an image in a gallery costs a few, not the gallery. */
const MAX_SIBLINGS = 20;
const MAX_LEVELS = 3;

const BLOCK_TAGS = new Set(['p', 'div', 'li', 'ul', 'ol', 'dl', 'dd', 'dt', 'figure', 'section', 'article', 'aside', 'blockquote', 'details', 'summary', 'header', 'footer', 'main', 'nav', 'td', 'th', 'tr']);
const CODE_TAGS = new Set(['pre', 'table', 'script', 'style', 'template', 'textarea']);

/** How an element named `tag` reads, by its HTML name (`image`: it is an image too, and says nothing before this one). */
export function introKindOfTag(tag: string, isImage: boolean): IntroKind {
  if (isImage) return 'image';
  if (/^h[1-6]$/.test(tag)) return 'heading';
  if (CODE_TAGS.has(tag)) return 'code';
  return BLOCK_TAGS.has(tag) ? 'block' : 'inline';
}

/**
 * The sentence before `node`: the text before it in its element (back to the block before it), else the same one
 * level up, at most three levels. A heading or code right before it ends the search: it introduces nothing.
 */
export function introBefore<N>(node: N, tree: IntroTree<N>, indexes: Map<N, Map<N, number>>): string | undefined {
  let current = node;
  for (let level = 0; level < MAX_LEVELS; level++) {
    const parent = tree.parent(current);
    if (parent === undefined) return undefined;
    const before = textBefore(current, parent, tree, indexes);
    if (before === null) return undefined;
    const sentence = lastSentence(before);
    if (sentence) return sentence;
    current = parent;
  }
  return undefined;
}

/** The text of the siblings before `node` back to a block; null when a heading or code comes first. */
function textBefore<N>(node: N, parent: N, tree: IntroTree<N>, indexes: Map<N, Map<N, number>>): string | null {
  const siblings = tree.children(parent);
  let index = indexes.get(parent);
  if (!index) indexes.set(parent, (index = new Map(siblings.map((s, i) => [s, i]))));
  let text = '';
  const from = index.get(node) ?? 0;
  for (let i = from - 1; i >= Math.max(0, from - MAX_SIBLINGS) && text.length < TAIL; i--) {
    const sibling = siblings[i] as N;
    const kind = tree.kind(sibling);
    if (kind === 'image') continue;
    if (kind === 'heading' || kind === 'code') return text.trim() ? text : null;
    text = tree.text(sibling) + (kind === 'block' ? ' ' : '') + text;
    if (kind === 'block' && text.trim()) break;
  }
  return text;
}
