/**
 * The finders on the constructs real docs have, each one a case the earlier hand-written scanner got wrong: images
 * indented under list items, stray backticks, HTML comments with fences in them, front matter, srcset/data-src,
 * decorative images, `<img>` in scripts, strings and comments, CRLF and BOM. Lines and columns are the parser's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findImages } from '../../../src/core/finders';
import { altFindings } from '../../../src/core/docs';
import { DocParseError, RULE_IDS } from '../../../src/core/base';

const md = (...lines: string[]) => lines.join('\n');
const srcs = (text: string, language: Parameters<typeof findImages>[1] = 'markdown') => findImages(text, language).map((i) => i.src);
const missing = (text: string, language: Parameters<typeof findImages>[1] = 'markdown') =>
  findImages(text, language)
    .filter((i) => i.altState === 'missing' && !i.decorative && !i.altUnknown)
    .map((i) => `${i.line}:${i.column} ${i.src}`);

describe('Markdown images (micromark)', () => {
  it('finds an image indented under a list item (not an indented code block)', () => {
    assert.deepEqual(missing(md('1. Open the settings', '', '    ![](step1.png)', '', '2. Save', '', '   ![](step2.png)')), ['3:5 step1.png', '7:4 step2.png']);
    assert.deepEqual(missing(md('Text', '', '    ![](code.png)')), [], 'an indented block after a paragraph is code');
  });

  it('a stray backtick does not turn the rest of the file into code', () => {
    assert.deepEqual(missing(md('Use the ` key to open the console.', '', '![](after.png)', '', 'More `code` and ![](inline.png)')), ['3:1 after.png', '5:17 inline.png']);
  });

  it('understands HTML comments: a fence inside one opens nothing, an image inside one is not an image', () => {
    assert.deepEqual(missing(md('<!-- ``` -->', '', '![](real.png)', '', '<!-- ![](commented.png) <img src="c.png"> -->', '', 'Inline <!-- ![](x.png) --> ![](y.png)')), ['3:1 real.png', '7:28 y.png']);
  });

  it('skips YAML and TOML front matter', () => {
    assert.deepEqual(srcs(md('---', 'title: "![](fm.png)"', 'image: <img src="fm.png">', '---', '', '![](body.png)')), ['body.png']);
    assert.deepEqual(srcs(md('+++', 'title = "![](fm.png)"', '+++', '', '![](body.png)')), ['body.png']);
  });

  it('ignores fenced, tilde and indented code, inline code and math', () => {
    assert.deepEqual(srcs(md('```md', '![](fence.png)', '```', '', '~~~', '![](tilde.png)', '~~~', '', '    ![](indented.png)', '', 'Use `![](inline.png)` and $![](math.png)$ then ![](real.png)')), ['real.png']);
  });

  it('reads alt text and links as the parser does: escapes, entities, titles, angle brackets', () => {
    const found = findImages(md('![A \\[boxed\\] chart &amp; `code`](c.png "Title")', '![x](<d e.png>)', '![ ](space.png)', 'Text \\![not](an-image.png)'), 'markdown');
    assert.deepEqual(
      found.map((f) => [f.src, f.alt, f.altState]),
      [
        ['c.png', 'A [boxed] chart & code', 'present'],
        ['d e.png', 'x', 'present'],
        ['space.png', '', 'missing'],
      ],
    );
  });

  it('resolves reference images, whose definitions may come later and differ in case', () => {
    const found = findImages(md('![][logo] and ![Diagram][arch] and ![shortcut] and ![undefined][nope]', '', '[logo]: /img/logo.png "Logo"', '[ARCH]: <img/arch one.svg>', '[shortcut]: https://example.com/s.png'), 'markdown');
    assert.deepEqual(
      found.map((f) => [f.syntax, f.src, f.alt, f.altState]),
      [
        ['markdown-ref', '/img/logo.png', '', 'missing'],
        ['markdown-ref', 'img/arch one.svg', 'Diagram', 'present'],
        ['markdown-ref', 'https://example.com/s.png', 'shortcut', 'present'],
      ],
    );
  });

  it('finds <img> in HTML blocks and inline HTML, with srcset and data-src, and knows decorative ones', () => {
    const text = md(
      '<p align="center">',
      '  <img src="logo.png" width="200">',
      '</p>',
      '',
      '<picture><source srcset="dark.png" media="(prefers-color-scheme: dark)"><img srcset="a.png 1x, b.png 2x"></picture>',
      '',
      'Lazy <img data-src="lazy.png"> and <IMG SRC="upper.png"> and <img src="deco.png" alt=""> and <img src="bare.png" alt>',
      '',
      '<img src="hidden.png" aria-hidden="true"> <img src="pres.png" role="presentation">',
    );
    const found = findImages(text, 'markdown');
    assert.deepEqual(
      found.map((f) => [f.line, f.src, f.altState, f.decorative]),
      [
        [2, 'logo.png', 'missing', false],
        [5, 'b.png', 'missing', false],
        [7, 'lazy.png', 'missing', false],
        [7, 'upper.png', 'missing', false],
        [7, 'deco.png', 'empty', true],
        [7, 'bare.png', 'missing', false],
        [9, 'hidden.png', 'missing', true],
        [9, 'pres.png', 'missing', true],
      ],
    );
  });

  it('gives the same lines and columns with CRLF line endings and a BOM', () => {
    const lf = md('# Title', '', 'Text ![](a.png)', '', '1. Step', '', '    <img src="b.png">');
    const crlf = `\uFEFF${lf.replace(/\n/g, '\r\n')}`;
    const at = (t: string) => findImages(t, 'markdown').map((i) => [i.line, i.column, i.src, t.slice(i.start, i.end).replace(/\r/g, '')]);
    assert.deepEqual(at(crlf), [
      [3, 6, 'a.png', '![](a.png)'],
      [7, 5, 'b.png', '<img src="b.png">'],
    ]);
    assert.deepEqual(at(lf), [
      [3, 6, 'a.png', '![](a.png)'],
      [7, 5, 'b.png', '<img src="b.png">'],
    ]);
  });

  it('gives the nearest heading and the text around the image', () => {
    const [a, b] = findImages(md('# Install', '', '## Sign in', '', 'Click **Sign in** at the top right. ![](signin.png)', '', '![](alone.png)'), 'markdown');
    assert.equal(a?.heading, 'Sign in');
    assert.equal(a?.context, 'Click Sign in at the top right.');
    assert.equal(b?.context, 'Click Sign in at the top right.', 'an image alone in its paragraph gets the paragraph before it');
  });
});

describe('whitespace-only alt is missing alt text, in every syntax', () => {
  // axe-core's alt-space-value fails alt=" "; only alt="" says "decorative". Each case: [language, text, image index].
  const blank: [Parameters<typeof findImages>[1], string][] = [
    ['markdown', '![ ](a.png)'],
    ['markdown', '![\t  ](a.png)'],
    ['markdown', '![&nbsp;](a.png)'],
    ['markdown', '![ ][ref]\n\n[ref]: a.png'],
    ['markdown', 'Inline <img src="a.png" alt=" ">'],
    ['markdown', '<img src="a.png" alt="&nbsp;">'],
    ['html', '<p><img src="a.png" alt=" "></p>'],
    ['html', '<img src="a.png" alt="&nbsp;&#32;">'],
    ['html', "<img src=a.png alt='\n'>"],
    ['jsx', 'export const A = () => <img src="a.png" alt=" " />;'],
    ['tsx', 'export const A = () => <img src="a.png" alt={"  "} />;'],
    ['tsx', 'export const A = () => <Image src="a.png" alt={`\u00a0`} />;'],
    ['mdx', '# T\n\n<img src="a.png" alt=" " />'],
    ['mdx', '# T\n\n![ ](a.png)'],
    ['mdx', '# T\n\n{true && <img src="a.png" alt=" " />}'],
  ];

  for (const [language, text] of blank) {
    it(`${language}: ${JSON.stringify(text)} is missing, not decorative, and reported as alt-missing`, () => {
      const [image] = findImages(text, language);
      assert.ok(image, 'an image is found');
      assert.deepEqual([image.src, image.alt, image.altState, image.decorative], ['a.png', '', 'missing', false]);
      assert.deepEqual(altFindings(image, 'doc', { maxLength: 125, rules: new Set(RULE_IDS) }).map((f) => f.rule), ['alt-missing']);
    });
  }

  it('alt="" stays the decorative form (HTML, JSX, MDX); whitespace with aria-hidden or role="presentation" is decorative', () => {
    for (const [language, text] of [
      ['html', '<img src="a.png" alt="">'],
      ['markdown', '<img src="a.png" alt="">'],
      ['jsx', 'export const A = () => <img src="a.png" alt="" />;'],
      ['mdx', '<img src="a.png" alt={""} />'],
    ] as const) {
      const [image] = findImages(text, language);
      assert.deepEqual([image?.altState, image?.decorative], ['empty', true], text);
      assert.deepEqual(image && altFindings(image, 'doc', { maxLength: 125, rules: new Set(RULE_IDS) }), [], text);
    }
    for (const text of ['<img src="a.png" alt=" " aria-hidden="true">', '<img src="a.png" alt=" " role="presentation">']) {
      const [image] = findImages(text, 'html');
      assert.deepEqual([image?.altState, image?.decorative], ['missing', true], text);
      assert.deepEqual(image && altFindings(image, 'doc', { maxLength: 125, rules: new Set(RULE_IDS) }), [], text);
    }
  });
});

describe('HTML files (parse5)', () => {
  it('never reports <img> in scripts, textareas, comments, titles or styles; looks inside templates and noscript', () => {
    const html = md(
      '<!doctype html><html><head><title><img src="title.png"></title>',
      '<script>const t = "<img src=script.png>"; // <img src="comment.png"></script>',
      '<style>/* <img src="style.png"> */</style></head><body>',
      '<!-- <img src="commented.png"> -->',
      '<textarea><img src="textarea.png"></textarea>',
      '<noscript><img src="noscript.png"></noscript>',
      '<template><img src="template.png"></template>',
      '<h2>Dashboard</h2><p>The overview: <img src="real.png" alt="Overview"> <img src="missing.png"></p>',
      '</body></html>',
    );
    const found = findImages(html, 'html');
    assert.deepEqual(
      found.map((f) => [f.line, f.src, f.altState]),
      [
        [6, 'noscript.png', 'missing'],
        [7, 'template.png', 'missing'],
        [8, 'real.png', 'present'],
        [8, 'missing.png', 'missing'],
      ],
    );
    assert.equal(found[2]?.heading, 'Dashboard');
    assert.equal(found[2]?.context, 'The overview:');
  });
});

