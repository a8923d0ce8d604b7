/**
 * Edits are always valid: every alt text is escaped for its syntax and the edited file, read back with the same parser,
 * has exactly the same images with exactly the intended alt text. Includes the reproductions: a bare `alt` attribute,
 * MDX alt text with `{` or `<`, and quotes in HTML and JSX.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { altEdit, applyEdits, srcEdit, verifyEdits } from '../../../src/core/docs';
import { findImages } from '../../../src/core/finders';
import { type DocLanguage } from '../../../src/core/base';

/** Set the alt text of every image and check the result with the parser. */
function setAll(text: string, language: DocLanguage, alt: string): string {
  const images = findImages(text, language);
  const after = applyEdits(
    text,
    images.map((i) => altEdit(i, alt)),
  );
  const problem = verifyEdits(images, after, language, images.map((_, index) => ({ index, alt })));
  assert.equal(problem, undefined, `${language}: ${problem}\n${after}`);
  return after;
}

const NASTY = [
  'A dialog with [OK] and *Cancel*',
  'Use {props} and <Tag> & "quotes" \'too\'',
  'Path C:\\temp\\x and `code` and | pipes | $x$ ~strike~',
  'AT&T &amp; &#38; entity-looking text',
  'Ünïcödé ✓ emoji 🎉 and RTL שלום',
  '_under_score_ and **bold** and \\[escaped\\]',
  'Ends with a backslash \\',
];

describe('writing alt text', () => {
  it('<img src="x.png" alt> gets a value, not "altA dialog"', () => {
    const text = '<p><img src="x.png" alt></p>\n';
    assert.equal(setAll(text, 'html', 'A dialog'), '<p><img src="x.png" alt="A dialog"></p>\n');
    assert.equal(setAll('Text <img src="x.png" alt> end\n', 'markdown', 'A dialog'), 'Text <img src="x.png" alt="A dialog"> end\n');
  });

  it('MDX alt text with { and < still compiles and reads back the same', () => {
    const out = setAll('# T\n\n![](x.png)\n\n<img src="y.png" />\n', 'mdx', 'A {config} object in <Settings>');
    assert.equal(out, '# T\n\n![A \\{config\\} object in \\<Settings>](x.png)\n\n<img src="y.png" alt="A {config} object in <Settings>" />\n');
  });

  it('inserts alt after src, keeps the quote style of an existing value, and turns alt={…} into a string', () => {
    assert.equal(setAll("<img src='a.png' alt='old'>\n<img src=b.png>\n<img\n  src=\"c.png\"\n  width=\"10\">\n", 'html', "It's \"new\""), "<img src='a.png' alt='It&#39;s \"new\"'>\n<img src=b.png alt=\"It's &quot;new&quot;\">\n<img\n  src=\"c.png\" alt=\"It's &quot;new&quot;\"\n  width=\"10\">\n");
    assert.equal(setAll('const a = <img src="a.png" alt={t("x")} />;\nconst b = <Image src={logo} />;\n', 'jsx', 'A & B'), 'const a = <img src="a.png" alt="A &amp; B" />;\nconst b = <Image src={logo} alt="A &amp; B" />;\n');
  });

  it('any text, in every syntax, reads back exactly (Markdown, MDX, HTML, JSX, TSX)', () => {
    const docs: [DocLanguage, string][] = [
      ['markdown', '# Doc\n\n![](a.png) and ![old](b.png "t") and ![][ref]\n\n1. Step\n\n    ![](c.png)\n\n| a | b |\n|---|---|\n| ![](d.png) | x |\n\n<div>\n<img src="e.png">\n</div>\n\n[ref]: f.png\n'],
      ['mdx', "import X from './x';\n\n![](a.png)\n\n<Image src=\"/b.png\" />\n\nText <img src=\"c.png\" alt=\"old\" /> more\n"],
      ['html', '<html><body><img src="a.png"><img src=b.png alt=old><img src="c.png" alt></body></html>\n'],
      ['jsx', 'export const A = () => (<div><img src="a.png" /><Image src="b.png" alt="old" /></div>);\n'],
      ['tsx', 'export function B<T>(p: { x: T }): JSX.Element { return <img src="a.png" alt={String(p.x)} />; }\n'],
    ];
    for (const [language, text] of docs) for (const alt of NASTY) setAll(text, language, alt);
  });

  it('refuses an edit that would change the images, and says how', () => {
    const text = '![](a.png)\n';
    const [image] = findImages(text, 'markdown');
    assert.ok(image);
    // An unescaped bracket would end the label early: the check catches a writer that forgot to escape.
    const broken = applyEdits(text, [{ start: image.altSpan.start, end: image.altSpan.end, newText: 'a ](evil.png) ![b' }]);
    assert.match(verifyEdits([image], broken, 'markdown', [{ index: 0, alt: 'a ](evil.png) ![b' }]) ?? '', /would have 2 images|would link/);
  });

  it('rewrites a link only when it differs in letter case, and the result reads back', () => {
    const text = '![Intro](../media/Intro.PNG) and <img src="../Media/x.png" alt="x">\n';
    const images = findImages(text, 'markdown');
    const [a, b] = images;
    assert.ok(a && b);
    assert.equal(srcEdit(a, text, '../media/other.png'), undefined, 'not a case fix');
    const edits = [srcEdit(a, text, '../media/intro.png'), srcEdit(b, text, '../media/x.png')].filter((e) => e !== undefined);
    const after = applyEdits(text, edits);
    assert.equal(after, '![Intro](../media/intro.png) and <img src="../media/x.png" alt="x">\n');
    assert.equal(verifyEdits(images, after, 'markdown', [{ index: 0, src: '../media/intro.png' }, { index: 1, src: '../media/x.png' }]), undefined);
  });
});
