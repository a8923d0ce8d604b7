/**
 * Markdown's reference images (`![alt][label]`, `![alt][]`, `![label]`) and the definitions they name
 * (`[label]: src "title"`), which may come after them: the Markdown walk (markdown.ts) tells each definition and each
 * reference image as it meets them, and every reference image is given its definition's link and title when the walk
 * ends. Labels match as CommonMark matches them (normalized, any case); the first definition of a label counts.
 */
import { normalizeIdentifier } from 'micromark-util-normalize-identifier';
import type { FoundImage, Span } from './model';

/** A link as written: its text, where it stands, and how a new one is written there. */
export type Destination = { readonly src: string; readonly span: Span; readonly write: 'markdown' | 'markdown-angle' };

const labelKey = (label: string): string => normalizeIdentifier(label).toLowerCase();

export class References {
  private readonly definitions = new Map<string, Destination>();
  private readonly titles = new Map<string, string>();
  /** The reference images met: their index among the walk's images, and the label they name. */
  private readonly images: { readonly index: number; readonly label: string }[] = [];
  /** The label of the definition being read. */
  private open: string | undefined;

  /** A definition starts (`[label]:`, the label as written). */
  startDefinition(label: string): void {
    this.open = labelKey(label);
  }

  endDefinition(): void {
    this.open = undefined;
  }

  /** The link of the definition being read. */
  link(destination: Destination): void {
    if (this.open !== undefined && !this.definitions.has(this.open)) this.definitions.set(this.open, destination);
  }

  /** The title of the definition being read. */
  title(title: string): void {
    if (this.open !== undefined && !this.titles.has(this.open)) this.titles.set(this.open, title);
  }

  /** A reference image, `index` among the walk's images, naming `label` as written. */
  image(index: number, label: string): void {
    this.images.push({ index, label: labelKey(label) });
  }

  /** Each reference image with the link and title of its definition (micromark only makes an image of a defined label). */
  resolve(found: FoundImage[]): void {
    for (const { index, label } of this.images) {
      const image = found[index];
      const def = this.definitions.get(label);
      const title = this.titles.get(label);
      if (image && def) found[index] = { ...image, src: def.src, srcSpan: def.span, srcWrite: def.write, ...(title ? { title } : {}) };
    }
  }
}
