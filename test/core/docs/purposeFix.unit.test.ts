/**
 * Purpose-aware fixing end to end, against the Azure-like model server: one request per image, the answer read, the
 * alt text and the long description written in Markdown, HTML, MDX and Learn syntax, and each written file read back
 * with the real finders — the same images, the intended alt text, the long description where the syntax keeps it
 * (rendered by micromark or parse5, never as markup the model wrote), alt="" for self-declared decoration where the
 * syntax can say it. A rerun is answered from the cache, purpose and long description included.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { micromark } from 'micromark';
import { parse, type DefaultTreeAdapterTypes } from 'parse5';
import sharp from 'sharp';
import type { ChatClient } from '../../../src/core/net';
import { applyFix, generateAltTexts, parseDoc, planFix, purposeLines, type AltCache, type FixApplied } from '../../../src/core/docs';
import { findImages, type FoundImage } from '../../../src/core/finders';
import type { DocLanguage } from '../../../src/core/base';
import type { RecordedRequest } from '../../support/azureServer';
import { altRunSetup } from '../../support/altRun';

/** Everything a model could write that would be markup somewhere: each must end up as text. */
const HOSTILE =
  'Sign-ups rose from 10 in January to 45 in March.\n\nThe peak </details> is in March {props} <b>bold</b> :::image-end::: and ![x](evil.png) [link](https://evil.example)\n\n# not a heading\n\n1. not a list\n\n- nor this';

const SIZES: Record<string, [number, number]> = { chart: [300, 200], banner: [400, 100], button: [40, 40], photo: [200, 150], swirl: [12, 12], echo: [77, 77], escaped: [78, 78] };

function answer(req: RecordedRequest): string {
  switch (req.images[0]?.width) {
    case 300:
      return '```json\n' + JSON.stringify({ purpose: 'complex', alt: 'Bar chart of sign-ups per month, peaking in March', longDescription: HOSTILE }, null, 2) + '\n```';
    case 400:
      return JSON.stringify({ purpose: 'image-of-text', alt: 'Contoso Cloud: build faster' });
    case 40:
      return `Here you go: ${JSON.stringify({ purpose: 'informative', alt: 'Download the installer' })}`;
    case 200:
      return 'Image of a team at a whiteboard.';
    case 77: // a hostile server (or proxy) that echoes the key it was sent
      return JSON.stringify({ purpose: 'complex', alt: `Diagram ${server.key}`, longDescription: `The key is ${String(req.headers['api-key'])}.` });
    case 78: // the same, with the key hidden from a plain search by JSON escapes the reader decodes
      return `{"purpose": "complex", "alt": "A chart", "longDescription": "The key is ${server.key.replace(/-/g, '\\u002d')}."}`;
    default:
      return JSON.stringify({ purpose: 'decorative', alt: '' });
  }
}

/** The images, each of its own size: the size tells the fake model which picture it is sent. */
async function writeImages(root: string): Promise<void> {
  await fs.mkdir(path.join(root, 'img'));
  for (const [name, [width, height]] of Object.entries(SIZES)) {
    await sharp({ create: { width, height, channels: 3, background: { r: width % 256, g: 90, b: height % 256 } } })
      .png()
      .toFile(path.join(root, 'img', `${name}.png`));
  }
}

const { server, dir: root, settings, client: clientOf } = altRunSetup({ answer, prefix: 'di-purpose-', fill: writeImages });
let client: ChatClient;
before(() => {
  client = clientOf();
});
after(() => client.close());

class MemoryCache implements AltCache {
  readonly map = new Map<string, string>();
  get(key: string) {
    return this.map.get(key);
  }
  set(key: string, alt: string) {
    this.map.set(key, alt);
  }
}

/** Write the document, fix it (generate + apply, as the CLI does), and return what was written and reported. */
async function fixDoc(name: string, language: DocLanguage, text: string, cache?: AltCache): Promise<{ written: string; applied: FixApplied; before: readonly FoundImage[]; after: FoundImage[] }> {
  const abs = path.join(root, name);
  await fs.writeFile(abs, text);
  const doc = parseDoc(name, abs, text, language);
  assert.equal(doc.parseError, undefined);
  const plan = await planFix([doc], { root, docsRoot: root, rewriteUninformative: true, fixPathCase: false, context: true });
  const run = await generateAltTexts(plan.jobs, { settings: settings(), client, cache });
  assert.equal(run.fatal, undefined);
  const applied = await applyFix(plan, run.results, { root, dryRun: false });
  const written = await fs.readFile(abs, 'utf8');
  const afterImages = findImages(written, doc.language, doc.find);
  assert.deepEqual(
    afterImages.map((i) => [i.syntax, i.src]),
    doc.images.map((i) => [i.syntax, i.src]),
    'read back with the same parser: the same images',
  );
  return { written, applied, before: doc.images, after: afterImages };
}