describe('JSX and TSX (Babel)', () => {
  it('finds <img> and <Image>, not tags inside strings, template literals or comments', () => {
    const tsx = md(
      "import Image from 'next/image';",
      'type Props<T extends object> = { items: T[]; label?: string };',
      'const html = "<img src=\'string.png\'>";',
      'const tpl = `<img src="template.png">`;',
      '// <img src="line-comment.png">',
      '/* <Image src="block-comment.png" /> */',
      'export function Hero<T extends object>({ items, ...rest }: Props<T>): JSX.Element {',
      '  const n = items.length as number;',
      '  return (',
      '    <section>',
      '      <h1>Welcome</h1>',
      '      <img src="/img/a.png" />',
      '      <Image src={"/img/b.png"} alt="" />',
      '      <img src={logo} alt={t("logo")} />',
      '      <img src="/img/c.png" alt={undefined} />',
      '      <img src="/img/d.png" {...rest} />',
      '      <img src="/img/e.png" aria-hidden="true" />',
      '    </section>',
      '  );',
      '}',
    );
    const found = findImages(tsx, 'tsx');
    assert.deepEqual(
      found.map((f) => [f.line, f.src, f.altState, f.decorative, f.altUnknown, f.srcDynamic]),
      [
        [12, '/img/a.png', 'missing', false, false, false],
        [13, '/img/b.png', 'empty', true, false, false],
        [14, '', 'present', false, true, true],
        [15, '/img/c.png', 'missing', false, false, false],
        [16, '/img/d.png', 'present', false, true, false],
        [17, '/img/e.png', 'missing', true, false, false],
      ],
    );
    assert.equal(found[0]?.heading, 'Welcome');
  });

  it('says where a file does not parse', () => {
    assert.throws(() => findImages('<Image src="a.png" /', 'jsx'), (e: unknown) => e instanceof DocParseError);
  });
});

