/**
 * MDX's JSX elements open at a point of the Markdown walk (markdown.ts): kept balanced as MDX's compiler requires
 * (`<details>` … `</details>`; a stray or missing closing tag is a parse error at its place), and telling whether an
 * image is inside a link (`<a>`, a `Link` component) or a `<button>`: then it is functional.
 */
import type { MdxTag } from './events';
import type { LineIndex } from './lines';
import { DocParseError } from '../base';

export class MdxElements {
  private readonly open: MdxTag[] = [];

  constructor(private readonly lines: LineIndex) {}

  /** A JSX tag: an opening tag opens its element, a closing tag must close the innermost open one. */
  tag(tag: MdxTag): void {
    if (tag.selfClosing) return;
    if (!tag.closing) {
      this.open.push(tag);
      return;
    }
    const open = this.open.pop();
    if (!open) this.error(tag, `unexpected closing tag </${tag.name}>: no element is open`);
    else if (open.name !== tag.name) this.error(tag, `unexpected closing tag </${tag.name}>: expected </${open.name}> (opened on line ${this.lines.position(open.start).line})`);
  }

  /** The document ended: an element still open is an error. */
  end(): void {
    const unclosed = this.open.pop();
    if (unclosed) this.error(unclosed, `expected a closing tag for <${unclosed.name}>`);
  }

  /** Inside an open JSX `<a>` (or a `Link` component) or `<button>`: the image is functional. */
  link(): 'link' | 'button' | undefined {
    for (let i = this.open.length - 1; i >= 0; i--) {
      const name = this.open[i]?.name;
      if (name === 'a' || name === 'Link') return 'link';
      if (name === 'button') return 'button';
    }
    return undefined;
  }

  private error(tag: MdxTag, message: string): never {
    const at = this.lines.position(tag.start);
    throw new DocParseError(`not valid MDX: ${message}`, at.line, at.column);
  }
}
