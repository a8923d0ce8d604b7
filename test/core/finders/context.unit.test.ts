/**
 * What the finders give as an image's context beyond heading and paragraph: its title (Markdown's `"title"` or its
 * definition's, HTML/JSX `title`, Hugo figure's `title`), its caption (HTML/JSX `<figcaption>`, Hugo figure's
 * `caption`) and the sentence that introduces it — cut with Intl.Segmenter, so Japanese, Chinese and German full stops
 * end sentences too. The shapes are those of real docs (react-native-website's `<figure>`, dotnet/docs-desktop's
 * titles, hugoDocs's figure shortcode).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findImages, type FoundImage } from '../../../src/core/finders';
import { lastSentence } from '../../../src/core/finders/sentences';

const md = (...lines: string[]) => lines.join('\n');
const fields = (images: readonly FoundImage[]) => images.map((i) => ({ src: i.src, intro: i.intro, title: i.title, caption: i.caption }));

describe('the sentence that introduces an image', () => {
  it('Markdown: the last sentence of the paragraph before, or the text before the image in its own paragraph', () => {
    const text = md(
      '# Settings',
      '',
      'Open the **Settings** page. Then select *Appearance*:',
      '',
      '![](appearance.png)',
      '',
      'The theme changes at once. To pick an accent, use the picker ![](picker.png) next to it.',
      '',
      '## Fonts',
      '',
      '![](fonts.png)',
    );
    assert.deepEqual(
      findImages(text, 'markdown').map((i) => [i.src, i.intro]),
      [
        ['appearance.png', 'Then select Appearance:'],
        ['picker.png', 'To pick an accent, use the picker'],
        ['fonts.png', undefined], // a heading between: the paragraph before it introduces nothing here
      ],
    );
  });

  it('not across code or a table: what introduced them does not introduce the image', () => {
    const text = md('Run this command:', '', '```sh', 'npm start', '```', '', '![](result.png)', '', 'Then:', '', '![](next.png)');
    assert.deepEqual(
      findImages(text, 'markdown').map((i) => i.intro),
      [undefined, 'Then:'],
    );
  });

  it('in Japanese, Chinese and German: the segmenter ends sentences at 。 and at a German full stop after an abbreviation-free word', () => {
    const ja = findImages(md('設定を開きます。次の画面が表示されます：', '', '![](settings.png)'), 'markdown');
    assert.equal(ja[0]?.intro, '次の画面が表示されます：');
    const zh = findImages(md('打开设置页面。然后点击“保存”按钮，如下图所示：', '', '![](save.png)'), 'markdown');
    assert.equal(zh[0]?.intro, '然后点击“保存”按钮，如下图所示：');
    const de = findImages(md('Öffnen Sie die Einstellungen. Wählen Sie dann „Darstellung“:', '', '![](darstellung.png)'), 'markdown');
    assert.equal(de[0]?.intro, 'Wählen Sie dann „Darstellung“:');
  });

  it('MDX: JSX images and Learn-style blocks get it from the paragraph before', () => {
    const text = md('# Install', '', 'Download the installer. It looks like this:', '', '<img src="installer.png" />', '', 'Click <b>Next</b> twice and you see <img src="done.png" />');
    assert.deepEqual(
      findImages(text, 'mdx').map((i) => [i.src, i.intro]),
      [
        ['installer.png', 'It looks like this:'],
        ['done.png', 'Click Next twice and you see'],
      ],
    );
  });

  it('HTML: the text before the image in its element, else the block before (react-native-website figure)', () => {
    const html = md(
      '<main><h2>Native modules</h2>',
      '<p>Open the Android project. You can find it here within a React Native app:</p>',
      '<figure>',
      '  <img src="open-project.png" alt="">',
      '  <figcaption>Image of where you can find your Android project</figcaption>',
      '</figure>',
      '<h3>Logs</h3>',
      '<figure><img src="logs.png"></figure>',
      '<p>Press <kbd>Ctrl</kbd>+<kbd>M</kbd> to open <img src="menu.png" title="The developer menu"></p></main>',
    );
    assert.deepEqual(fields(findImages(html, 'html')), [
      { src: 'open-project.png', intro: 'You can find it here within a React Native app:', title: undefined, caption: 'Image of where you can find your Android project' },
      { src: 'logs.png', intro: undefined, title: undefined, caption: undefined },
      { src: 'menu.png', intro: 'Press Ctrl+M to open', title: 'The developer menu', caption: undefined },
    ]);
  });

  it('JSX: the same, from Babel\'s tree', () => {
    const jsx = md(
      'export const Page = () => (',
      '  <section>',
      '    <p>Pick a theme. The preview shows it:</p>',
      '    <figure>',
      '      <img src="preview.png" title="Theme preview" />',
      '      <figcaption>The <b>dark</b> theme</figcaption>',
      '    </figure>',
      '  </section>',
      ');',
    );
    assert.deepEqual(fields(findImages(jsx, 'jsx')), [{ src: 'preview.png', intro: 'The preview shows it:', title: 'Theme preview', caption: 'The dark theme' }]);
  });

  it('reads only the end of a long text: a paragraph of a megabyte costs what a short one does', () => {
    const huge = `${'word '.repeat(200_000)}and finally this:`;
    const started = performance.now();
    const intro = lastSentence(huge);
    assert.ok(performance.now() - started < 200);
    assert.ok(intro && intro.length <= 300 && intro.startsWith('…') && intro.endsWith('and finally this:'), intro);
  });
});

describe('the title and the caption of an image', () => {
  it('Markdown: the title of the image, or of its definition (dotnet/docs-desktop writes both)', () => {
    const text = md('![](a.png "The Properties window")', '', '![Designer][designer]', '', '[designer]: designer.png "The Windows Forms Designer"', '', '![](plain.png)');
    assert.deepEqual(
      findImages(text, 'markdown').map((i) => [i.src, i.title]),
      [
        ['a.png', 'The Properties window'],
        ['designer.png', 'The Windows Forms Designer'],
        ['plain.png', undefined],
      ],
    );
  });

  it('MDX: a <figure> with <figcaption> (react-native-website, a Docusaurus page read as MDX), JSX or Markdown image', () => {
    const text = md(
      'Error message in React Native App when promise is rejected:',
      '',
      '<figure>',
      '  <img src="/docs/assets/native-modules-android-errorscreen.png" width="200" />',
      '  <figcaption>Image of error message</figcaption>',
      '</figure>',
      '',
      '<figure>',
      '',
      '![](flow.png)',
      '',
      '<figcaption>',
      'The **build** flow',
      '</figcaption>',
      '</figure>',
      '',
      '<figure><img src="bare.png" /></figure>',
    );
    assert.deepEqual(fields(findImages(text, 'mdx')), [
      { src: '/docs/assets/native-modules-android-errorscreen.png', intro: 'Error message in React Native App when promise is rejected:', title: undefined, caption: 'Image of error message' },
      { src: 'flow.png', intro: 'Error message in React Native App when promise is rejected:', title: undefined, caption: 'The build flow' },
      { src: 'bare.png', intro: 'Error message in React Native App when promise is rejected:', title: undefined, caption: undefined },
    ]);
  });

  it('Hugo: the figure shortcode\'s caption and title (hugoDocs)', () => {
    const text = md('Deploy from the dashboard:', '', '{{< figure src="netlify-01.png" caption="Netlify\'s **Deploy** page" title="Step 1" >}}');
    const [figure] = findImages(text, 'markdown', { siteSyntax: 'hugo' });
    assert.equal(figure?.caption, "Netlify's **Deploy** page");
    assert.equal(figure?.title, 'Step 1');
  });

  it('a caption of a megabyte is clipped, not carried whole', () => {
    const caption = 'A caption that goes on. '.repeat(45_000);
    const [html] = findImages(`<figure><img src="a.png"><figcaption>${caption}</figcaption></figure>`, 'html');
    assert.ok(html?.caption && html.caption.length <= 300, `${html?.caption?.length}`);
    const long = caption.slice(0, 100_000); // micromark reads the whole page first: a megabyte of it is its cost, not ours
    const [hugo] = findImages(`{{< figure src="a.png" caption="${long}" title="${long}" >}}`, 'markdown', { siteSyntax: 'hugo' });
    assert.ok(hugo?.caption && hugo.caption.length <= 300 && hugo.title && hugo.title.length <= 300);
  });
});
