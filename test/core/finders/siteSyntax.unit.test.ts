/**
 * The Markdown pages of docs sites, read with their generator's page syntax: Hugo's `figure` shortcode (real lines
 * from gohugoio/hugoDocs), Jekyll's Liquid in image links (jekyll/jekyll, just-the-docs), MkDocs's indented admonition
 * and tab bodies (squidfunk/mkdocs-material, fastapi). Each is found with its position, its alt written with the
 * syntax's own quoting, and the edited text read back with the same images. Plain Markdown is unchanged.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findImages, type SiteSyntax } from '../../../src/core/finders';
import { altEdit, applyEdits, verifyEdits } from '../../../src/core/docs';
import { DocParseError } from '../../../src/core/base';

const md = (...lines: string[]) => lines.join('\n');
const seen = (text: string, site?: SiteSyntax) => findImages(text, 'markdown', { siteSyntax: site }).map((i) => `${i.line}:${i.column} ${i.syntax} ${i.src} [${i.altState}] ${i.alt}`);

/** Write `alt` into every image whose alt is missing; the result must read back with the same images. */
function fillAll(text: string, site: SiteSyntax, alt: string): string {
  const images = findImages(text, 'markdown', { siteSyntax: site });
  const fill = images.map((image, index) => ({ image, index })).filter(({ image }) => image.altState === 'missing' && !image.altUnknown);
  const after = applyEdits(text, fill.map(({ image }) => altEdit(image, alt)));
  const problem = verifyEdits(images, after, 'markdown', fill.map(({ index }) => ({ index, alt })), { siteSyntax: site });
  assert.equal(problem, undefined);
  return after;
}

const FIGURE = md(
  '## Example',
  '',
  '{{< figure',
  '  src="/images/examples/zion-national-park.jpg"',
  '  alt="A photograph of Zion National Park"',
  '  link="https://www.nps.gov/zion/index.htm"',
  '  caption="Zion National Park"',
  '  class="ma0 w-75"',
  '>}}',
  '',
  '```md',
  '{{</* figure',
  '  src="/images/examples/zion-national-park.jpg"',
  '*/>}}',
  '{{< figure src="in-fence.png" >}}',
  '```',
  '',
  'Escaped in prose: {{</* figure src="escaped.png" */>}} and in code: `{{< figure src="inline.png" >}}`.',
  '',
  '{{% figure src="netlify-01.png" caption="Netlify" %}} ![screen capture](netlify-02.png)',
  '',
  '{{< figure src=`raw.png` alt="" >}}',
);

describe('Hugo: the figure shortcode', () => {
  it('is found with its position (multi-line, {{% %}}, raw strings); escaped ones and ones in code are not images', () => {
    assert.deepEqual(seen(FIGURE, 'hugo'), [
      '3:1 hugo-shortcode /images/examples/zion-national-park.jpg [present] A photograph of Zion National Park',
      '20:1 hugo-shortcode netlify-01.png [missing] ',
      '20:55 markdown netlify-02.png [present] screen capture',
      '22:1 hugo-shortcode raw.png [missing] ',
    ]);
    assert.deepEqual(seen(FIGURE), ['20:55 markdown netlify-02.png [present] screen capture'], 'plain Markdown: no shortcodes');
  });

  it('fix inserts alt="…" where there is none, fills alt="", escapes quotes as Hugo reads them', () => {
    const after = fillAll(FIGURE, 'hugo', 'Netlify\'s "Deploy" page');
    assert.match(after, /\{\{% figure src="netlify-01\.png" alt="Netlify's \\"Deploy\\" page" caption="Netlify" %\}\}/);
    assert.match(after, /\{\{< figure src=`raw\.png` alt="Netlify's \\"Deploy\\" page" >\}\}/);
    const read = findImages(after, 'markdown', { siteSyntax: 'hugo' }).filter((i) => i.syntax === 'hugo-shortcode').map((i) => i.alt);
    assert.deepEqual(read, ['A photograph of Zion National Park', 'Netlify\'s "Deploy" page', 'Netlify\'s "Deploy" page']);
  });

  it('a figure with no parameters gets alt after its name; a closing tag and other shortcodes are not images', () => {
    const text = md('{{< figure >}}', '', '{{< new-in 0.144.0 />}} {{< img src="images/examples/mask.png" >}} {{< /details >}}');
    assert.deepEqual(seen(text, 'hugo'), ['1:1 hugo-shortcode  [missing] ']);
    assert.equal(fillAll(text, 'hugo', 'A mask').split('\n')[0], '{{< figure alt="A mask" >}}');
  });

  it('what Hugo refuses (unterminated string, unclosed shortcode or comment) is a parse error with its line, never a hang', () => {
    for (const [text, line] of [
      [md('# T', '', '{{< figure src="a.png alt="x" >}}', ''), 3],
      [md('# T', '{{< figure src="a.png"'), 2],
      [md('{{</* figure src="a.png" >}}'), 1],
    ] as const) {
      assert.throws(() => findImages(text, 'markdown', { siteSyntax: 'hugo' }), (e: unknown) => e instanceof DocParseError && e.line === line && /^not valid for Hugo: /.test(e.message));
    }
    const started = Date.now();
    assert.deepEqual(findImages('{{'.repeat(2_500_000), 'markdown', { siteSyntax: 'hugo' }), []);
    assert.equal(findImages('{{< figure src=x.png >}}\n'.repeat(5_000), 'markdown', { siteSyntax: 'hugo' }).length, 5_000);
    assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
  });
});


