/**
 * Images in Markdown and MDX, found with micromark — the CommonMark parser markdownlint itself uses — with the same
 * extensions markdownlint enables (GFM autolink literals, footnotes and tables, directives, math) plus front matter.
 * Inline and reference images come from micromark's tokens; HTML blocks and inline HTML are read with parse5
 * (html.ts); MDX's JSX tags with micromark's MDX extension (jsx.ts). What micromark calls code (fenced, indented,
 * inline), front matter, math or an HTML comment is never an image, and line and column come from the parser.
 *
 * ImageWalk is one pass over micromark's events; what it feeds and asks lives apart: event reading in events.ts, the
 * introducing sentence in intro.ts, reference definitions in references.ts, MDX's open elements in mdxElements.ts and
 * its figures in mdxFigures.ts.
 */
import { mdxjs } from 'micromark-extension-mdxjs';
import type { Event, Extension, Token } from 'micromark-util-types';
import { findEnter, findExit, mdxTag, plainText, slice, span, withBlockEnds } from './events';
import { findHtmlImages } from './html';
import { learnToken } from './learn';
import { findJsxImages, imageComponentsWith, imageFromJsxTag, mayHoldImageTag } from './jsx';
import { LineIndex } from './lines';
import { markdownEvents } from '../markdown';
import { clip, oneLine, shiftImage, type FindOptions, type FoundImage, type ImageComponents } from './model';
import { IntroSentences } from './intro';
import { References, type Destination } from './references';
import { MdxElements } from './mdxElements';
import { MdxFigures } from './mdxFigures';
import { DocParseError, type DocLanguage } from '../base';

let mdxExtension: Extension | undefined;

/** micromark's events for a Markdown or MDX document. */
function documentEvents(text: string, mdx: boolean): Event[] {
  return markdownEvents(text, mdx ? { mdx: (mdxExtension ??= mdxjs()) } : {});
}

/** Find every image in a Markdown (or, with `mdx`, MDX) document. */
export function findMarkdownImages(text: string, mdx: boolean, lines: LineIndex, options: FindOptions = {}, events = documentEvents(text, mdx)): FoundImage[] {
  return withBlockEnds(new ImageWalk(text, events, mdx ? 'mdx' : 'markdown', lines, options).run(), events);
}

/**
 * One walk over micromark's events, a handler per construct: images (label, destination or reference), definitions,
 * headings and paragraphs (the context of the images in and after them), HTML, and MDX's JSX tags and JavaScript.
 */
class ImageWalk {
  private readonly found: FoundImage[] = [];
  /** Reference images and the definitions they name (references.ts), resolved when the walk ends. */
  private readonly references = new References();
  private heading: string | undefined;
  private previousParagraph = '';
  /** The sentence that introduces each image (intro.ts), fed the events that start and end it. */
  private readonly intro: IntroSentences;
  /** Images found inside the paragraph being read: their context is the paragraph's text, known at its end. */
  private paragraph: { enter: number; images: number[] } | undefined;
  /** The image being read (`![…](…)`, `![…][…]`), and what was read of it so far. */
  private readonly openImages: Token[] = [];
  private label: { start: number; end: number; text: string } | undefined;
  private dest: Destination | undefined;
  private referenceString: string | undefined;
  /** The image's title (`![a](b "title")`). */
  private title: string | undefined;
  private destinationWrite: Destination['write'] = 'markdown';
  /** The Learn `type="complex"` image whose `:::image-end:::` is still to come (its index in `found`). */
  private openComplex: number | undefined;
  /** GFM tables being read (a Learn value written in a cell must not hold `|`). */
  private tables = 0;
  private readonly components: ImageComponents;
  /** The JSX elements open (MDX): balanced as MDX's compiler requires; an `<a>` or `<button>` makes an image functional. */
  private readonly jsx: MdxElements;
  /** MDX `<figure>` elements open, for their `<figcaption>`. */
  private readonly figures = new MdxFigures();
  /** Links being read (`[![alt](src)](href)`), and inline HTML `<a>`/`<button>` tags opened and not yet closed. */
  private links = 0;
  private htmlLinks: ('link' | 'button')[] = [];

