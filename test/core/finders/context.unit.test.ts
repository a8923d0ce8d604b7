/**
 * What the finders give as an image's context beyond heading and paragraph: its title (Markdown's `"title"` or its
 * definition's, HTML/JSX `title`, Hugo figure's `title`), its caption (HTML/JSX `<figcaption>`, Hugo figure's
 * `caption`) and the sentence that introduces it — cut with Intl.Segmenter, so Japanese, Chinese and German full stops
 * end sentences too. The shapes are those of real docs (react-native-website's `<figure>`, dotnet/docs-desktop's
 * titles, hugoDocs's figure shortcode).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findImages, type DocLanguage, type FindOptions } from '../../../src/core/finders';
import { lastSentence } from '../../../src/core/finders/sentences';

const md = (...lines: string[]) => lines.join('\n');

type Field = 'src' | 'intro' | 'title' | 'caption';

/** A page, and for each image found in it (in order) the values of the fields named. */
interface Case {
  readonly name: string;
  readonly language: DocLanguage;
  readonly options?: FindOptions;
  readonly text: string;
  readonly fields: readonly Field[];
  readonly want: readonly (readonly (string | undefined)[])[];
}

const ALL: readonly Field[] = ['src', 'intro', 'title', 'caption'];

const CASES: readonly Case[] = [
  {
    name: 'Markdown: the last sentence of the paragraph before, or the text before the image in its own paragraph',
    language: 'markdown',
    text: md('# Settings', '', 'Open the **Settings** page. Then select *Appearance*:', '', '![](appearance.png)', '', 'The theme changes at once. To pick an accent, use the picker ![](picker.png) next to it.', '', '## Fonts', '', '![](fonts.png)'),
    fields: ['src', 'intro'],
    want: [
      ['appearance.png', 'Then select Appearance:'],
      ['picker.png', 'To pick an accent, use the picker'],
      ['fonts.png', undefined], // a heading between: the paragraph before it introduces nothing here
    ],
  },
  {
    name: 'not across code or a table: what introduced them does not introduce the image',
    language: 'markdown',
    text: md('Run this command:', '', '```sh', 'npm start', '```', '', '![](result.png)', '', 'Then:', '', '![](next.png)'),
    fields: ['intro'],
    want: [[undefined], ['Then:']],
  },
  { name: 'in Japanese: the segmenter ends the sentence before at 。', language: 'markdown', text: md('設定を開きます。次の画面が表示されます：', '', '![](settings.png)'), fields: ['intro'], want: [['次の画面が表示されます：']] },
  { name: 'in Chinese: at 。 too', language: 'markdown', text: md('打开设置页面。然后点击“保存”按钮，如下图所示：', '', '![](save.png)'), fields: ['intro'], want: [['然后点击“保存”按钮，如下图所示：']] },
  { name: 'in German: at a full stop after an abbreviation-free word', language: 'markdown', text: md('Öffnen Sie die Einstellungen. Wählen Sie dann „Darstellung“:', '', '![](darstellung.png)'), fields: ['intro'], want: [['Wählen Sie dann „Darstellung“:']] },
  {
    name: 'MDX: JSX images and Learn-style blocks get it from the paragraph before',
    language: 'mdx',
    text: md('# Install', '', 'Download the installer. It looks like this:', '', '<img src="installer.png" />', '', 'Click <b>Next</b> twice and you see <img src="done.png" />'),
    fields: ['src', 'intro'],
    want: [
      ['installer.png', 'It looks like this:'],
      ['done.png', 'Click Next twice and you see'],
    ],
  },
  {
    name: 'HTML: the text before the image in its element, else the block before (react-native-website figure)',
    language: 'html',
    text: md(
      '<main><h2>Native modules</h2>',
      '<p>Open the Android project. You can find it here within a React Native app:</p>',
      '<figure>',
      '  <img src="open-project.png" alt="">',
      '  <figcaption>Image of where you can find your Android project</figcaption>',
      '</figure>',
      '<h3>Logs</h3>',
      '<figure><img src="logs.png"></figure>',
      '<p>Press <kbd>Ctrl</kbd>+<kbd>M</kbd> to open <img src="menu.png" title="The developer menu"></p></main>',
    ),
    fields: ALL,
    want: [
      ['open-project.png', 'You can find it here within a React Native app:', undefined, 'Image of where you can find your Android project'],
      ['logs.png', undefined, undefined, undefined],
      ['menu.png', 'Press Ctrl+M to open', 'The developer menu', undefined],
    ],
  },
  {
    name: "JSX: the same, from Babel's tree",
    language: 'jsx',
    text: md('export const Page = () => (', '  <section>', '    <p>Pick a theme. The preview shows it:</p>', '    <figure>', '      <img src="preview.png" title="Theme preview" />', '      <figcaption>The <b>dark</b> theme</figcaption>', '    </figure>', '  </section>', ');'),
    fields: ALL,
    want: [['preview.png', 'The preview shows it:', 'Theme preview', 'The dark theme']],
  },
  {
    name: 'Markdown: the title of the image, or of its definition (dotnet/docs-desktop writes both)',
    language: 'markdown',
    text: md('![](a.png "The Properties window")', '', '![Designer][designer]', '', '[designer]: designer.png "The Windows Forms Designer"', '', '![](plain.png)'),
    fields: ['src', 'title'],
    want: [
      ['a.png', 'The Properties window'],
      ['designer.png', 'The Windows Forms Designer'],
      ['plain.png', undefined],
    ],
  },
  {
    name: 'MDX: a <figure> with <figcaption> (react-native-website, a Docusaurus page read as MDX), JSX or Markdown image',
    language: 'mdx',
    text: md(
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
    ),
    fields: ALL,
    want: [
      ['/docs/assets/native-modules-android-errorscreen.png', 'Error message in React Native App when promise is rejected:', undefined, 'Image of error message'],
      ['flow.png', 'Error message in React Native App when promise is rejected:', undefined, 'The build flow'],
      ['bare.png', 'Error message in React Native App when promise is rejected:', undefined, undefined],
    ],
  },
  {
    name: "Hugo: the figure shortcode's caption and title (hugoDocs)",
    language: 'markdown',
    options: { siteSyntax: 'hugo' },
    text: md('Deploy from the dashboard:', '', '{{< figure src="netlify-01.png" caption="Netlify\'s **Deploy** page" title="Step 1" >}}'),
    fields: ['caption', 'title'],
    want: [["Netlify's **Deploy** page", 'Step 1']],
  },
];

describe('the sentence that introduces an image, its title and its caption', () => {
  for (const c of CASES) {
    it(c.name, () => {
      assert.deepEqual(
        findImages(c.text, c.language, c.options).map((image) => c.fields.map((f) => image[f])),
        c.want,
      );
    });
  }
});

describe('long text is read by its end, or clipped', () => {
  it('reads only the end of a long text: a paragraph of a megabyte costs what a short one does', () => {
    const huge = `${'word '.repeat(200_000)}and finally this:`;
    const started = performance.now();
    const intro = lastSentence(huge);
    assert.ok(performance.now() - started < 200);
    assert.ok(intro && intro.length <= 300 && intro.startsWith('…') && intro.endsWith('and finally this:'), intro);
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