const JEKYLL = md(
  '---',
  'title: Typography',
  '---',
  '![Materialen]({{ site.baseurl }}/assets/images/2020-06-30-IOT-Energieverbruikhulp/image7.png)',
  '| ![Breadboard]({{ site.baseurl }}/assets/images/Breadboard_Half.png) | ![]({{site.baseurl}}/assets/images/ArduinoUno_Fritzing.png) |',
  '|---|---|',
  '',
  '![alt text]({{ site.baseurl }}/assets/images/mosfet/i1.jpg "image"){:.profile}',
  '![]({{ \'/assets/images/FISHER-1.png\' | relative_url }})',
  '<img src="{{ \'img/logo-2x.png\' | relative_url }}" width="140" height="65">',
  '![{{ page.title }}]({{ "/img/x.png" | absolute_url }}) ![]({{ contributor.avatar_url }})',
  '{% raw %}![]({{ site.baseurl }}/raw.png){% endraw %} {% comment %}![]({{ site.baseurl }}/commented.png){% endcomment %}',
);

describe('Jekyll: Liquid in image links', () => {
  it('{{ site.baseurl }} (with or without spaces), relative_url and absolute_url: the image as Jekyll builds it, its link in the source', () => {
    assert.deepEqual(seen(JEKYLL, 'jekyll'), [
      '4:1 markdown /assets/images/2020-06-30-IOT-Energieverbruikhulp/image7.png [present] Materialen',
      '5:3 markdown /assets/images/Breadboard_Half.png [present] Breadboard',
      '5:73 markdown /assets/images/ArduinoUno_Fritzing.png [missing] ',
      '8:1 markdown /assets/images/mosfet/i1.jpg [present] alt text',
      '9:1 markdown /assets/images/FISHER-1.png [missing] ',
      '10:1 html /img/logo-2x.png [missing] ',
      '11:1 markdown /img/x.png [present] {{ page.title }}',
      '11:56 markdown {{ contributor.avatar_url }} [missing] ',
    ]);
    const images = findImages(JEKYLL, 'markdown', { siteSyntax: 'jekyll' });
    assert.deepEqual(images.map((i) => [i.srcDynamic, i.altUnknown, i.srcWrite]).slice(5), [[false, false, undefined], [false, true, undefined], [true, false, undefined]]);
    assert.deepEqual(seen(JEKYLL).length, 2, 'plain Markdown sees only the two links without spaces');
  });

  it('fix writes the alt text in place, Liquid untouched; the page reads back with the same images', () => {
    const after = fillAll(JEKYLL, 'jekyll', 'Arduino [Uno] board');
    assert.match(after, /\| !\[Arduino \\\[Uno\\\] board\]\(\{\{site\.baseurl\}\}\/assets\/images\/ArduinoUno_Fritzing\.png\) \|/);
    assert.match(after, /<img src="\{\{ 'img\/logo-2x\.png' \| relative_url \}\}" alt="Arduino \[Uno\] board" width="140" height="65">/);
    assert.match(after, /!\[Arduino \\\[Uno\\\] board\]\(\{\{ contributor\.avatar_url \}\}\)/);
  });

  it('Liquid as Ruby Liquid tokenizes it: an output ends at its first }, a {{ with no end is text, never a hang', () => {
    // `{{ "/x}` is the first tag (so the link has spaces after it: no image); `{{ "{{" }}` is a tag whose value is `{{`.
    assert.deepEqual(seen(md('![a]({{ "/x}.png" }}/y.png)', '', '![b]({{ site.baseurl }}/{{ "{{" }}.png)', '', '![c]({{ site.baseurl '), 'jekyll'), ['3:1 markdown /{{.png [present] b']);
    const started = Date.now();
    assert.deepEqual(findImages(`![a](/a.png) ${'{{ {% '.repeat(300_000)}`, 'markdown', { siteSyntax: 'jekyll' }).map((i) => i.src), ['/a.png']);
    assert.deepEqual(findImages(`![a]({{ site.baseurl }}/a.png) ${'{{'.repeat(2_500_000)}`, 'markdown', { siteSyntax: 'jekyll' }).map((i) => i.src), ['/a.png'], 'a 5 MB run of {{ with no end');
    assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
  });
});

