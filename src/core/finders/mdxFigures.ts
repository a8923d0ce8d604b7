/**
 * MDX's `<figure>` and its `<figcaption>` (react-native-website's pages, read as MDX by Docusaurus): the caption's
 * text, read from micromark's events between its tags, is the caption of the figure's images (JSX or Markdown), given
 * when the figure closes. Tags come balanced (the walk checks that, as MDX's compiler does).
 */
import type { Event } from 'micromark-util-types';
import { plainText, type MdxTag } from './events';
import { clip, type FoundImage } from './model';

interface OpenFigure {
  readonly images: number[];
  caption: string | undefined;
  /** The event after `<figcaption>`, while it is open. */
  captionFrom: number | undefined;
}

export class MdxFigures {
  private readonly open: OpenFigure[] = [];

  /** Inside a `<figure>`: its text (the caption) introduces nothing after it. */
  get isOpen(): boolean {
    return this.open.length > 0;
  }

  /** An image found (its index among the walk's images): it belongs to the innermost open figure. */
  image(index: number): void {
    this.open[this.open.length - 1]?.images.push(index);
  }

  /** A JSX tag (at event `i`, ending at `exit`); a closing `</figure>` captions its images in `found`. */
  tag(tag: MdxTag, i: number, exit: number, events: readonly Event[], text: string, found: FoundImage[]): void {
    if (tag.selfClosing || (tag.name !== 'figure' && tag.name !== 'figcaption')) return;
    const figure = this.open[this.open.length - 1];
    if (tag.name === 'figure') {
      if (!tag.closing) this.open.push({ images: [], caption: undefined, captionFrom: undefined });
      else if (figure) {
        this.open.pop();
        for (const index of figure.images) {
          const image = found[index];
          if (image && figure.caption && !image.caption) found[index] = { ...image, caption: figure.caption };
        }
      }
    } else if (figure && !tag.closing) figure.captionFrom = exit + 1;
    else if (figure?.captionFrom !== undefined) {
      figure.caption = clip(plainText(events, figure.captionFrom, i - 1, text, true)) || undefined;
      figure.captionFrom = undefined;
    }
  }
}
