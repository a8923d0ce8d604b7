/**
 * The sentence that introduces an image in Markdown and MDX, kept as the walk over micromark's events goes
 * (markdown.ts feeds it): the text before the image in its own paragraph, else the last sentence of the paragraph
 * before. A heading, code, a table or math in between ends it: what introduced them does not introduce the image after
 * them. The sentence is cut with sentences.ts (Intl.Segmenter); only the end of a paragraph's text is kept, so a
 * gallery of a thousand images reads its paragraph once.
 */
import type { Event } from 'micromark-util-types';
import { plainText } from './events';
import { lastSentence } from './sentences';

/** Blocks after which the paragraph before no longer introduces an image. */
const ENDS_INTRO = new Set(['codeFenced', 'codeIndented', 'table', 'mathFlow']);

/** The text of a paragraph kept before its next image: a longer one is cut to its end (the part that is read). */
const KEEP_MAX = 8192;
const KEEP = 4096;

export class IntroSentences {
  /** The last sentence of the paragraph before, for the images after it (none after a heading, code or a table). */
  private previous: string | undefined;
  /** The paragraph being read: its text up to event `read` (read on as images come, so a paragraph is read once). */
  private paragraph: { before: string; read: number } | undefined;

  constructor(
    private readonly events: readonly Event[],
    private readonly text: string,
  ) {}

  /** An enter event: a paragraph starts (at event `i`); code, a table or math end what the paragraph before introduced. */
  enter(type: string, i: number): void {
    if (ENDS_INTRO.has(type)) this.previous = undefined;
    else if (type === 'paragraph') this.paragraph = { before: '', read: i };
  }

  /** A heading ended: the paragraph before it introduces nothing after it. */
  heading(): void {
    this.previous = undefined;
  }

  /**
   * The paragraph ended. `text`: its text on one line, which introduces the images after it; undefined when it
   * introduces nothing (it is empty, or a figure's caption) and the paragraph before still does.
   */
  endParagraph(text: string | undefined): void {
    if (text) this.previous = lastSentence(text);
    this.paragraph = undefined;
  }

  /** The introducing sentence of an image whose construct starts at event `at` (events come in order). */
  at(at: number): string | undefined {
    const p = this.paragraph;
    if (!p) return this.previous;
    if (at > p.read) {
      p.before += plainText(this.events, p.read, at - 1, this.text, true);
      p.read = at;
      if (p.before.length > KEEP_MAX) p.before = p.before.slice(-KEEP); // only the end is read: keep a gallery's text short
    }
    return lastSentence(p.before) ?? this.previous;
  }
}