const MKDOCS = md(
  '=== "Left"',
  '',
  '    ``` markdown title="Image, aligned to left"',
  '    ![Image title](https://dummyimage.com/600x400/eee/aaa){ align=left }',
  '    ```',
  '',
  '    <div class="result" markdown>',
  '',
  '    ![Image title](https://dummyimage.com/600x400/f5f5f5/aaaaaa?text=–%20Image%20–){ align=left width=300 }',
  '',
  '    </div>',
  '',
  '!!! tip "Swagger UI"',
  '',
  '    ![](/img/tutorial/first-steps/image01.png){ width="300" }',
  '',
  '    ??? note',
  '\t    ![](nested.png)',
  '',
  '```md',
  '!!! note',
  '    ![](in-fence.png)',
  '```',
  '',
  '!!! note',
  '    ![](lazy.png)',
  '',
  '    ![Two',
  '    lines](two.png)',
);

describe('MkDocs: admonition, details and tab bodies', () => {
  it('images in 4-space-indented bodies are found where they are written (nested too); fenced code stays code', () => {
    assert.deepEqual(seen(MKDOCS, 'mkdocs'), [
      '9:5 markdown https://dummyimage.com/600x400/f5f5f5/aaaaaa?text=–%20Image%20– [present] Image title',
      '15:5 markdown /img/tutorial/first-steps/image01.png [missing] ',
      '18:6 markdown nested.png [missing] ',
      '26:5 markdown lazy.png [present] ',
      '28:5 markdown two.png [present] Two lines',
    ].map((s) => s.replace('lazy.png [present] ', 'lazy.png [missing] ')));
    assert.deepEqual(seen(MKDOCS), ['26:5 markdown lazy.png [missing] '], 'CommonMark: indented code, except a lazy continuation line');
  });

  it('fix writes in the body, attribute lists kept, and the page reads back with the same images', () => {
    const after = fillAll(MKDOCS, 'mkdocs', 'Swagger UI');
    assert.match(after, /\n {4}!\[Swagger UI\]\(\/img\/tutorial\/first-steps\/image01\.png\)\{ width="300" \}\n/);
    assert.match(after, /\n\t {4}!\[Swagger UI\]\(nested\.png\)\n/);
    assert.match(after, /\n {4}!\[Swagger UI\]\(lazy\.png\)\n/);
    assert.equal(after.split('\n').length, MKDOCS.split('\n').length);
  });

  it('a shortcut reference image in a tab uses the page definition (squidfunk/mkdocs-material search-better-faster-smaller.md)', () => {
    const text = md('=== "Now"', '', '    ![search preview now]', '', '=== "Before"', '', '    ![search preview before]', '', 'More text.', '', '  [search preview now]: search-better-faster-smaller/search-preview-now.png', '  [search preview before]: search-better-faster-smaller/search-preview-before.png', '');
    const images = findImages(text, 'markdown', { siteSyntax: 'mkdocs' });
    assert.deepEqual(images.map((i) => `${i.line}:${i.column} ${i.syntax} ${i.src} ${i.alt}`), ['3:5 markdown-ref search-better-faster-smaller/search-preview-now.png search preview now', '7:5 markdown-ref search-better-faster-smaller/search-preview-before.png search preview before']);
    assert.deepEqual(images.map((i) => i.srcSpan && text.slice(i.srcSpan.start, i.srcSpan.end)), ['search-better-faster-smaller/search-preview-now.png', 'search-better-faster-smaller/search-preview-before.png']);
    assert.equal(findImages(text, 'markdown').length, 0, 'CommonMark: indented code');
  });

  it('admonitions nested 50 deep: found, no hang', () => {
    const lines: string[] = [];
    for (let k = 0; k < 50; k++) lines.push(`${'    '.repeat(k)}!!! note`, `${'    '.repeat(k + 1)}![](l${k}.png)`, '');
    const started = Date.now();
    const found = findImages(md(...lines), 'markdown', { siteSyntax: 'mkdocs' });
    assert.deepEqual(found.map((i) => `${i.line}:${i.column} ${i.src}`), Array.from({ length: 50 }, (_, k) => `${3 * k + 2}:${4 * k + 5} l${k}.png`));
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
  });
});
