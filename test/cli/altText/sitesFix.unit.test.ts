/**
 * `describe-image alt-text fix` from the root of docs sites modelled on real ones, no flags: every fillable image is
 * filled in the site's own syntax — JSX `<img>` in a Docusaurus `.md` (MDX), an `<img>` inside an ```mdx-code-block
 * fence, a `format: md` page's Markdown and HTML, react.dev's `<Illustration>` named in `.describe-image.json` — and
 * each written file, read back as the site reads it, has the same images with the new alt text.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PageSetups, readDocFile } from '../../../src/core/docs';
import { detectSites } from '../../../src/core/sites';
import { AzureLikeServer } from '../../support/azureServer';
import { runCliProcess } from '../../support/cli';
import { siteCopy as copySite } from '../../support/sites';

// An answer with what JSX and Markdown must escape: braces, a tag, a pipe, quotes.
const server = new AzureLikeServer({ answer: () => 'Image of a {config} <Panel> | "quoted" chart.' });
let tmp = '';

const siteCopy = (name: string) => copySite(tmp, name);

const fix = (cwd: string) =>
  runCliProcess(['alt-text', 'fix', '.'], {
    cwd,
    guardLog: path.join(tmp, 'guard.log'),
    env: { AZURE_OPENAI_API_KEY: server.key, AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', XDG_CACHE_HOME: path.join(tmp, 'cache') },
  });

/** Every page's images as the site reads them (language and components chosen as the CLI chooses them). */
async function imagesOf(dir: string, files: readonly string[]): Promise<Map<string, { syntax: string; src: string; alt: string; language: string }[]>> {
  const setups = new PageSetups(dir, await detectSites(dir));
  const out = new Map<string, { syntax: string; src: string; alt: string; language: string }[]>();
  for (const file of files) {
    const doc = await readDocFile(dir, file, { page: await setups.of(path.join(dir, file)) });
    assert.equal(doc.parseError, undefined, `${file}: ${doc.parseError?.message}`);
    out.set(file, doc.images.map((i) => ({ syntax: i.syntax, src: i.src, alt: i.alt, language: i.language })));
  }
  return out;
}

const FILLED = 'A {config} <Panel> | "quoted" chart.';

/** Fix the site; the files it names changed only in the images that had no alt text, which now have the answer. */
async function fixAndCompare(dir: string, changed: Record<string, number[]>, code = 0): Promise<string> {
  const files = Object.keys(changed);
  const before = await imagesOf(dir, files);
  const run = await fix(dir);
  assert.equal(run.code, code, run.stderr);
  const after = await imagesOf(dir, files);
  for (const file of files) {
    const b = before.get(file) ?? [];
    const a = after.get(file) ?? [];
    assert.equal(a.length, b.length, `${file}: the same images`);
    const expected = b.map((img, i) => ((changed[file] ?? []).includes(i) ? { ...img, alt: FILLED } : img));
    assert.deepEqual(a, expected, file);
  }
  return run.stderr;
}