  constructor(
    private readonly text: string,
    private readonly events: readonly Event[],
    private readonly language: DocLanguage,
    private readonly lines: LineIndex,
    private readonly options: FindOptions,
  ) {
    this.components = imageComponentsWith(options.components);
    this.intro = new IntroSentences(events, text);
    this.jsx = new MdxElements(lines);
  }

  run(): FoundImage[] {
    for (let i = 0; i < this.events.length; i++) i = (this.events[i] as Event)[0] === 'enter' ? this.enter(i) : this.exit(i);
    this.jsx.end();
    this.references.resolve(this.found);
    return this.found.sort((a, b) => a.start - b.start);
  }

  /** An enter event; returns where the walk goes on (after a construct read whole, its exit). */
  private enter(i: number): number {
    const token = (this.events[i] as Event)[1];
    const type = token.type as string;
    this.intro.enter(type, i);
    switch (type) {
      case 'image':
        this.openImage(token);
        break;
      case 'resourceTitleString':
      case 'definitionTitleString':
        this.titleString(i, type === 'resourceTitleString');
        break;
      case 'labelText':
        if (this.openImages.length && !this.label) this.label = { start: token.start.offset, end: token.end.offset, text: '' };
        break;
      case 'resourceDestinationLiteral':
      case 'definitionDestinationLiteral':
        this.destinationWrite = 'markdown-angle';
        break;
      case 'resourceDestinationRaw':
      case 'definitionDestinationRaw':
        this.destinationWrite = 'markdown';
        break;
      case 'resourceDestinationString':
      case 'definitionDestinationString':
        this.destination(i, token, type === 'resourceDestinationString');
        break;
      case 'referenceString':
        if (this.openImages.length) this.referenceString = slice(this.text, token);
        break;
      case 'definitionLabelString':
        this.references.startDefinition(slice(this.text, token));
        break;
      case 'paragraph':
        this.paragraph = { enter: i, images: [] };
        break;
      case 'link':
        this.links++;
        break;
      case 'htmlFlow':
      case 'htmlText':
        this.html(token, i);
        break;
      case 'mdxjsEsm':
      case 'mdxFlowExpression':
      case 'mdxTextExpression':
        return this.mdxJavaScript(i, token, type !== 'mdxjsEsm');
      case 'mdxJsxFlowTag':
      case 'mdxJsxTextTag':
        return this.mdxJsxTag(i, type);
      case 'learnImage':
        return this.learnImage(i);
      case 'table':
        this.tables++;
        break;
      case 'codeFenced':
        return this.codeFence(i);
    }
    return i;
  }

  /** The start of an image: what is read of it starts afresh. */
  private openImage(token: Token): void {
    this.openImages.push(token);
    this.label = undefined;
    this.dest = undefined;
    this.referenceString = undefined;
    this.title = undefined;
  }

  /** An exit event: what ends there (an image's label, the image, a heading, a definition, a paragraph). */
  private exit(i: number): number {
    const token = (this.events[i] as Event)[1];
    switch (token.type as string) {
      case 'labelText':
        if (this.label && this.label.start === token.start.offset && this.label.end === token.end.offset) {
          this.label.text = plainText(this.events, findEnter(this.events, i), i, this.text);
        }
        break;
      case 'image':
        this.image(token, i);
        break;
      case 'link':
        this.links--;
        break;
      case 'atxHeadingText':
      case 'setextHeadingText':
        this.heading = oneLine(plainText(this.events, findEnter(this.events, i), i, this.text)) || this.heading;
        this.intro.heading();
        break;
      case 'definition':
        this.references.endDefinition();
        break;
      case 'paragraph':
        this.endParagraph(i);
        break;
      case 'table':
        this.tables--;
        break;
    }
    return i;
  }

  /**
   * An image found (its construct entered at event `at`): in the paragraph being read, its context is known at the
   * paragraph's end; its introducing sentence is the one before it in its paragraph, else the paragraph's before it.
   */
  private add(image: FoundImage, at: number): void {
    if (this.paragraph) this.paragraph.images.push(this.found.length);
    this.figures.image(this.found.length);
    const intro = image.intro ?? this.intro.at(at);
    this.found.push(intro ? { ...image, intro } : image);
  }

  /** A title: of the image being read, or of the definition being read (the first one counts). */
  private titleString(i: number, ofImage: boolean): void {
    const value = oneLine(plainText(this.events, i, findExit(this.events, i), this.text));
    if (!value) return;
    if (ofImage) {
      if (this.openImages.length && this.title === undefined) this.title = clip(value);
    } else this.references.title(clip(value));
  }

