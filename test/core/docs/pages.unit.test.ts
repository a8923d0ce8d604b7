/**
 * How a page is read (core/docs pages.ts, components.ts): the language a `.md` page of a site gets, the front matter
 * `format` override, the mdx-code-block fence, and `.describe-image.json` — read strictly, a broken one a clear
 * `bad-input` error naming the file, whatever it holds (huge, not JSON, not UTF-8, `__proto__`, odd names).
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeError } from '../../../src/core/base';
import { frontMatterFormat, MAX_IMAGE_CONFIG_BYTES, PageSetups, parseDoc, parseImageConfig, readImageConfig } from '../../../src/core/docs';
import { findImages } from '../../../src/core/finders';
import type { Site } from '../../../src/core/sites';

let tmp = '';
before(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'di-pages-')));
});
after(() => fs.rm(tmp, { recursive: true, force: true }));

const site = (generator: Site['generator'], mdIsMdx: boolean): Site => ({
  generator,
  configFile: '/site/docusaurus.config.js',
  dir: '/site',
  contentRoots: ['/site/docs'],
  staticDirs: ['/site/static'],
  basePath: '/',
  mdIsMdx,
  tildeRoot: undefined,
  absoluteMayBeElsewhere: false,
  resourceDirs: [],
  notes: [],
});
const docusaurus = { site: site('docusaurus', true), components: undefined };

const badInput = (reason: RegExp) => (e: unknown) => e instanceof DescribeError && e.code === 'bad-input' && reason.test(e.message);
const config = (text: string) => parseImageConfig(Buffer.from(text), 'site/.describe-image.json');

describe('the language of a page', () => {
  const jsx = "# Security\n\n<img src=\"/img/chart.svg\" width={283} alt=\" \" style={{float: 'right'}} />\n";

  it('a .md page of a Docusaurus 3 site is MDX; front matter format: md | mdx | detect wins; elsewhere .md is Markdown', () => {
    assert.equal(parseDoc('a.md', '/site/docs/a.md', jsx, 'markdown', undefined, docusaurus).images.length, 1);
    assert.equal(parseDoc('a.md', '/site/docs/a.md', jsx, 'markdown').images.length, 0, 'no site: CommonMark, where that line is text');
    const withFormat = (f: string, name = 'a.md') => parseDoc(name, `/site/docs/${name}`, `---\ntitle: A\nformat: ${f}\n---\n\n${jsx}`, name.endsWith('.mdx') ? 'mdx' : 'markdown', undefined, docusaurus).language;
    assert.equal(withFormat('md'), 'markdown');
    assert.equal(withFormat('detect'), 'markdown');
    assert.equal(withFormat('mdx'), 'mdx');
    assert.equal(withFormat('md', 'b.mdx'), 'markdown', 'format: md in an .mdx file: CommonMark, as Docusaurus reads it');
    const md = { site: site('docusaurus', false), components: undefined };
    assert.equal(parseDoc('a.md', '/site/docs/a.md', jsx, 'markdown', undefined, md).language, 'markdown', 'markdown.format: detect');
    assert.equal(parseDoc('a.md', '/site/docs/a.md', `---\nformat: mdx\n---\n${jsx}`, 'markdown', undefined, md).language, 'mdx');
    assert.equal(parseDoc('a.md', '/site/docs/a.md', `---\nformat: mdx\n---\n${jsx}`, 'markdown', undefined, { site: site('vitepress', false), components: undefined }).language, 'markdown', 'front matter format is Docusaurus\'s only');
  });

  it('front matter is read by the parsers: a --- that is a thematic break later, or broken YAML, gives no format', () => {
    assert.equal(frontMatterFormat('---\nformat: MD\n---\n# x\n'), 'md');
    assert.equal(frontMatterFormat('\ufeff---\nformat: md\n---\n'), 'md');
    assert.equal(frontMatterFormat('# Title\n\n---\nformat: md\n---\n'), undefined);
    assert.equal(frontMatterFormat('---\nformat: [md\n---\n'), undefined);
    assert.equal(frontMatterFormat('---\n- format\n---\n'), undefined);
  });

  it('a .md page that is not valid MDX (unbalanced JSX) is a parse error that says why it was read as MDX and how to opt out', () => {
    const doc = parseDoc('a.md', '/site/docs/a.md', '# A\n\n<details>\n<summary>More</summary>\n\n![](/img/a.png)\n', 'markdown', undefined, docusaurus);
    assert.ok(doc.parseError);
    assert.match(doc.parseError.message, /not valid MDX: expected a closing tag for <details> \(read as MDX: its site compiles \.md files as MDX; add `format: md` to its front matter to read it as CommonMark\)/);
    assert.equal(doc.parseError.line, 3);
    const stray = parseDoc('b.md', '/site/docs/b.md', 'Text </img> more\n', 'markdown', undefined, docusaurus);
    assert.match(stray.parseError?.message ?? '', /unexpected closing tag <\/img>: no element is open/);
    const crossed = parseDoc('c.md', '/site/docs/c.md', '<Tabs>\n<TabItem value="a">\n\n![](/a.png)\n\n</Tabs>\n</TabItem>\n', 'markdown', undefined, docusaurus);
    assert.match(crossed.parseError?.message ?? '', /unexpected closing tag <\/Tabs>: expected <\/TabItem> \(opened on line 2\)/);
    const brace = parseDoc('d.md', '/site/docs/d.md', 'Text {oops\n', 'markdown', undefined, docusaurus);
    assert.ok(brace.parseError, 'an unclosed brace too, never a crash');
    assert.equal(parseDoc('e.md', '/site/docs/e.md', '<>\n<Tabs>\n<TabItem value="a" />\n</Tabs>\n</>\n', 'markdown', undefined, docusaurus).parseError, undefined, 'balanced, fragments too');
  });
});

describe('mdx-code-block', () => {
  const text = "# Assets\n\n- In a list:\n\n  ```mdx-code-block\n  <BrowserWindow>\n  <img src={useBaseUrl('/img/a.png')} />\n  </BrowserWindow>\n  ```\n\n```jsx\n<img src=\"/img/code.png\" />\n```\n";

  it('in Docusaurus MDX its images are found at their offsets (also indented in a list); elsewhere it is code', () => {
    const images = findImages(text, 'mdx', { mdxCodeBlocks: true });
    assert.deepEqual(images.map((i) => [i.src, i.line, i.column, text.slice(i.start, i.start + 4)]), [['/img/a.png', 7, 3, '<img']]);
    assert.equal(text.slice(images[0]?.altSpan.start, (images[0]?.altSpan.start ?? 0) + 3), ' />', 'alt is inserted after the src attribute');
    assert.deepEqual(findImages(text, 'mdx'), [], 'not a Docusaurus page: a fence is code');
  });

  it('a reference image in the fence keeps its own definition; one after the fence keeps the page\'s', () => {
    const page = '```mdx-code-block\n![Inner][x]\n\n[x]: inner.png\n```\n\n![Outer][y] and ![Undefined in the page][x]\n\n[y]: outer.png\n';
    assert.deepEqual(
      findImages(page, 'mdx', { mdxCodeBlocks: true }).map((i) => [i.alt, i.src]),
      [
        ['Inner', 'inner.png'],
        ['Outer', 'outer.png'],
      ],
      'a definition inside the fence is the fence\'s own: "![Undefined in the page][x]" is text, not an image',
    );
  });

  it('a fence that is not valid MDX is a parse error at its line in the page', () => {
    assert.throws(() => findImages('# A\n\n```mdx-code-block\n<div>\n```\n', 'mdx', { mdxCodeBlocks: true }), (e: unknown) => e instanceof Error && e.name === 'DocParseError' && (e as unknown as { line: number }).line >= 4 && /mdx-code-block/.test(e.message));
  });
});

describe('.describe-image.json', () => {
  it('names components; built-ins stay; sources objects; attribute names with dashes and namespaces', () => {
    const c = config('{"$schema": "x", "imageComponents": {"Illustration": {"src": "src", "alt": "alt"}, "Diagram": {"src": null}, "ui.Hero": {"src": "data-src", "alt": "aria-label"}, "Themed": {"sources": "srcs"}}}');
    assert.deepEqual([...c.entries()], [
      ['Illustration', { src: 'src', alt: 'alt' }],
      ['Diagram', { src: null, alt: 'alt' }],
      ['ui.Hero', { src: 'data-src', alt: 'aria-label' }],
      ['Themed', { src: null, alt: 'alt', sources: 'srcs' }],
    ]);
    const images = findImages('<ui.Hero data-src="/a.png" aria-label="" />\n\n<Themed srcs={{light: "/l.png", dark: `/d.png`}} />\n', 'mdx', { components: c });
    assert.deepEqual(images.map((i) => [i.src, i.otherSrcs, i.altState, i.srcDynamic]), [['/a.png', undefined, 'empty', false], ['/l.png', ['/d.png'], 'missing', false]]);
    const dynamic = findImages('<ThemedImage alt="A" sources={{light: "/l.png", dark: theme.dark}} />\n', 'mdx');
    assert.deepEqual(dynamic.map((i) => [i.src, i.srcDynamic]), [['', true]], 'one source not static: not checked, never guessed');
  });

  it('refuses what is not a configuration, naming the file and the reason', () => {
    const cases: [string | Buffer, RegExp][] = [
      ['{"imageComponents": {"Illustration": {"src": "src"', /site\/\.describe-image\.json: it is not valid JSON/],
      ['[]', /must be a JSON object/],
      ['null', /must be a JSON object/],
      [Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]), /it is not UTF-8 text/],
      [Buffer.alloc(MAX_IMAGE_CONFIG_BYTES + 1, 0x20), /it is 65537 bytes, over 65536/],
      ['{"imageComponent": {}}', /unknown key "imageComponent"/],
      ['{"imageComponents": []}', /"imageComponents" must be an object/],
      ['{"imageComponents": {"Foo Bar": {}}}', /"Foo Bar" is not a JSX component name/],
      ['{"imageComponents": {"<img>": {}}}', /"<img>" is not a JSX component name/],
      ['{"imageComponents": {"": {}}}', /"" is not a JSX component name/],
      ['{"imageComponents": {"a.": {}}}', /is not a JSX component name/],
      ['{"imageComponents": {"X": "src"}}', /imageComponents\.X must be an object/],
      ['{"imageComponents": {"X": {"src": 1}}}', /imageComponents\.X\.src must be a JSX attribute name or null, not 1/],
      ['{"imageComponents": {"X": {"alt": null}}}', /imageComponents\.X\.alt must be a JSX attribute name, not null/],
      ['{"imageComponents": {"X": {"alt": "a b"}}}', /must be a JSX attribute name/],
      ['{"imageComponents": {"X": {"src": "src", "sources": "s"}}}', /both "src" and "sources"/],
      ['{"imageComponents": {"X": {"__proto__": {"src": "evil"}}}}', /imageComponents\.X has an unknown key "__proto__"/],
      ['{"__proto__": {"imageComponents": {}}}', /unknown key "__proto__"/],
    ];
    for (const [text, reason] of cases) assert.throws(() => parseImageConfig(typeof text === 'string' ? Buffer.from(text) : text, 'site/.describe-image.json'), badInput(reason), String(text).slice(0, 60));
  });

  it('a component named __proto__ or constructor is just a name: nothing is polluted', () => {
    const c = config('{"imageComponents": {"__proto__": {"src": "src"}, "constructor": {"alt": "label"}}}');
    assert.deepEqual([...c.keys()], ['__proto__', 'constructor']);
    assert.equal(({} as Record<string, unknown>)['src'], undefined);
    assert.equal(findImages('<div>x</div>\n', 'mdx', { components: c }).length, 0, 'other tags are not images');
  });

  it('the nearest one up to the repository root is used; none is fine; a folder in its place or an unreadable file is an error', async () => {
    const repo = path.join(tmp, 'repo');
    await fs.mkdir(path.join(repo, '.git'), { recursive: true });
    await fs.mkdir(path.join(repo, 'site', 'docs', 'deep'), { recursive: true });
    await fs.writeFile(path.join(tmp, '.describe-image.json'), '{"imageComponents": {"Outside": {}}}');
    await fs.writeFile(path.join(repo, '.describe-image.json'), '{"imageComponents": {"Top": {}}}');
    await fs.writeFile(path.join(repo, 'site', '.describe-image.json'), '{"imageComponents": {"Near": {}}}');
    const setups = new PageSetups(path.join(repo, 'site'), []);
    assert.deepEqual([...((await setups.of(path.join(repo, 'site', 'docs', 'deep', 'a.md'))).components?.keys() ?? [])], ['Near']);
    assert.deepEqual([...((await new PageSetups(path.join(repo, 'site'), []).of(path.join(repo, 'b.md'))).components?.keys() ?? [])], ['Top'], 'above the run root, up to the repository root');
    const bare = path.join(tmp, 'norepo');
    await fs.mkdir(bare);
    assert.equal((await new PageSetups(bare, []).of(path.join(bare, 'a.md'))).components, undefined, 'outside a repository: not above the run root');
    await fs.mkdir(path.join(bare, 'dir', '.describe-image.json'), { recursive: true });
    await assert.rejects(readImageConfig(path.join(bare, 'dir', '.describe-image.json'), 'dir/.describe-image.json'), badInput(/dir\/\.describe-image\.json: it (is not a file|can't be read \(EISDIR\))/));
  });
});