before(async () => {
  await server.start();
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'di-sites-fix-')));
});
after(async () => {
  await server.stop();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('alt-text fix from the root of a docs site, no flags', () => {
  it('Docusaurus 3: JSX in .md, alt=" ", an mdx-code-block <img>, a format: md page, a blog post: every one filled', async () => {
    const dir = await siteCopy('docusaurus');
    const stderr = await fixAndCompare(dir, {
      'docs/handling-touches.md': [0],
      'docs/integration-with-existing-apps.md': [0],
      'docs/markdown-features-assets.md': [1],
      'docs/out-of-tree-platforms.md': [0, 1],
      'docs/security.md': [0, 1],
      'website/blog/2016-08-19-right-to-left-support-for-react-native-apps.md': [1],
    });
    assert.match(stderr, /filled 8 of 8 image\(s\) in 6 file\(s\)/);
    const security = await fs.readFile(path.join(dir, 'docs/security.md'), 'utf8');
    assert.match(security, /<img src="\/docs\/assets\/d_security_chart\.svg" width=\{283\} alt="A \{config\} <Panel> &#124; &quot;quoted&quot; chart\." style=\{\{float: 'right'\}\} \/>/);
    const fence = await fs.readFile(path.join(dir, 'docs/markdown-features-assets.md'), 'utf8');
    assert.match(fence, /<img src=\{useBaseUrl\('\/img\/docusaurus\.png'\)\} alt="A \{config\}/, 'written inside the fence, at the image');
    const md = await fs.readFile(path.join(dir, 'docs/out-of-tree-platforms.md'), 'utf8');
    assert.ok(md.includes('![A {config} \\<Panel> \\| "quoted" chart.](/docs/assets/Button.png)'), 'format: md: written as CommonMark (no MDX escapes)');
  });

  it('react.dev: <Illustration> without alt is filled; <Diagram> (source not a link) is skipped, never guessed', async () => {
    const dir = await siteCopy('reactdev');
    const stderr = await fixAndCompare(dir, { 'src/content/learn/adding-interactivity.md': [1], 'src/content/learn/understanding-your-ui-as-a-tree.md': [] }, 1);
    // Exit 1: an image was skipped (the Diagram without alt, whose source is not a link).
    assert.match(stderr, /filled 1 of 1 image\(s\) in 1 file\(s\)/);
    assert.match(stderr, /understanding-your-ui-as-a-tree\.md:16:1: the image's source is an expression; not described/);
    const page = await fs.readFile(path.join(dir, 'src/content/learn/adding-interactivity.md'), 'utf8');
    assert.match(page, /<Illustration caption="Render" src="\/images\/docs\/illustrations\/i_render-and-commit2\.png" alt="A \{config\} <Panel> &#124; &quot;quoted&quot; chart\." \/>/);
  });
});

/** As root, a wrapper that drops the capability to read what permissions forbid (setpriv), else undefined. */
function obeyingPermissions(): string[] | undefined {
  if (process.getuid?.() !== 0) return [];
  const wrap = ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-all'];
  return spawnSync(wrap[0] as string, [...wrap.slice(1), 'true']).status === 0 ? wrap : undefined;
}

describe('a broken .describe-image.json', () => {
  it('stops check and fix with exit 2, naming the file and the reason, before anything is sent', async () => {
    const dir = await siteCopy('reactdev');
    const cases: [string | Buffer, RegExp][] = [
      ['{"imageComponents": {"Illustration": {"src": "src", "alt": "alt"},', /\.describe-image\.json: it is not valid JSON/],
      [Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), /\.describe-image\.json: it is not UTF-8 text/],
      ['{"imageComponents": {"Illustration": {"src": "src"}, "Foo Bar": {}}}', /"Foo Bar" is not a JSX component name/],
      [`{"imageComponents": {${Array.from({ length: 3000 }, (_, i) => `"C${i}": {"src": "src", "alt": "alt"}`).join(', ')}}}`, /it is \d+ bytes, over 65536/],
    ];
    for (const [text, reason] of cases) {
      await fs.writeFile(path.join(dir, '.describe-image.json'), text);
      server.requests.length = 0;
      for (const command of ['check', 'fix']) {
        const run = await runCliProcess(['alt-text', command, '.'], { cwd: dir, guardLog: path.join(tmp, 'guard.log'), env: { AZURE_OPENAI_API_KEY: server.key, AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', XDG_CACHE_HOME: path.join(tmp, 'cache') } });
        assert.equal(run.code, 2, `${command}: ${run.stderr}`);
        assert.match(run.stderr, reason);
        assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
      }
      assert.equal(server.requests.length, 0, 'nothing sent');
    }
  });

  it('one that can\'t be read (no permission) is an error too, not silently ignored', { skip: obeyingPermissions() ? false : 'no way to drop root\'s read permission here' }, async () => {
    const wrap = obeyingPermissions() ?? [];
    const dir = await siteCopy('reactdev');
    const file = path.join(dir, '.describe-image.json');
    await fs.chmod(file, 0o000);
    const [command, ...prefix] = [...wrap, process.execPath];
    const { cliPath } = await import('../../support/paths');
    const run = spawnSync(command as string, [...prefix, cliPath, 'alt-text', 'check', '.'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: tmp } });
    await fs.chmod(file, 0o644);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /\.describe-image\.json: it can't be read \(EACCES\)/);
  });
});
