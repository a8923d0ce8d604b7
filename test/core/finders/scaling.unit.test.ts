/**
 * Work that grows with the document, not with its square. Counted where it can be, so the test holds on a busy
 * machine: the characters handed to Babel for the JavaScript inside an MDX file (expressions and exports), which were
 * padded with spaces to their place in the document (900 KB of MDX took 23.5 s). Where the work is not countable from
 * outside (the context that hundreds of images in one paragraph or element share, read again for each of them),
 * the characters of text normalised for 8N images are compared with those for N: linear work grows 8 times, quadratic
 * work 64 times.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it, mock } from 'node:test';
import type * as BabelParser from '@babel/parser';
import { findImages } from '../../../src/core/finders';
import { clip, oneLine } from '../../../src/core/finders';
import { type DocLanguage } from '../../../src/core/base';

// The module object the finders call into (they read `parse` from it at each call), so a spy on it sees every parse.
const babel = createRequire(__filename)('@babel/parser') as typeof BabelParser;

/** What finding the images of `text` costs: characters handed to Babel's parser, and the images. */
function parseWork(text: string): { chars: number; calls: number; images: ReturnType<typeof findImages> } {
  const spy = mock.method(babel, 'parse');
  try {
    const images = findImages(text, 'mdx');
    return { chars: spy.mock.calls.reduce((n, c) => n + String(c.arguments[0]).length, 0), calls: spy.mock.calls.length, images };
  } finally {
    spy.mock.restore();
  }
}

/** An MDX page of `n` sections, each with an expression and an export that hold images. */
function mdxPage(n: number): string {
  const sections: string[] = ["import { Tabs } from './Tabs';\n"];
  for (let i = 0; i < n; i++) {
    sections.push(
      `## Step ${i}\n`,
      `Open the panel and check the value {props.count} before you go on.\n`,
      `{props.showShots && <img src="img/step-${i}.png" />}\n`,
      `export const Figure${i} = () => <Image src="img/figure-${i}.png" alt="Figure ${i}" />;\n`,
    );
  }
  return sections.join('\n');
}

describe('work that grows linearly', () => {
  it('MDX: each expression and export is parsed on its own, never padded to its place in the document', () => {
    const small = mdxPage(150);
    const large = mdxPage(600);
    const a = parseWork(small);
    const b = parseWork(large);
    assert.equal(b.calls, 2 * 600, 'one parse per expression or export that holds an image');
    // Every character reaches the parser at most once (plus its brackets), however far down the page it is.
    assert.ok(b.chars <= large.length, `${b.chars} characters parsed for a ${large.length}-character page`);
    assert.ok(b.chars / a.chars < 4.5, `4x the page, ${(b.chars / a.chars).toFixed(1)}x the work (quadratic work grows 16x)`);
    // And every image is where it is written, with its line and column.
    assert.equal(b.images.length, 2 * 600);
    const lines = large.split('\n');
    for (const image of b.images) {
      const written = large.slice(image.start, image.end);
      assert.match(written, /^<(img|Image) src="img\/(step|figure)-\d+\.png"/, written);
      assert.equal(lines[image.line - 1]?.slice(image.column - 1, image.column - 1 + written.length), written);
      assert.equal(large.slice(image.altSpan.start, image.altSpan.end), image.altWrite === 'attr-value' ? image.alt : '');
    }
  });

  /**
   * Characters of text normalised (collapsed, trimmed, clipped) while finding the images: what each image's context
   * costs. Counted as the characters run through String.prototype.replace, which every normalisation goes through.
   */
  function normalised(language: DocLanguage, text: string): number {
    const spy = mock.method(String.prototype, 'replace');
    let found: number;
    try {
      found = findImages(text, language).length;
    } finally {
      spy.mock.restore();
    }
    assert.ok(found > 0);
    return spy.mock.calls.reduce((n, c) => n + String(c.this).length, 0);
  }

  const cases: [string, DocLanguage, (n: number) => string][] = [
    ['an HTML gallery: hundreds of <img> in one <p>', 'html', (n) => `<p>${Array.from({ length: n }, (_, i) => `Step ${i} <img src="a${i}.png">`).join('\n')}</p>`],
    ['a JSX gallery: hundreds of <img> in one <div>', 'jsx', (n) => `export const G = () => <div>${Array.from({ length: n }, (_, i) => `Step ${i} <img src="a${i}.png" />`).join('\n')}</div>;`],
    ['Markdown: hundreds of images in one paragraph', 'markdown', (n) => `${Array.from({ length: n }, (_, i) => `Step ${i}: ![](a${i}.png)`).join('\n')}\n`],
    ['Markdown: HTML-block images after one long paragraph', 'markdown', (n) => `${'A long introduction. '.repeat(n)}\n\n${Array.from({ length: n }, (_, i) => `<img src="a${i}.png">\n`).join('\n')}`],
    ['MDX: hundreds of JSX images in one paragraph', 'mdx', (n) => `${Array.from({ length: n }, (_, i) => `Step ${i} <img src="a${i}.png" />`).join('\n')}\n`],
  ];
  for (const [name, language, make] of cases) {
    it(`${name}: the context they share is read once, not once per image`, () => {
      const growth = normalised(language, make(1600)) / normalised(language, make(200));
      assert.ok(growth < 12, `8x the images, ${growth.toFixed(1)}x the text normalised (linear: 8, quadratic: 64)`);
    });
  }

  it('clip reads only the start of a long text, and gives what clipping the whole text gives', () => {
    const whole = (text: string, max = 300) => {
      const t = oneLine(text);
      return t.length <= max ? t : `${t.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
    };
    const texts = ['', 'Short.', ' \n Two  words \t', 'word '.repeat(200), `${' '.repeat(5000)}late start ${'x'.repeat(400)}`, `${'a\n\n'.repeat(400)}end`, 'y'.repeat(299), 'y'.repeat(300), 'y'.repeat(301)];
    for (const text of texts) for (const max of [20, 300]) assert.equal(clip(text, max), whole(text, max), JSON.stringify(text.slice(0, 40)));
  });
});