  /** The context of an image outside a paragraph: the paragraph before it. */
  private contextOutside(): string | undefined {
    return this.paragraph ? undefined : this.previousParagraph || undefined;
  }

  /** The link of an image (`(src)`) or of a definition (`[label]: src`); the first one counts. */
  private destination(i: number, token: Token, ofImage: boolean): void {
    const value = { src: plainText(this.events, i, findExit(this.events, i), this.text), span: span(token), write: this.destinationWrite };
    if (ofImage) {
      if (this.openImages.length && !this.dest) this.dest = value;
    } else this.references.link(value);
  }

  /** Inside a link: a Markdown link, or an inline HTML `<a>`/`<button>` (micromark gives each inline tag as a token). */
  private get link(): 'link' | 'button' | undefined {
    return this.links > 0 ? 'link' : (this.htmlLinks[this.htmlLinks.length - 1] ?? this.jsx.link());
  }

  /** HTML blocks and inline HTML: their `<img>` tags, read with parse5. */
  private html(token: Token, i: number): void {
    const html = slice(this.text, token);
    if ((token.type as string) === 'htmlText') {
      const tag = /^<(\/?)(a|button)(?=[\s>/])/i.exec(html);
      if (tag?.[1]) this.htmlLinks.pop();
      else if (tag) this.htmlLinks.push(tag[2]?.toLowerCase() === 'a' ? 'link' : 'button');
    }
    if (!/<img/i.test(html)) return;
    const options = { language: this.language, baseOffset: token.start.offset, lines: this.lines, fragment: true, heading: this.heading, context: this.contextOutside(), link: this.link };
    for (const image of findHtmlImages(html, options)) this.add(image, i);
  }

  /** JavaScript in MDX (exported components, `{cond && <img …/>}`): its JSX renders too. Read whole: returns its exit. */
  private mdxJavaScript(i: number, token: Token, expression: boolean): number {
    const start = expression ? token.start.offset + 1 : token.start.offset;
    const end = expression ? token.end.offset - 1 : token.end.offset;
    const code = this.text.slice(start, end);
    if (mayHoldImageTag(code, this.components)) {
      for (const image of findJsxImages(code, this.lines, { language: this.language, baseOffset: start, expression, components: this.components })) {
        this.add({ ...image, heading: this.heading, context: image.context ?? this.contextOutside() }, i);
      }
    }
    return findExit(this.events, i);
  }

  /** An MDX JSX tag (`<img …/>`, an image component). Read whole: returns its exit. */
  private mdxJsxTag(i: number, type: string): number {
    const exit = findExit(this.events, i);
    const tag = mdxTag(this.events, i, exit, this.text, type);
    this.jsx.tag(tag);
    const component = !tag.closing && tag.name ? this.components.get(tag.name) : undefined;
    if (component) {
      const image = imageFromJsxTag(tag, { language: this.language, lines: this.lines, heading: this.heading, context: this.contextOutside() }, component);
      this.add({ ...image, link: this.link }, i);
    }
    this.figures.tag(tag, i, exit, this.events, this.text, this.found);
    return exit;
  }

  /**
   * A fenced code block: code, except Docusaurus's ```mdx-code-block in MDX, whose content is MDX that renders — read
   * as MDX on its own (Docusaurus parses it so), its images placed back at their offsets. Read whole: returns its exit.
   */
  private codeFence(i: number): number {
    const exit = findExit(this.events, i);
    if (this.language !== 'mdx' || !this.options.mdxCodeBlocks) return exit;
    let info = '';
    let from = -1;
    let to = -1;
    for (let j = i; j <= exit; j++) {
      const [kind, token] = this.events[j] as Event;
      if (kind !== 'enter') continue;
      if (token.type === 'codeFencedFenceInfo') info = slice(this.text, token);
      else if (token.type === 'codeFlowValue') {
        if (from < 0) from = token.start.offset;
        to = token.end.offset;
      }
    }
    if (info !== 'mdx-code-block' || from < 0) return exit;
    const code = this.text.slice(from, to);
    let images: FoundImage[];
    try {
      images = findMarkdownImages(code, true, new LineIndex(code), this.options);
    } catch (e) {
      if (!(e instanceof DocParseError)) throw e;
      const at = this.lines.position(from);
      throw new DocParseError(`${e.message} (in the mdx-code-block)`, at.line + e.line - 1, e.line === 1 ? at.column + e.column - 1 : e.column);
    }
    for (const image of images) {
      this.add({ ...shiftImage(image, from, this.lines), heading: image.heading ?? this.heading, context: image.context ?? this.contextOutside() }, i);
    }
    return exit;
  }