describe('MDX (micromark with the MDX extension)', () => {
  it('finds Markdown images and JSX images; expressions, imports and code are not images', () => {
    const mdx = md(
      "import Tabs from '@theme/Tabs';",
      "export const img = '<img src=\"export.png\">';",
      '',
      '# Setup',
      '',
      '![](md.png) and {props.enabled && "<img src=expr.png>"}',
      '',
      "<img src={require('./req.png').default} />",
      '',
      '<Image src="/img/jsx.png" alt="A chart" />',
      '',
      '```jsx',
      '<img src="code.png" />',
      '```',
    );
    const found = findImages(mdx, 'mdx');
    assert.deepEqual(
      found.map((f) => [f.line, f.syntax, f.src, f.altState, f.srcDynamic]),
      [
        [6, 'markdown', 'md.png', 'missing', false],
        [8, 'jsx', '', 'missing', true],
        [10, 'jsx', '/img/jsx.png', 'present', false],
      ],
    );
    assert.equal(found[2]?.alt, 'A chart');
  });

  it('reports MDX that does not compile as a parse error with its place', () => {
    assert.throws(
      () => findImages('# T\n\n<Image src="a.png"\n\ntext {unclosed\n', 'mdx'),
      (e: unknown) => e instanceof DocParseError && e.line >= 1,
    );
  });
});
