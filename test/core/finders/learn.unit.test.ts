/**
 * Microsoft Learn's `:::image` (docfx), on lines taken from dotnet/docs-maui, docs-desktop and docs-aspire: the three
 * types, attributes in any order, inline icons in list items, complex images with their long description, and what is
 * not an image (code, a `:::image` broken over lines, four-space indentation). Then alt text written in Learn's
 * quoting and read back by the same parser.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { altEdit, altFindings, applyEdits, parseDoc, planFix, verifyEdits } from '../../../src/core/docs';
import { findImages, type FoundImage } from '../../../src/core/finders';
import { RULE_IDS } from '../../../src/core/base';

const md = (...lines: string[]) => lines.join('\n');
const learn = (text: string) => findImages(text, 'markdown').filter((i) => i.syntax === 'learn');
const rules = { maxLength: 125, rules: new Set(RULE_IDS) };

const article = md(
  '---',
  'title: Threading model',
  'ms.date: 03/15/2024',
  '---',
  '',
  '# Threading model',
  '',
  ':::image type="content" source="media/setup/build-version-sml.png" alt-text="Developer options screen on Android." lightbox="media/setup/build-version.png":::',
  '',
  '01. Select the ellipsis (:::image type="icon" source="../media/shared/visual-studio-ellipsis-button.png" border="false":::) to display the **Select Resource** dialog box.',
  '',
  ':::image type="complex" source="./media/threading-model/threading-weather-ui.png" alt-text="A diagram that demonstrates the workflow of the example app.":::',
  '',
  'A diagram demonstrating the example app\'s workflow. The app has a single button with the text "Fetch Forecast."',
  '',
  'After some time, the app returns with either an image of the sun or of rain clouds.',
  ':::image-end:::',
  '',
  ':::image type="content" loc-scope="azure" source="../media/app-insights-connection-string.png" lightbox="../media/app-insights-connection-string.png" alt-text="Connection string placement in the Azure Application Insights portal UI.":::',
  '',
  ':::image type="content" source="media/no-alt.png" border="true":::',
  '',
  ':::image type="content" source="media/empty-alt.png" alt-text="":::',
);

describe("Learn's :::image", () => {
  it('finds all three types with their source, alt text, lightbox and position', () => {
    const found = learn(article);
    assert.deepEqual(
      found.map((i) => [i.line, i.column, i.learn?.type, i.src, i.alt, i.altState, i.decorative, i.learn?.lightbox?.src]),
      [
        [8, 1, 'content', 'media/setup/build-version-sml.png', 'Developer options screen on Android.', 'present', false, 'media/setup/build-version.png'],
        [10, 26, 'icon', '../media/shared/visual-studio-ellipsis-button.png', '', 'missing', true, undefined],
        [12, 1, 'complex', './media/threading-model/threading-weather-ui.png', 'A diagram that demonstrates the workflow of the example app.', 'present', false, undefined],
        [19, 1, 'content', '../media/app-insights-connection-string.png', 'Connection string placement in the Azure Application Insights portal UI.', 'present', false, '../media/app-insights-connection-string.png'],
        [21, 1, 'content', 'media/no-alt.png', '', 'missing', false, undefined],
        [23, 1, 'content', 'media/empty-alt.png', '', 'missing', false, undefined],
      ],
    );
  });

  it("a complex image's long description is the text up to :::image-end:::, blank lines included", () => {
    const complex = learn(article).find((i) => i.learn?.type === 'complex') as FoundImage;
    const span = complex.learn?.longDescription;
    assert.ok(span, 'the long description is found');
    const text = article.slice(span.start, span.end).trim();
    assert.ok(text.startsWith("A diagram demonstrating the example app's workflow."), text);
    assert.ok(text.endsWith('rain clouds.'), text);
  });

  it('reports what Learn\'s build refuses: alt-text missing or empty on a content image, never on an icon', () => {
    const found = findImages(article, 'markdown');
    const findings = found.flatMap((i) => altFindings(i, 'threading-model.md', rules)).map((f) => `${f.line} ${f.rule}`);
    assert.deepEqual(findings, ['21 alt-missing', '23 alt-missing']);
  });

  it('is not an image in code, in a :::image broken over lines, or with a value not in double quotes', () => {
    const text = md(
      '```markdown',
      ':::image type="content" source="media/in-fence.png" alt-text="In a fence.":::',
      '```',
      '',
      'Write `:::image type="content" source="media/in-code.png":::` to show an image.',
      '',
      ':::image type="content" source="media/broken.png"',
      'alt-text="Broken over two lines.":::',
      '',
      ":::image type='content' source='media/single-quotes.png' alt-text='Single quotes.':::",
      '',
      'Text before.',
      '',
      '    :::image type="content" source="media/indented-code.png" alt-text="Indented code.":::',
    );
    assert.deepEqual(learn(text), []);
  });

  it('reads the name case-insensitively and an image inside a list item indented four spaces', () => {
    const text = md('1. Open the status screen:', '', '    :::IMAGE type="content" source="media/setup/ip-settings-sml.png" alt-text="Android status screen with IP address.":::');
    assert.deepEqual(learn(text).map((i) => `${i.line}:${i.column} ${i.src}`), ['3:5 media/setup/ip-settings-sml.png']);
  });

  it('reads type as docfx does, exactly: `type="Icon"` or `type=" icon"` is not an icon, so its alt text is required', () => {
    const text = md(
      ':::image type="Icon" source="media/pause.png":::',
      '',
      ':::image type=" icon" source="media/pause.png":::',
      '',
      ':::image type="icon" source="media/pause.png":::',
      '',
      ':::image type="" source="media/shot.png":::',
    );
    const found = learn(text);
    assert.deepEqual(found.map((i) => [i.line, i.learn?.type, i.decorative]), [[1, 'Icon', false], [3, ' icon', false], [5, 'icon', true], [7, 'content', false]]);
    assert.deepEqual(found.flatMap((i) => altFindings(i, 'page.md', rules)).map((f) => `${f.line} ${f.rule}`), ['1 alt-missing', '3 alt-missing', '7 alt-missing']);
  });

  it('an image without a source is said to have none (not "a source that is an expression"), in findings and when fixing', async () => {
    const text = md(':::image type="content" alt-text="":::', '', ':::image type="content" source="" border="false":::');
    const doc = parseDoc('docs/page.md', '/work/site/docs/page.md', text, 'markdown');
    assert.deepEqual(doc.images.flatMap((i) => altFindings(i, doc.file, rules)).map((f) => `${f.line} ${f.message}`), ['1 image without alt text: an image without a source', '3 image without alt text: an image without a source']);
    const plan = await planFix([doc], { root: '/work/site', docsRoot: '/work/site/docs', rewriteUninformative: false, fixPathCase: false, context: false });
    assert.deepEqual(plan.skipped, ['docs/page.md:1:1: the image has no source; not described', 'docs/page.md:3:1: the image has no source; not described']);
  });

  it('leaves `::` in text as it was: `Foo::Bar[0]` in alt text or a heading is not read as a directive', () => {
    // The directive extension only reads `:name` after a character that is not a colon; a `:::image` construct on the
    // same character must not make it read one after `::` (C++ and C# names in alt text and headings).
    const text = md('# std::vector[int] and Foo::Bar{x}', '', '![Call Foo::Bar[0] here](media/call.png)', '', ':::image type="content" source="media/a.png" alt-text="Shows Foo::Bar[0].":::');
    assert.deepEqual(
      findImages(text, 'markdown').map((i) => [i.syntax, i.alt, i.heading]),
      [
        ['markdown', 'Call Foo::Bar[0] here', 'std::vector[int] and Foo::Bar{x}'],
        ['learn', 'Shows Foo::Bar[0].', 'std::vector[int] and Foo::Bar{x}'],
      ],
    );
  });

  it('writes alt text in Learn\'s quoting (no escapes: " becomes \') and the file reads back with the same images', () => {
    const images = findImages(article, 'markdown');
    const changes = images.flatMap((image, index) => (image.syntax === 'learn' && image.altState === 'missing' && !image.decorative ? [{ index, alt: 'The "Fetch Forecast" button &amp; a\nclock' }] : []));
    assert.equal(changes.length, 2);
    const edited = applyEdits(article, changes.map((c) => altEdit(images[c.index] as FoundImage, c.alt)));
    assert.equal(verifyEdits(images, edited, 'markdown', changes), undefined);
    const lines = edited.split('\n');
    assert.equal(lines[20], ':::image type="content" source="media/no-alt.png" alt-text="The \'Fetch Forecast\' button &amp; a clock" border="true":::');
    assert.equal(lines[22], ':::image type="content" source="media/empty-alt.png" alt-text="The \'Fetch Forecast\' button &amp; a clock":::');
    assert.equal(findImages(edited, 'markdown').filter((i) => i.syntax === 'learn').length, 6);
  });

  it('writes a `|` in alt text as `/` in a table cell (a `|` there splits the cell: the image would be lost), as written elsewhere', () => {
    const text = md(
      '| Button | What it does |',
      '| --- | --- |',
      '| :::image type="icon" source="media/pause.png"::: | Pauses the glyph. |',
      '| :::image type="content" source="media/settings.png"::: | Opens the settings. |',
      '',
      ':::image type="content" source="media/privacy.png":::',
    );
    const images = findImages(text, 'markdown');
    const changes = [1, 2].map((index) => ({ index, alt: 'Settings | Privacy tab' }));
    const edited = applyEdits(text, changes.map((c) => altEdit(images[c.index] as FoundImage, c.alt)));
    assert.equal(verifyEdits(images, edited, 'markdown', changes), undefined);
    const lines = edited.split('\n');
    assert.equal(lines[3], '| :::image type="content" source="media/settings.png" alt-text="Settings / Privacy tab"::: | Opens the settings. |');
    assert.equal(lines[5], ':::image type="content" source="media/privacy.png" alt-text="Settings | Privacy tab":::');
    assert.deepEqual(learn(edited).map((i) => i.alt), ['', 'Settings / Privacy tab', 'Settings | Privacy tab']);
  });
});
