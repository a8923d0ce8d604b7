/** Alt text: finders, rewrite, cleanup, cache, and the CLI's check and fix against the Azure-like server. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { altEdit, applyEdits, cleanAltText, escapeAlt, findImages, imagesWithoutAlt } from '../../src/core/altText';
import { altCacheKey, FileAltCache, resolveImageSource } from '../../src/core/altTextRunner';
import { unifiedDiff } from '../../src/cli/altText';
import { AzureLikeServer } from '../support/azureServer';
import { cliPath, image } from '../support/paths';

describe('finding images', () => {
  it('finds Markdown images, with empty, blank and present alt, titles and escaped brackets', () => {
    const md = ['![](a.png)', '![ ](b.png "A title")', '![A \\[boxed\\] chart](c.png)', '![x](<d e.png>)', 'Text \\![not](an-image.png)'].join('\n');
    const found = findImages(md, 'markdown');
    assert.deepEqual(found.map((f) => [f.syntax, f.src, f.alt, f.line]), [
      ['markdown', 'a.png', '', 0],
      ['markdown', 'b.png', '', 1],
      ['markdown', 'c.png', 'A [boxed] chart', 2],
      ['markdown', 'd e.png', 'x', 3],
    ]);
    assert.deepEqual(imagesWithoutAlt(md, 'markdown').map((f) => f.src), ['a.png', 'b.png']);
  });

  it('ignores code fences, indented code and inline code', () => {
    const md = ['```md', '![](in-fence.png)', '```', '', '    ![](indented.png)', '', 'Use `![](inline.png)` like this: ![](real.png)', '~~~', '![](tilde.png)', '~~~'].join('\n');
    assert.deepEqual(imagesWithoutAlt(md, 'markdown').map((f) => f.src), ['real.png']);
  });

  it('finds reference-style images', () => {
    const md = ['![][logo] and ![Diagram][arch] and ![shortcut]', '', '[logo]: /img/logo.png "Logo"', '[ARCH]: <img/arch one.svg>', '[shortcut]: https://example.com/s.png'].join('\n');
    const found = findImages(md, 'markdown');
    assert.deepEqual(found.map((f) => [f.syntax, f.src, f.alt]), [
      ['markdown-ref', '/img/logo.png', ''],
      ['markdown-ref', 'img/arch one.svg', 'Diagram'],
      ['markdown-ref', 'https://example.com/s.png', 'shortcut'],
    ]);
  });

  it('finds HTML <img> without or with empty alt, in Markdown and HTML', () => {
    const html = '<p><img src="a.png"> <IMG SRC=b.png alt=""> <img alt="ok" src="c.png"/> <img\n  src="d.png"\n  width="20" /></p>';
    assert.deepEqual(findImages(html, 'html').map((f) => [f.src, f.alt, f.altMissing]), [
      ['a.png', '', true],
      ['b.png', '', false],
      ['c.png', 'ok', false],
      ['d.png', '', true],
    ]);
  });

  it('finds JSX <img> and <Image> in MDX and TSX', () => {
    const tsx = 'export const X = () => <div><Image src="/hero.png" width={400} /><img src={"a.png"} alt={""} /><img src={logo} alt="Logo" /></div>;';
    assert.deepEqual(findImages(tsx, 'typescriptreact').map((f) => [f.syntax, f.src, f.alt, f.altMissing]), [
      ['jsx', '/hero.png', '', true],
      ['jsx', 'a.png', '', false],
      ['jsx', 'logo', 'Logo', false],
    ]);
    const mdx = '# Page\n\n<Image src="/x.png" />\n\n![](y.png)\n';
    assert.deepEqual(imagesWithoutAlt(mdx, 'mdx').map((f) => f.src), ['/x.png', 'y.png']);
  });

  it('resolves workspace-relative, site-absolute, URL and Windows paths', () => {
    assert.equal(resolveImageSource('img/a.png', '/repo/docs/guide/page.md', '/repo/docs'), '/repo/docs/guide/img/a.png');
    assert.equal(resolveImageSource('../img/a%20b.png', '/repo/docs/guide/page.md', '/repo/docs'), '/repo/docs/img/a b.png');
    assert.equal(resolveImageSource('/static/a.png?v=2', '/repo/docs/guide/page.md', '/repo/site'), '/repo/site/static/a.png');
    assert.equal(resolveImageSource('https://example.com/a.png', '/repo/docs/page.md', '/repo'), 'https://example.com/a.png');
    assert.equal(resolveImageSource('img\\win.png', '/repo/docs/page.md', '/repo'), '/repo/docs/img/win.png');
    assert.equal(resolveImageSource('data:image/png;base64,AAAA', '/repo/docs/page.md', '/repo'), undefined);
  });
});

describe('rewriting alt text', () => {
  const fill = (text: string, language: string, alt: string) => applyEdits(text, imagesWithoutAlt(text, language).map((i) => altEdit(i, alt, text)));

  it('changes only the alt text, in every syntax, and is idempotent', () => {
    const md = 'See ![](a.png "T") and ![ ][ref].\n\n[ref]: b.png\n<img src="c.png"> <img src="d.png" alt="" />\n';
    const once = fill(md, 'markdown', 'Login [beta] form');
    assert.equal(once, 'See ![Login \\[beta\\] form](a.png "T") and ![Login \\[beta\\] form][ref].\n\n[ref]: b.png\n<img src="c.png" alt="Login [beta] form"> <img src="d.png" alt="Login [beta] form" />\n');
    assert.equal(fill(once, 'markdown', 'Something else'), once, 'a second run finds nothing to fill');
    const jsx = '<Image src="/a.png" /> <img src="b.png" alt={""} />';
    assert.equal(fill(jsx, 'typescriptreact', 'Chart of {x} "quoted"'), '<Image src="/a.png" alt="Chart of &#123;x&#125; &quot;quoted&quot;" /> <img src="b.png" alt="Chart of &#123;x&#125; &quot;quoted&quot;" />');
  });

  it('escapes what would break the syntax', () => {
    assert.equal(escapeAlt('a ] b [ c \\', 'markdown'), 'a \\] b \\[ c \\\\');
    assert.equal(escapeAlt('5 < 6 & "x"', 'html'), '5 &lt; 6 &amp; &quot;x&quot;');
  });
});

describe('cleaning alt text', () => {
  it('removes quotes and "image of", keeps it to one line and the limit', () => {
    assert.equal(cleanAltText('"Image of a login form with two fields."'), 'A login form with two fields.');
    assert.equal(cleanAltText('Alt text: A picture showing the settings page\nwith toggles'), 'The settings page with toggles');
    assert.equal(cleanAltText('This image shows a bar chart of sales by month.'), 'A bar chart of sales by month.');
    assert.equal(cleanAltText('decorative'), '');
    const long = cleanAltText('A dashboard with a sidebar, a header, three charts of weekly active users, revenue and churn, and a table listing the ten largest customers by revenue this quarter.', 125);
    assert.ok(long.length <= 125, `${long.length}`);
    assert.match(long, /…$/);
    assert.ok(!/\s…$/.test(long));
  });
});

describe('alt-text cache', () => {
  it('stores by content hash + prompt + deployment and survives a reload', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'di-cache-'));
    const file = path.join(dir, 'cache.json');
    const c1 = await FileAltCache.load(file);
    const k = altCacheKey('abc', 'prompt', 'gpt-4o');
    assert.notEqual(k, altCacheKey('abc', 'prompt', 'gpt-4.1'));
    assert.notEqual(k, altCacheKey('abc', 'other prompt', 'gpt-4o'));
    c1.set(k, 'A chart');
    await c1.save();
    const c2 = await FileAltCache.load(file);
    assert.equal(c2.get(k), 'A chart');
    await fs.writeFile(file, 'not json');
    assert.equal((await FileAltCache.load(file)).size, 0, 'a broken cache file starts empty');
    await fs.rm(dir, { recursive: true });
  });

  it('prints unified diffs', () => {
    const diff = unifiedDiff('docs/a.md', 'a\nb\n![](x.png)\nc', 'a\nb\n![X](x.png)\nc');
    assert.equal(diff, '--- a/docs/a.md\n+++ b/docs/a.md\n@@ -1,4 +1,4 @@\n a\n b\n-![](x.png)\n+![X](x.png)\n c\n');
  });
});

describe('describe-image alt-text', () => {
  const server = new AzureLikeServer({ answer: (req) => `Image of ${req.images[0]?.width}x${req.images[0]?.height} ${req.images[0]?.sniffedType} picture.` });
  let dir = '';
  before(async () => {
    await server.start();
  });
  after(() => server.stop());
  beforeEach(async () => {
    server.requests.length = 0;
    server.script.length = 0;
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'di-alt-'));
    await fs.mkdir(path.join(dir, 'docs', 'img'), { recursive: true });
    await fs.copyFile(image('ui.png'), path.join(dir, 'docs', 'img', 'ui.png'));
    await fs.copyFile(image('ui.png'), path.join(dir, 'docs', 'img', 'ui-copy.png'));
    await fs.copyFile(image('photo.jpg'), path.join(dir, 'docs', 'img', 'photo.jpg'));
    await fs.writeFile(path.join(dir, 'docs', 'guide.md'), '# Guide\n\n![](img/ui.png)\n\n```\n![](img/not-this.png)\n```\n\n<img src="/docs/img/photo.jpg">\n');
    await fs.writeFile(path.join(dir, 'docs', 'other.md'), 'Same picture again: ![ ](img/ui-copy.png) and ![Has alt](img/ui.png)\n');
    await fs.writeFile(path.join(dir, 'docs', 'ok.md'), '![Fine](img/ui.png)\n');
  });

  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cliPath, 'alt-text', ...args], { cwd: dir, env: { PATH: process.env['PATH'], AZURE_OPENAI_API_KEY: server.key, AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('check lists images without alt text and fails; --json is machine-readable', async () => {
    const r = await run(['check', 'docs/**/*.md']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'docs/guide.md:3: image without alt text: img/ui.png\ndocs/guide.md:9: image without alt text: /docs/img/photo.jpg\ndocs/other.md:1: image without alt text: img/ui-copy.png\n');
    const j = await run(['check', '--json', 'docs/ok.md']);
    assert.equal(j.code, 0);
    assert.deepEqual(JSON.parse(j.stdout), { files: 1, missing: [] });
    assert.equal(server.requests.length, 0);
  });

  it('fix --dry-run prints a diff and writes nothing; fix writes; duplicates are sent once; a rerun sends nothing', async () => {
    server.script.push({ status: 429, headers: { 'content-type': 'application/json', 'retry-after-ms': '200' }, body: { error: { code: '429', message: 'Rate limit is exceeded.' } } });
    const dry = await run(['fix', '--dry-run', 'docs/**/*.md']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^--- a\/docs\/guide\.md\n\+\+\+ b\/docs\/guide\.md\n@@ /);
    assert.match(dry.stdout, /\n-!\[\]\(img\/ui\.png\)\n\+!\[160x100 image\/png picture\.\]\(img\/ui\.png\)\n/);
    assert.match(dry.stdout, /\n\+<img src="\/docs\/img\/photo\.jpg" alt="120x80 image\/jpeg picture\.">\n/);
    assert.match(dry.stdout, /\+Same picture again: !\[160x100 image\/png picture\.\]\(img\/ui-copy\.png\)/);
    assert.equal(await fs.readFile(path.join(dir, 'docs', 'guide.md'), 'utf8'), '# Guide\n\n![](img/ui.png)\n\n```\n![](img/not-this.png)\n```\n\n<img src="/docs/img/photo.jpg">\n');
    assert.equal(server.requests.filter((r) => r.status === 200).length, 2, 'ui.png and its copy are one image: two requests for three images');

    const fix = await run(['fix', 'docs/**/*.md']);
    assert.equal(fix.code, 0, fix.stderr);
    assert.match(fix.stderr, /filled 3 of 3 in 2 file\(s\); 0 request\(s\) sent, 2 from the cache, 1 duplicate/);
    assert.equal(server.requests.filter((r) => r.status === 200).length, 2, 'the cache made the real run free');
    assert.match(await fs.readFile(path.join(dir, 'docs', 'guide.md'), 'utf8'), /!\[160x100 image\/png picture\.\]\(img\/ui\.png\)\n\n```\n!\[\]\(img\/not-this\.png\)\n```/);
    const again = await run(['check', 'docs/**/*.md']);
    assert.equal(again.code, 0);
  });

  it('never inserts a cut answer or an error', async () => {
    server.script.push({ status: 400, headers: { 'content-type': 'application/json' }, body: { error: { code: 'BadRequest', message: 'Nope.' } } });
    server.answer = () => Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    try {
      const r = await run(['fix', 'docs/guide.md']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /skipped docs\/guide\.md:\d+: .*(Nope|cut at the output limit)/);
      assert.match(await fs.readFile(path.join(dir, 'docs', 'guide.md'), 'utf8'), /^# Guide\n\n!\[\]\(img\/ui\.png\)/);
    } finally {
      server.answer = (req) => `Image of ${req.images[0]?.width}x${req.images[0]?.height} ${req.images[0]?.sniffedType} picture.`;
    }
  });
});