const MARKDOWN = [
  '# Sign-ups',
  '',
  'The chart shows sign-ups per month.',
  '',
  '![](img/chart.png)',
  '',
  '[![](img/button.png)](https://example.com/download)',
  '',
  '![](img/banner.png)',
  '',
  '![](img/photo.png)',
  '',
  '![](img/swirl.png)',
  '',
  '![Decorative background image.](img/photo.png)',
  '',
].join('\n');

describe('purpose-aware fix, each purpose', () => {
  it('Markdown: functional, image of text, informative, complex with a <details> long description; decorative left as it says', async () => {
    const { written, applied, after } = await fixDoc('guide.md', 'markdown', MARKDOWN);
    assert.deepEqual(
      after.map((i) => i.alt),
      ['Bar chart of sign-ups per month, peaking in March', 'Download the installer', 'Contoso Cloud: build faster', 'A team at a whiteboard.', '', 'Decorative background image.'],
    );
    assert.equal(server.requests.length, 5, 'one request per distinct image (the decorative one is not sent)');
    assert.deepEqual(
      applied.images.map((i) => [i.purpose, i.longDescription]),
      [
        ['complex', 'written'],
        ['functional', undefined],
        ['image-of-text', undefined],
        ['informative', undefined],
      ],
    );
    assert.match(purposeLines(applied)[0] ?? '', /^guide\.md:5:1: complex, long description written$/);
    assert.ok(applied.skipped.some((s) => /guide\.md:13:1: .*decorative.*left for you to decide/.test(s)), applied.skipped.join('\n'));
    assert.ok(applied.skipped.some((s) => /guide\.md:15:1: .*decorative.*Markdown has no decorative image.*not described/.test(s)), applied.skipped.join('\n'));
    // The block follows the chart's paragraph, and renders as the words the model wrote, never as its markup.
    assert.match(written, /!\[Bar chart[^\n]*\]\(img\/chart\.png\)\n\n<details>\n<summary>Image description<\/summary>\n\nSign-ups rose/);
    const html = micromark(written, { allowDangerousHtml: true });
    assert.match(html, /<details>\n<summary>Image description<\/summary>\n<p>Sign-ups rose from 10 in January to 45 in March\.<\/p>/);
    assert.match(html, /The peak &lt;\/details&gt; is in March \{props\} &lt;b&gt;bold&lt;\/b&gt; :::image-end::: and !\[x\]\(evil\.png\) \[link\]\(https:\/\/evil\.example\)/);
    assert.doesNotMatch(html, /evil\.png"|<h1>not|<ol>|<ul>/);
    assert.equal((html.match(/<\/details>/g) ?? []).length, 1);
  });

  it('HTML: aria-describedby names a long description after the figure; self-declared decoration becomes alt=""', async () => {
    const text = [
      '<!doctype html>',
      '<html><body>',
      '<h1>Sign-ups</h1>',
      '<figure>',
      '  <img src="img/chart.png">',
      '  <figcaption>Sign-ups per month</figcaption>',
      '</figure>',
      '<p>Get it: <a href="/download"><img src="img/button.png"></a> today.</p>',
      '<p><img src="img/banner.png"></p>',
      '<img src="img/photo.png" alt="Decorative background image.">',
      '</body></html>',
      '',
    ].join('\n');
    const { written, applied, after } = await fixDoc('page.html', 'html', text);
    assert.deepEqual(
      after.map((i) => [i.alt, i.decorative]),
      [
        ['Bar chart of sign-ups per month, peaking in March', false],
        ['Download the installer', false],
        ['Contoso Cloud: build faster', false],
        ['', true],
      ],
    );
    assert.equal(applied.decorative, 1);
    const id = after[0]?.describedBy ?? '';
    assert.equal(id, 'chart-description');
    const el = elementById(parse(written, { sourceCodeLocationInfo: true }), id);
    assert.ok(el, written);
    assert.ok((el.sourceCodeLocation?.startOffset ?? 0) > written.indexOf('</figure>'), 'after the figure');
    const words = textOf(el);
    assert.match(words, /The peak <\/details> is in March \{props\} <b>bold<\/b> :::image-end:::/);
    assert.equal(elementsNamed(parse(written), 'b').length, 0, "the model's <b> is text");
  });

  it('MDX: JSX <img> gets a JSX aria-describedby; { and < in the description are escaped; the file still parses as MDX', async () => {
    const text = ['# Sign-ups', '', '<img src="img/chart.png" />', '', 'Text between.', '', '![](img/banner.png)', ''].join('\n');
    const { written, after } = await fixDoc('page.mdx', 'mdx', text);
    assert.equal(after[0]?.describedBy, 'chart-description');
    assert.match(written, /<img aria-describedby="chart-description" src="img\/chart\.png" alt="Bar chart[^"]*" \/>\n\n<details id="chart-description">\n<summary>Image description<\/summary>\n\n/);
    assert.match(written, /\\<\/details> is in March \\\{props\\\} \\<b>bold\\<\/b>/);
    assert.equal(after[1]?.alt, 'Contoso Cloud: build faster');
  });

  it('Learn: a content image becomes type="complex" with a body; an empty complex body is filled; an existing one is kept', async () => {
    const text = [
      '# Sign-ups',
      '',
      ':::image source="img/chart.png" alt-text="":::',
      '',
      ':::image type="complex" source="img/chart.png" alt-text="":::',
      ':::image-end:::',
      '',
      ':::image type="complex" source="img/chart.png" alt-text="":::',
      'Written by hand.',
      ':::image-end:::',
      '',
    ].join('\n');
    const { written, applied, after } = await fixDoc('learn.md', 'markdown', text);
    assert.deepEqual(
      after.map((i) => i.learn?.type),
      ['complex', 'complex', 'complex'],
    );
    const bodies = after.map((i) => (i.learn?.longDescription ? written.slice(i.learn.longDescription.start, i.learn.longDescription.end).trim() : undefined));
    assert.match(bodies[0] ?? '', /^Sign-ups rose[\s\S]*\\:::image-end\\:::/);
    assert.equal(bodies[1], bodies[0]);
    assert.equal(bodies[2], 'Written by hand.', 'an existing long description is never overwritten');
    assert.deepEqual(
      applied.images.map((i) => i.longDescription),
      ['written', 'written', 'it already has a long description; it was kept'],
    );
    assert.match(written, /^:::image type="complex" source="img\/chart\.png" alt-text="Bar chart of sign-ups per month, peaking in March":::\nSign-ups rose/m);
  });

  it('the same image in a link and on its own: asked once per purpose, each use gets its own alt', async () => {
    const { after } = await fixDoc('twice.md', 'markdown', '[![](img/photo.png)](https://example.com/team)\n\n![](img/photo.png)\n');
    assert.equal(server.requests.length, 2, 'one request as functional, one as the model decides');
    assert.match(JSON.stringify(server.requests.map((r) => r.body)), /inside a link or button/);
    assert.equal(after.length, 2);
  });

  it('a server that echoes the key: neither the alt text nor the long description written holds it', async () => {
    const { written, applied } = await fixDoc('echo.md', 'markdown', '![](img/echo.png)\n');
    assert.ok(!written.includes(server.key), written);
    assert.equal(written, '![](img/echo.png)\n', 'nothing is written from that answer');
    assert.match(applied.skipped.join('\n'), /echo\.md:1:1: .*held the credential/);
  });

  it('a key hidden by JSON escapes (\\u002d) is found in the answer as read: nothing written, nothing cached', async () => {
    const cache = new MemoryCache();
    const { written, applied } = await fixDoc('escaped.md', 'markdown', '![](img/escaped.png)\n', cache);
    assert.equal(server.requests.length, 1);
    assert.ok(!written.includes(server.key), written);
    assert.equal(written, '![](img/escaped.png)\n', 'nothing is written from that answer');
    assert.match(applied.skipped.join('\n'), /escaped\.md:1:1: .*held the credential/);
    assert.ok(![...cache.map.values()].some((v) => v.includes(server.key)), 'nor cached');
  });

  it('a rerun is answered from the cache, purpose and long description included', async () => {
    const cache = new MemoryCache();
    const first = await fixDoc('cached.md', 'markdown', MARKDOWN, cache);
    assert.equal(server.requests.length, 5);
    server.requests.length = 0;
    const second = await fixDoc('cached.md', 'markdown', MARKDOWN, cache);
    assert.equal(server.requests.length, 0, 'nothing sent (the judgement "decorative" is kept too)');
    assert.equal(second.written, first.written);
    assert.deepEqual(
      second.applied.images.map((i) => i.purpose),
      first.applied.images.map((i) => i.purpose),
    );
  });
});

type Node = DefaultTreeAdapterTypes.Node;
type Element = DefaultTreeAdapterTypes.Element;
const kids = (n: Node): Node[] => ('childNodes' in n ? (n as DefaultTreeAdapterTypes.ParentNode).childNodes : []);

function elementsNamed(n: Node, name: string): Element[] {
  const here = 'tagName' in n && n.tagName === name ? [n] : [];
  return [...here, ...kids(n).flatMap((k) => elementsNamed(k, name))];
}

function elementById(n: Node, id: string): Element | undefined {
  if ('attrs' in n && n.attrs.some((a) => a.name === 'id' && a.value === id)) return n;
  for (const k of kids(n)) {
    const found = elementById(k, id);
    if (found) return found;
  }
  return undefined;
}

function textOf(n: Node): string {
  return n.nodeName === '#text' ? (n as DefaultTreeAdapterTypes.TextNode).value : kids(n).map(textOf).join(' ');
}
