/**
 * Long descriptions and decorative marks against hostile documents and answers: a byte order mark, CRLF, an indented
 * Learn image, a description that writes Learn or HTML markup of its own, places the syntax has no room for, an
 * existing aria-describedby, ids that are taken — every result read back with the real finders.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits, decorativeEdits, longDescriptionEdits, verifyEdits, type IntendedChange } from '../../../src/core/docs';
import { findImages, type FoundImage } from '../../../src/core/finders';
import type { DocLanguage } from '../../../src/core/base';

/** Write `description` for the first image; the result, read back, must hold the same images. */
function describeFirst(text: string, language: DocLanguage, description: string, find = {}): { text: string; after: FoundImage[]; problem: string | undefined } | { reason: string } {
  const images = findImages(text, language, find);
  const image = images[0] as FoundImage;
  const d = longDescriptionEdits({ text, language, find }, image, description, new Set());
  if (!d.ok) return { reason: d.reason };
  const out = applyEdits(text, d.edits);
  const change: IntendedChange = { index: 0, ...d.change };
  return { text: out, after: findImages(out, language, find), problem: verifyEdits(images, out, language, [change], find) };
}

const written = (r: ReturnType<typeof describeFirst>) => {
  assert.ok(!('reason' in r), 'reason' in r ? r.reason : '');
  assert.equal(r.problem, undefined, r.text);
  return r;
};

/** Documents whose long description is written exactly so (Markdown and Learn): the page, the description, the result. */
const WRITTEN: readonly { readonly name: string; readonly text: string; readonly description: string; readonly want: string }[] = [
  {
    name: 'a byte order mark: the Learn type and body land where they belong',
    text: '\ufeff# Title\n\n:::image source="a.png" alt-text="Flow":::\n\nAfter.\n',
    description: 'The client calls the API.',
    want: '\ufeff# Title\n\n:::image type="complex" source="a.png" alt-text="Flow":::\nThe client calls the API.\n:::image-end:::\n\nAfter.\n',
  },
  {
    name: 'a byte order mark: type="content" becomes complex in place',
    text: '\ufeff:::image type="content" source="a.png" alt-text="Flow":::\n',
    description: 'Steps.',
    want: '\ufeff:::image type="complex" source="a.png" alt-text="Flow":::\nSteps.\n:::image-end:::\n',
  },
  {
    name: 'a byte order mark: the Markdown block follows the paragraph',
    text: '\ufeffIntro ![Flow](a.png) text.\n\nNext.\n',
    description: 'Two steps.',
    want: '\ufeffIntro ![Flow](a.png) text.\n\n<details>\n<summary>Image description</summary>\n\nTwo steps.\n\n</details>\n\nNext.\n',
  },
  {
    name: 'CRLF line endings are kept, and a heading right after the image is not swallowed by the block',
    text: '![Flow](a.png)\r\n# Next\r\n',
    description: 'One.\n\nTwo.',
    want: '![Flow](a.png)\r\n\r\n<details>\r\n<summary>Image description</summary>\r\n\r\nOne.\r\n\r\nTwo.\r\n\r\n</details>\r\n\r\n# Next\r\n',
  },
];

describe('long descriptions in hostile documents', () => {
  for (const c of WRITTEN) {
    it(c.name, () => {
      assert.equal(written(describeFirst(c.text, 'markdown', c.description)).text, c.want);
    });
  }

  it('an indented Learn image in a list keeps its body in the list item', () => {
    const text = '1. Open the portal.\n\n   :::image source="a.png" alt-text="Portal":::\n\n1. Sign in.\n';
    const r = written(describeFirst(text, 'markdown', 'The portal has a menu.'));
    assert.match(r.text, /\n {3}:::image type="complex" source="a\.png" alt-text="Portal":::\n {3}The portal has a menu\.\n {3}:::image-end:::\n/);
    assert.equal(r.after[0]?.learn?.type, 'complex');
  });

  it('a description that writes a Learn image or an HTML image of its own adds no image', () => {
    for (const evil of [':::image source="evil.png" alt-text="x":::', '<img src="evil.png" alt="x">', '![x](evil.png)', ':::image-end:::\n\n:::image source="evil.png":::']) {
      for (const [text, language] of [
        [':::image source="a.png" alt-text="Flow":::\n', 'markdown'],
        ['![Flow](a.png)\n', 'markdown'],
        ['![Flow](a.png)\n', 'mdx'],
        ['<p><img src="a.png" alt="Flow"></p>\n', 'html'],
      ] as const) {
        const r = written(describeFirst(text, language, `Before. ${evil} After.`));
        assert.deepEqual(
          r.after.map((i) => i.src),
          ['a.png'],
          `${language}: ${evil}\n${r.text}`,
        );
      }
    }
  });

  it('no room, or one already there: the reason, and nothing written', () => {
    const reason = (text: string, language: DocLanguage, find = {}) => {
      const r = describeFirst(text, language, 'A description.', find);
      assert.ok('reason' in r, 'expected a reason');
      return r.reason;
    };
    assert.match(reason('<img src="a.png" aria-describedby="d1"><p id="d1">Mine.</p>', 'html'), /already has aria-describedby/);
    assert.match(reason('export const A = () => <img src="a.png" />;\n', 'tsx'), /JSX source/);
    assert.match(reason('{{< figure src="a.png" >}}\n', 'markdown', { siteSyntax: 'hugo' }), /site generator/);
    assert.match(reason('| A |\n| - |\n| :::image source="a.png" alt-text="x"::: |\n', 'markdown'), /table cell/);
    assert.match(reason('See :::image source="a.png" alt-text="x"::: here.\n', 'markdown'), /not on a line of its own/);
    assert.match(reason(':::image type="complex" source="a.png" alt-text="x":::\nMine.\n:::image-end:::\n', 'markdown'), /already has a long description/);
  });

  it('ids already in the document are not reused', () => {
    const r = written(describeFirst('<p id="chart-description">Taken.</p>\n<p><img src="img/chart.png" alt="Chart"></p>\n', 'html', 'Bars.'));
    assert.equal(r.after[0]?.describedBy, 'chart-description-2');
  });
});

describe('marking decorative', () => {
  it('HTML and JSX alt="", Learn type="icon" with its alt-text emptied, read back as decorative; Markdown says why not', () => {
    const mark = (text: string, language: DocLanguage) => {
      const images = findImages(text, language);
      const d = decorativeEdits(images[0] as FoundImage);
      if (!d.ok) return d.reason;
      const out = applyEdits(text, d.edits);
      assert.equal(verifyEdits(images, out, language, [{ index: 0, ...d.change }]), undefined, out);
      return out;
    };
    assert.equal(mark('<img src="a.png" alt="Decorative swirl">', 'html'), '<img src="a.png" alt="">');
    assert.equal(mark('<img src=a.png alt>', 'html'), '<img src=a.png alt="">');
    assert.equal(mark('const A = () => <img src="a.png" alt="Decorative swirl" />;\n', 'jsx'), 'const A = () => <img src="a.png" alt="" />;\n');
    assert.equal(mark('const A = () => <img src="a.png" alt={swirl} />;\n', 'jsx'), 'its alt text is an expression', 'code is not overwritten');
    assert.equal(mark(':::image source="a.png" alt-text="Decorative swirl":::\n', 'markdown'), ':::image type="icon" source="a.png" alt-text="":::\n');
    assert.equal(mark(':::image type="content" source="a.png":::\n', 'markdown'), ':::image type="icon" source="a.png":::\n');
    assert.match(String(mark('![Decorative swirl](a.png)\n', 'markdown')), /Markdown has no decorative image/);
  });
});