  /** Learn's `:::image …:::` (an image) or `:::image-end:::` (the end of the last complex image's long description). */
  private learnImage(i: number): number {
    const exit = findExit(this.events, i);
    const token = learnToken(this.events, i, exit, this.text, { language: this.language, lines: this.lines, heading: this.heading, inTableCell: this.tables > 0 });
    if (token.kind === 'image') {
      if (token.image.learn?.type === 'complex') this.openComplex = this.found.length;
      this.add(token.image, i);
      return exit;
    }
    const complex = this.openComplex !== undefined ? this.found[this.openComplex] : undefined;
    if (complex?.learn) {
      const longDescription = { start: complex.end, end: token.start };
      this.found[this.openComplex as number] = { ...complex, learn: { ...complex.learn, longDescription } };
    }
    this.openComplex = undefined;
    return exit;
  }

  /** The end of an image: with a destination it is complete; a reference image waits for its definition. */
  private image(token: Token, exit: number): void {
    const open = this.openImages.pop();
    const label = this.label;
    if (!open || !label) return;
    const alt = oneLine(label.text);
    const labelRaw = this.text.slice(label.start, label.end);
    const base = {
      language: this.language,
      srcDynamic: false,
      alt,
      // An empty label is a missing alt (markdownlint's MD045), and so is one that reads as only whitespace (`![ ]`,
      // `![&nbsp;]`), which MD045 takes as text. Markdown has no decorative form.
      altState: alt ? ('present' as const) : ('missing' as const),
      altUnknown: false,
      decorative: false,
      start: token.start.offset,
      end: token.end.offset,
      line: token.start.line,
      column: this.lines.position(token.start.offset).column,
      altSpan: { start: label.start, end: label.end },
      altWrite: 'markdown-label' as const,
      altQuote: '' as const,
      heading: this.heading,
      context: this.paragraph ? undefined : this.previousParagraph ? clip(this.previousParagraph) : undefined,
      link: this.link,
      ...(this.title ? { title: this.title } : {}),
    };
    const at = findEnter(this.events, exit);
    if (this.dest) {
      this.add({ ...base, syntax: 'markdown', src: this.dest.src, srcSpan: this.dest.span, srcWrite: this.dest.write }, at);
    } else {
      // A reference image: ![alt][label], ![alt][] or ![label]. micromark only makes an image of a defined label.
      const ref = this.referenceString ?? labelRaw;
      // Shortcut (`![label]`) and collapsed (`![label][]`) references: the text is the label, so an edit keeps it.
      const shortcut = this.referenceString === undefined ? { altWrite: 'markdown-shortcut' as const, altSpan: { start: label.start - 1, end: token.end.offset }, refLabel: labelRaw } : {};
      this.references.image(this.found.length, ref);
      this.add({ ...base, ...shortcut, syntax: 'markdown-ref', src: '', srcSpan: undefined, srcWrite: undefined }, at);
    }
    this.label = undefined;
    this.dest = undefined;
    this.title = undefined;
  }

  /** The end of a paragraph: its text is the context of its images, and of the images after it. */
  private endParagraph(i: number): void {
    this.htmlLinks = []; // an inline <a> left open ends with its paragraph
    const paragraph = this.paragraph;
    if (!paragraph) return;
    const own = oneLine(plainText(this.events, paragraph.enter, i, this.text, true));
    const context = own || this.previousParagraph;
    for (const index of paragraph.images) {
      const image = this.found[index];
      if (image && image.context === undefined && context) this.found[index] = { ...image, context: clip(context) };
    }
    // A figure's caption is no paragraph before the images after the figure.
    const before = own && !this.figures.isOpen ? own : undefined;
    if (before) this.previousParagraph = before;
    this.intro.endParagraph(before);
    this.paragraph = undefined;
  }
}
