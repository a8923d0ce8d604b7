/**
 * `describe-image alt-text check|fix` run as a process on a small docs tree against the Azure-like server. Each
 * reproduction of the trust issue is a test here: a bare `alt`, MDX braces, a malformed `%` escape, globs out of the
 * folder, site-absolute links that climb out, a wrong key, a cancel, a file changed during generation. Links that
 * differ from their file in letter case and missing files are reported, described and fixed (or skipped, never sent).
 * Every written file is read back with the same parser.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { findImages } from '../../../src/core/finders';
import { AzureLikeServer } from '../../support/azureServer';
import { cliPath, image } from '../../support/paths';
import { docLanguageOfPath } from '../../../src/core/base';

const ANSWER = (req: { images: { width?: number | undefined; height?: number | undefined }[] }) => `Image of a ${req.images[0]?.width}x${req.images[0]?.height} {config} <Panel> | "quoted" picture.`;
const server = new AzureLikeServer({ answer: ANSWER });
let dir = '';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI in `cwd`; `wrap` is a command that runs it (e.g. setpriv, to obey file permissions as root). */
function run(args: string[], env: Record<string, string> = {}, onStart?: (child: ReturnType<typeof spawn>) => void, wrap: readonly string[] = [], cwd = dir): Promise<Run> {
  return new Promise((resolve) => {
    const [command, ...prefix] = [...wrap, process.execPath];
    const child = spawn(command as string, [...prefix, cliPath, 'alt-text', ...args], {
      cwd,
      // The alt-text cache goes to the user's cache folder: one of the test's own, beside its tree.
      env: { PATH: process.env['PATH'] ?? '', XDG_CACHE_HOME: `${dir}-cache`, AZURE_OPENAI_API_KEY: server.key, AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    onStart?.(child);
    child.on('close', (code) => {
      assert.ok(!(stdout + stderr).includes(server.key), 'the key never appears');
      resolve({ code, stdout, stderr });
    });
  });
}

const read = (rel: string) => fs.readFile(path.join(dir, rel), 'utf8');
const sent = () => server.requests.filter((r) => r.status !== 0);

/** The images of a file, as the parser reads them (for checking what fix wrote). */
async function imagesOf(rel: string) {
  const language = docLanguageOfPath(rel);
  assert.ok(language);
  return findImages(await read(rel), language).map((i) => ({ src: i.src, alt: i.alt }));
}

const FILES: Record<string, string> = {
  'docs/guide.md': '# Guide\n\n1. Open **Settings**.\n\n    ![](img/ui.png)\n\n```md\n![](img/not-this.png)\n```\n\n<img src="/docs/img/photo.jpg" alt>\n',
  'docs/other.md': 'Same picture again: ![ ](img/ui-copy.png) and ![Has alt](img/ui.png) and ![image](img/photo.jpg)\n',
  'docs/page.mdx': "import Tip from './Tip';\n\n# Page\n\n![](img/ui.png)\n\n<Image src=\"img/photo.jpg\" />\n",
  'docs/case.md': '# Media\n\n![](../Media/Intro.png) and ![Intro diagram](../media/INTRO.PNG)\n\n![](img/gone.png)\n',
  'docs/escapes.md': '![](img/bad%zzname.png) ![](/../../etc/passwd.png) ![](img/ui.png)\n',
  'docs/ok.md': '![Fine](img/ui.png)\n',
};

async function makeTree(): Promise<void> {
  dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'di-alt-cli-')));
  await fs.mkdir(path.join(dir, 'docs', 'img'), { recursive: true });
  await fs.mkdir(path.join(dir, 'media'), { recursive: true });
  await fs.copyFile(image('ui.png'), path.join(dir, 'docs', 'img', 'ui.png'));
  await fs.copyFile(image('ui.png'), path.join(dir, 'docs', 'img', 'ui-copy.png'));
  await fs.copyFile(image('photo.jpg'), path.join(dir, 'docs', 'img', 'photo.jpg'));
  await fs.copyFile(image('ui.png'), path.join(dir, 'docs', 'img', 'bad%zzname.png'));
  await fs.copyFile(image('small.webp'), path.join(dir, 'media', 'intro.PNG'));
  for (const [rel, text] of Object.entries(FILES)) await fs.writeFile(path.join(dir, rel), text);
}

before(() => server.start());
after(() => server.stop());
beforeEach(async () => {
  server.requests.length = 0;
  server.script.length = 0;
  server.latencyMs = 0;
  server.answer = ANSWER;
  await makeTree();
});

/**
 * How to run the CLI so that a folder without permissions really can't be read: as root, with the capabilities that
 * override permissions dropped (setpriv), since root reads any folder; as anyone else, as it is. Undefined when this
 * machine can't do it.
 */
function obeyingPermissions(): string[] | undefined {
  if (process.getuid?.() !== 0) return [];
  const wrap = ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-all'];
  return spawnSync(wrap[0] as string, [...wrap.slice(1), 'true']).status === 0 ? wrap : undefined;
}

/** Does `folder` really fail to be read by a process run through `wrap`? (The premise of the tests that use it.) */
function unreadableFor(wrap: readonly string[], folder: string): string {
  const [command, ...prefix] = [...wrap, process.execPath];
  const r = spawnSync(command as string, [...prefix, '-e', 'try { require("fs").readdirSync(process.argv[1]); } catch (e) { process.stdout.write(e.code); }', folder], { encoding: 'utf8' });
  return r.stdout;
}

describe('alt-text check', () => {
  it('prints path:line:column rule message for every rule, exits 1, and sends nothing', async () => {
    const r = await run(['check', 'docs']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stdout,
      [
        'docs/case.md:3:1 alt-missing image without alt text: ../Media/Intro.png',
        'docs/case.md:3:1 image-path-case link "../Media/Intro.png" differs in letter case from the file "../media/intro.PNG": broken on case-sensitive file systems',
        'docs/case.md:3:29 image-path-case link "../media/INTRO.PNG" differs in letter case from the file "../media/intro.PNG": broken on case-sensitive file systems',
        'docs/case.md:5:1 alt-missing image without alt text: img/gone.png',
        'docs/case.md:5:1 image-missing no such file: img/gone.png',
        'docs/escapes.md:1:1 alt-missing image without alt text: img/bad%zzname.png',
        'docs/escapes.md:1:25 alt-missing image without alt text: /../../etc/passwd.png',
        'docs/escapes.md:1:25 image-missing not checked: /../../etc/passwd.png leads outside the docs root; it is not read',
        'docs/escapes.md:1:52 alt-missing image without alt text: img/ui.png',
        'docs/guide.md:5:5 alt-missing image without alt text: img/ui.png',
        'docs/guide.md:11:1 alt-missing image without alt text: /docs/img/photo.jpg',
        'docs/other.md:1:21 alt-missing image without alt text: img/ui-copy.png',
        'docs/other.md:1:74 alt-uninformative alt text "image" is a placeholder or a generic word: say what img/photo.jpg shows',
        'docs/page.mdx:5:1 alt-missing image without alt text: img/ui.png',
        'docs/page.mdx:7:1 alt-missing image without alt text: img/photo.jpg',
        '',
      ].join('\n'),
    );
    assert.match(r.stderr, /15 finding\(s\) in 5 file\(s\); 6 file\(s\) checked\./, 'the files with findings, then the files checked');
    assert.equal(sent().length, 0);
    const quiet = await run(['check', '--disable', 'alt-missing,alt-uninformative', '--disable=image-missing', 'docs']);
    assert.deepEqual(quiet.stdout.trim().split('\n').map((l) => l.split(' ')[1]), ['image-path-case', 'image-path-case']);
    assert.equal((await run(['check', 'docs/ok.md'])).code, 0);
  });

  it('alt-duplicate is reported (text, SARIF note, GitHub notice) without making check exit 1; with another finding it still fails', async () => {
    await fs.mkdir(path.join(dir, 'dup'), { recursive: true });
    await fs.copyFile(image('ui.png'), path.join(dir, 'dup', 'a.png'));
    await fs.copyFile(image('ui.png'), path.join(dir, 'dup', 'b.png'));
    await fs.writeFile(path.join(dir, 'dup', 'page.md'), '# Settings\n\n![The settings panel](a.png)\n\n![The settings panel](b.png)\n');
    const text = await run(['check', 'dup']);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, 'dup/page.md:5:1 alt-duplicate same alt text as the image at line 3 (a.png): say what this one shows that the other does not\n');
    const sarif = JSON.parse((await run(['check', '--format', 'sarif', 'dup'])).stdout) as { runs: { results: { ruleId: string; level: string }[] }[] };
    assert.deepEqual(sarif.runs[0]?.results.map((r) => `${r.ruleId} ${r.level}`), ['alt-duplicate note']);
    assert.match((await run(['check', '--format', 'github', 'dup'])).stdout, /^::notice file=dup\/page\.md,line=5,col=1,title=alt-duplicate::/);
    await fs.writeFile(path.join(dir, 'dup', 'page.md'), '![The settings panel](a.png)\n\n![The settings panel](b.png)\n\n![image](a.png)\n');
    assert.equal((await run(['check', 'dup'])).code, 1);
  });

  it('--format json, sarif and github', async () => {
    const j = JSON.parse((await run(['check', '--format', 'json', 'docs/case.md'])).stdout) as { files: number; findings: { rule: string }[] };
    assert.equal(j.files, 1);
    assert.deepEqual(j.findings.map((f) => f.rule), ['alt-missing', 'image-path-case', 'image-path-case', 'alt-missing', 'image-missing']);
    const s = JSON.parse((await run(['check', '--format', 'sarif', 'docs/case.md'])).stdout) as { version: string; runs: { results: unknown[] }[] };
    assert.equal(s.version, '2.1.0');
    assert.equal(s.runs[0]?.results.length, 5);
    const g = await run(['check', '--format', 'github', 'docs/case.md']);
    assert.match(g.stdout, /^::warning file=docs\/case\.md,line=5,col=1,title=image-missing::no such file: img\/gone\.png$/m);
    assert.equal((await run(['check', '--format', 'xml', 'docs'])).code, 2);
  });

  it('a path that does not exist or a glob that matches nothing is exit 2 with a message, as in ESLint (a typo must not pass in CI)', async () => {
    const cases: [string[], RegExp][] = [
      [['check', 'nothere.md'], /^describe-image alt-text: nothere\.md: no such file or folder\.$/m],
      [['check', 'docs/**/*.rst'], /^describe-image alt-text: docs\/\*\*\/\*\.rst matches no Markdown, MDX, HTML, JSX or TSX file \(/m],
      [['check', 'docs/ok.md', 'docs/oops.md'], /^describe-image alt-text: docs\/oops\.md: no such file or folder\.$/m],
      [['check', '--format', 'json', 'media'], /^describe-image alt-text: media holds no Markdown, MDX, HTML, JSX or TSX file/m],
      [['fix', 'nothere.md'], /nothere\.md: no such file or folder/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      // No report of nothing; with JSON output asked, the failure as a JSON error object (nothing else).
      if (args.includes('json')) assert.deepEqual(Object.keys(JSON.parse(r.stdout) as object), ['error']);
      else assert.equal(r.stdout, '', 'no report of nothing');
    }
    assert.equal(sent().length, 0);
    const clean = await run(['check', 'docs/ok.md']);
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stderr, /0 finding\(s\) in 0 file\(s\); 1 file\(s\) checked\./);
  });

  it('started in / (as MCP clients start servers), a glob or a folder is refused instead of searching the whole disk', async () => {
    for (const pattern of ['**/*.md', '.', '*/share/doc/*.md', '/']) {
      const started = Date.now();
      const r = await run(['check', pattern], {}, (child) => setTimeout(() => child.kill(), 20_000), [], '/');
      assert.equal(r.code, 2, `${pattern}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${pattern.replace(/[.*/]/g, '\\$&')} would search the whole disk from /: run it in the folder of your docs`));
      assert.ok(Date.now() - started < 15_000, `${pattern}: answered in ${Date.now() - started} ms`);
    }
    // A folder further down is searched as usual (this one holds the test's docs).
    const below = await run(['check', path.join(dir, 'docs', 'ok.md')], {}, undefined, [], '/');
    assert.equal(below.code, 0, below.stderr);
  });

  it('--docs-root must stay inside the current folder (a site-absolute link must not read /etc); a folder named "..site" is inside', async () => {
    await fs.writeFile(path.join(dir, 'docs', 'abs.md'), '![](/etc/hostname.png) ![](/img/ui.png)\n');
    for (const root of ['..', '/', path.dirname(dir)]) {
      const r = await run(['fix', '--docs-root', root, 'docs/abs.md']);
      assert.equal(r.code, 2, `${root}: ${r.stderr}`);
      assert.match(r.stderr, /--docs-root .* leads outside the current folder/);
    }
    assert.equal(sent().length, 0);
    await fs.mkdir(path.join(dir, '..site', 'img'), { recursive: true });
    await fs.copyFile(image('ui.png'), path.join(dir, '..site', 'img', 'ui.png'));
    const inside = await run(['check', '--docs-root', '..site', 'docs/abs.md']);
    assert.deepEqual(inside.stdout.trim().split('\n').map((l) => l.split(' ').slice(0, 2).join(' ')), ['docs/abs.md:1:1 alt-missing', 'docs/abs.md:1:1 image-missing', 'docs/abs.md:1:24 alt-missing']);
  });

  it('refuses globs that lead out of the folder with a clear message, not a stack trace', async () => {
    for (const glob of ['../**/*.md', path.join(os.tmpdir(), '**', '*.md')]) {
      const r = await run(['check', glob]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /outside/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});

describe('folders and files that cannot be read or written', () => {
  const wrap = obeyingPermissions();
  const locked = () => path.join(dir, 'locked');
  beforeEach(async () => {
    await fs.mkdir(path.join(locked(), 'deeper'), { recursive: true });
    await fs.writeFile(path.join(locked(), 'deeper', 'hidden.md'), '![](x.png)\n');
    await fs.writeFile(path.join(locked(), '.gitignore'), '*.md\n');
    await fs.chmod(locked(), 0o000);
  });
  const unlock = () => fs.chmod(locked(), 0o755);

  it('check of one file reads nothing else: an unreadable folder beside it is not even opened', { skip: wrap ? false : 'no way to make a folder unreadable here (root, no setpriv)' }, async () => {
    try {
      assert.equal(unreadableFor(wrap ?? [], locked()), 'EACCES', 'the folder really cannot be read');
      const r = await run(['check', 'docs/ok.md'], {}, undefined, wrap);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at |EACCES|locked/, r.stderr);
      assert.match(r.stderr, /0 finding\(s\)/);
    } finally {
      await unlock();
    }
  });

  it('a glob over the tree skips an unreadable folder with a warning, and the rest is checked and fixed', { skip: wrap ? false : 'no way to make a folder unreadable here (root, no setpriv)' }, async () => {
    try {
      const check = await run(['check', '**/*.md'], {}, undefined, wrap);
      assert.equal(check.code, 1, check.stderr);
      assert.doesNotMatch(check.stderr, /\n\s+at /, 'no stack trace');
      assert.match(check.stderr, /warning: the folder locked can't be read \(EACCES\); it is skipped/);
      assert.match(check.stdout, /^docs\/guide\.md:5:5 alt-missing/m);
      const fix = await run(['fix', '**/*.md'], {}, undefined, wrap);
      assert.match(fix.stderr, /warning: the folder locked can't be read \(EACCES\); it is skipped/);
      assert.doesNotMatch(fix.stderr, /\n\s+at /, 'no stack trace');
      assert.match(await read('docs/guide.md'), /!\[A 160x100/);
    } finally {
      await unlock();
    }
  });

  it('many unreadable folders: the first ten are named, the rest counted', { skip: wrap ? false : 'no way to make a folder unreadable here (root, no setpriv)' }, async () => {
    await unlock();
    const folders = Array.from({ length: 14 }, (_, i) => path.join(dir, 'many', `f${String(i).padStart(2, '0')}`));
    await fs.mkdir(path.join(dir, 'many'), { recursive: true });
    await fs.writeFile(path.join(dir, 'many', 'readme.md'), '# Many folders\n');
    for (const f of folders) {
      await fs.mkdir(f, { recursive: true });
      await fs.chmod(f, 0o000);
    }
    try {
      const r = await run(['check', 'many', 'docs/ok.md'], {}, undefined, wrap);
      assert.equal(r.code, 0, r.stderr);
      const warnings = r.stderr.split('\n').filter((l) => l.includes('warning:'));
      assert.deepEqual(warnings.slice(0, 10), folders.slice(0, 10).map((f) => `describe-image alt-text: warning: the folder ${path.relative(dir, f)} can't be read (EACCES); it is skipped`));
      assert.deepEqual(warnings.slice(10), ['describe-image alt-text: warning: and 4 more folder(s) or file(s) that can\'t be read; they are skipped']);
    } finally {
      for (const f of folders) await fs.chmod(f, 0o755);
    }
  });

  it('a file in a folder that cannot be written is skipped with the reason; the others are written; no stack trace', { skip: wrap ? false : 'no way to make a folder read-only here (root, no setpriv)' }, async () => {
    await unlock();
    await fs.mkdir(path.join(dir, 'docs', 'readonly'), { recursive: true });
    await fs.writeFile(path.join(dir, 'docs', 'readonly', 'page.md'), '![](../img/ui.png)\n');
    await fs.chmod(path.join(dir, 'docs', 'readonly'), 0o555);
    try {
      const r = await run(['fix', 'docs/readonly/page.md', 'docs/guide.md'], {}, undefined, wrap);
      assert.equal(r.code, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.match(r.stderr, /skipped docs\/readonly\/page\.md: it can't be written \(EACCES\)/);
      assert.equal(await read('docs/readonly/page.md'), '![](../img/ui.png)\n');
      assert.match(await read('docs/guide.md'), /!\[A 160x100/);
      assert.deepEqual(await fs.readdir(path.join(dir, 'docs', 'readonly')), ['page.md'], 'no temporary file left');
    } finally {
      await fs.chmod(path.join(dir, 'docs', 'readonly'), 0o755);
    }
  });
});

describe('alt-text fix', () => {
  it('fills every missing alt text with valid syntax: bare alt, MDX braces, a malformed % escape; refuses to climb out', async () => {
    const r = await run(['fix', 'docs']);
    assert.equal(r.code, 1, r.stderr); // gone.png and /../../etc/passwd.png are skipped
    assert.match(r.stderr, /skipped docs\/case\.md:5:1: no such file: img\/gone\.png; not sent/);
    assert.match(r.stderr, /skipped docs\/escapes\.md:1:25: \/\.\.\/\.\.\/etc\/passwd\.png leads outside the docs root/);
    const alt = 'A 160x100 {config} <Panel> | "quoted" picture.';
    assert.equal(await read('docs/guide.md'), FILES['docs/guide.md']?.replace('![](img/ui.png)', '![A 160x100 {config} \\<Panel> \\| "quoted" picture.](img/ui.png)').replace('alt>', 'alt="A 120x80 {config} &lt;Panel&gt; &#124; &quot;quoted&quot; picture.">'));
    assert.deepEqual(await imagesOf('docs/page.mdx'), [
      { src: 'img/ui.png', alt },
      { src: 'img/photo.jpg', alt: alt.replace('160x100', '120x80') },
    ]);
    assert.match(await read('docs/page.mdx'), /!\[A 160x100 \\\{config\\\} \\<Panel> \\\| "quoted" picture\.\]\(img\/ui\.png\)/);
    assert.deepEqual(await imagesOf('docs/escapes.md'), [
      { src: 'img/bad%zzname.png', alt },
      { src: '/../../etc/passwd.png', alt: '' },
      { src: 'img/ui.png', alt },
    ]);
    assert.deepEqual(await imagesOf('docs/case.md'), [
      { src: '../Media/Intro.png', alt: alt.replace('160x100', '64x40') },
      { src: '../media/INTRO.PNG', alt: 'Intro diagram' },
      { src: 'img/gone.png', alt: '' },
    ]);
    assert.equal(await read('docs/other.md'), FILES['docs/other.md']?.replace('![ ]', `![${alt.replace(/[<|]/g, '\\$&')}]`), 'whitespace-only alt is filled; generic alt is left without --rewrite-uninformative');
    // Three distinct images (ui, photo, intro), each once per context it is used in: ui.png in four (guide, other,
    // page, and escapes.md twice in the same context: one request), photo.jpg in two, intro once; nothing for passwd
    // or gone.png.
    assert.equal(sent().length, 7);
    assert.ok(sent().every((q) => q.images.length === 1));
    const sizes = sent().map((q) => `${q.images[0]?.width}x${q.images[0]?.height}`);
    assert.deepEqual([...new Set(sizes)].sort(), ['120x80', '160x100', '64x40']);
    const asked = sent().map((q) => JSON.stringify(q.body?.['messages']));
    assert.equal(new Set(asked).size, asked.length, 'no image asked twice in the same context');
    assert.match(r.stderr, /\n[^\n]*: 5 uses of docs\/img\/bad%zzname\.png \(and 2 identical file\(s\)\) got 4 alt texts \(4 different contexts\); 2 uses of docs\/img\/photo\.jpg got their own alt text \(different contexts\)\.\n/);
    const again = await run(['fix', 'docs']);
    assert.equal(sent().length, 7, 'the cache makes the rerun free');
    assert.match(again.stderr, /nothing to fill|filled 0/);
  });

  it('whitespace-only alt is missing alt text in every syntax: reported as alt-missing and filled; alt="" stays decorative', async () => {
    const blank: Record<string, string> = {
      'docs/blank/page.md': '# Blank\n\n![ ](../img/ui.png) and <img src="../img/photo.jpg" alt="&nbsp;"> and <img src="../img/ui.png" alt="">\n',
      'docs/blank/page.html': '<!doctype html><title>t</title><p><img src="../img/photo.jpg" alt=" "> <img src="../img/ui.png" alt=""></p>\n',
      'docs/blank/page.tsx': 'export const P = () => (\n  <p>\n    <img src="../img/ui.png" alt={" "} />\n    <img src="../img/photo.jpg" alt="" />\n  </p>\n);\n',
      'docs/blank/page.mdx': '# Blank\n\n<img src="../img/photo.jpg" alt="  " />\n\n![\t](../img/ui.png)\n',
    };
    for (const [rel, text] of Object.entries(blank)) {
      await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await fs.writeFile(path.join(dir, rel), text);
    }
    const check = await run(['check', 'docs/blank']);
    assert.equal(check.code, 1, check.stderr);
    assert.deepEqual(check.stdout.trim().split('\n').map((l) => l.split(' ').slice(0, 2).join(' ')), [
      'docs/blank/page.html:1:35 alt-missing',
      'docs/blank/page.md:3:1 alt-missing',
      'docs/blank/page.md:3:25 alt-missing',
      'docs/blank/page.mdx:3:1 alt-missing',
      'docs/blank/page.mdx:5:1 alt-missing',
      'docs/blank/page.tsx:3:5 alt-missing',
    ]);
    const r = await run(['fix', 'docs/blank']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /filled 6 of 6 image\(s\) in 4 file\(s\)/);
    const ui = 'A 160x100 {config} <Panel> | "quoted" picture.';
    const photo = 'A 120x80 {config} <Panel> | "quoted" picture.';
    assert.deepEqual(await imagesOf('docs/blank/page.md'), [
      { src: '../img/ui.png', alt: ui },
      { src: '../img/photo.jpg', alt: photo },
      { src: '../img/ui.png', alt: '' },
    ]);
    assert.deepEqual(await imagesOf('docs/blank/page.html'), [
      { src: '../img/photo.jpg', alt: photo },
      { src: '../img/ui.png', alt: '' },
    ]);
    assert.deepEqual(await imagesOf('docs/blank/page.tsx'), [
      { src: '../img/ui.png', alt: ui },
      { src: '../img/photo.jpg', alt: '' },
    ]);
    assert.deepEqual(await imagesOf('docs/blank/page.mdx'), [
      { src: '../img/photo.jpg', alt: photo },
      { src: '../img/ui.png', alt: ui },
    ]);
    assert.match(await read('docs/blank/page.html'), /<img src="\.\.\/img\/ui\.png" alt="">/, 'the decorative alt="" is kept');
    const again = await run(['check', 'docs/blank']);
    assert.equal(again.code, 0, again.stdout);
  });

  it('never rewrites a file that is not UTF-8 (Latin-1): says which and skips it; check reports it; nothing is sent for it', async () => {
    const latin1 = Buffer.from('# Café\n\nLe résumé : ![](img/ui.png)\n\n<img src="img/photo.jpg">\n', 'latin1');
    const page = Buffer.from('<!doctype html><title>Ça</title><p>Déjà vu <img src="img/photo.jpg"></p>\n', 'latin1');
    await fs.writeFile(path.join(dir, 'docs', 'latin1.md'), latin1);
    await fs.writeFile(path.join(dir, 'docs', 'latin1.html'), page);
    const r = await run(['fix', 'docs/latin1.md', 'docs/latin1.html', 'docs/guide.md']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /skipped docs\/latin1\.md:1:1: not valid UTF-8 \(line 1\)/);
    assert.match(r.stderr, /skipped docs\/latin1\.html:1:1: not valid UTF-8 \(line 1\)/);
    assert.deepEqual(await fs.readFile(path.join(dir, 'docs', 'latin1.md')), latin1, 'the file is byte for byte as it was');
    assert.deepEqual(await fs.readFile(path.join(dir, 'docs', 'latin1.html')), page);
    assert.match(await read('docs/guide.md'), /!\[A 160x100/, 'the UTF-8 file beside them is fixed');
    assert.equal(sent().length, 2, 'only guide.md\'s two images were sent');
    const check = await run(['check', '--format', 'json', 'docs/latin1.md']);
    assert.equal(check.code, 1);
    const report = JSON.parse(check.stdout) as { errors: { file: string; line: number; message: string }[] };
    assert.deepEqual(report.errors.map((e) => [e.file, e.line]), [['docs/latin1.md', 1]]);
    assert.match(report.errors[0]?.message ?? '', /not valid UTF-8/);
  });

  it('a file that starts with a byte order mark is fixed and keeps its BOM, byte for byte', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const text = '# Guide\r\n\r\nThe panel: ![](img/ui.png)\r\n\r\n<img src="img/photo.jpg" alt=" ">\r\n';
    await fs.writeFile(path.join(dir, 'docs', 'bom.md'), Buffer.concat([bom, Buffer.from(text)]));
    const r = await run(['fix', 'docs/bom.md']);
    assert.equal(r.code, 0, r.stderr);
    const expected = text
      .replace('![](img/ui.png)', '![A 160x100 {config} \\<Panel> \\| "quoted" picture.](img/ui.png)')
      .replace('alt=" "', 'alt="A 120x80 {config} &lt;Panel&gt; &#124; &quot;quoted&quot; picture."');
    assert.deepEqual(await fs.readFile(path.join(dir, 'docs', 'bom.md')), Buffer.concat([bom, Buffer.from(expected)]));
  });

  it('--rewrite-uninformative and --fix-path-case', async () => {
    const r = await run(['fix', '--rewrite-uninformative', '--fix-path-case', 'docs/other.md', 'docs/case.md']);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(await imagesOf('docs/other.md'), [
      { src: 'img/ui-copy.png', alt: 'A 160x100 {config} <Panel> | "quoted" picture.' },
      { src: 'img/ui.png', alt: 'Has alt' },
      { src: 'img/photo.jpg', alt: 'A 120x80 {config} <Panel> | "quoted" picture.' },
    ]);
    assert.deepEqual(await imagesOf('docs/case.md'), [
      { src: '../media/intro.PNG', alt: 'A 64x40 {config} <Panel> | "quoted" picture.' },
      { src: '../media/intro.PNG', alt: 'Intro diagram' },
      { src: 'img/gone.png', alt: '' },
    ]);
    assert.match(r.stderr, /fixed the letter case of 2 link\(s\)/);
    const check = await run(['check', '--disable', 'alt-missing', 'docs/case.md', 'docs/other.md']);
    assert.deepEqual(check.stdout.trim().split('\n').map((l) => l.split(' ')[1]), ['image-missing']);
  });

  it('--dry-run prints a diff that git applies, and writes nothing', async () => {
    const r = await run(['fix', '--dry-run', '--fix-path-case', 'docs/guide.md', 'docs/case.md']);
    assert.equal(await read('docs/guide.md'), FILES['docs/guide.md']);
    assert.match(r.stdout, /^--- a\/docs\/case\.md\n\+\+\+ b\/docs\/case\.md\n@@ /m);
    await fs.writeFile(path.join(dir, 'fix.diff'), r.stdout);
    spawnSync('git', ['init', '-q'], { cwd: dir });
    const apply = spawnSync('git', ['apply', '--check', '--verbose', 'fix.diff'], { cwd: dir, encoding: 'utf8' });
    assert.equal(apply.status, 0, apply.stderr);
  });

  it('a wrong key stops at the first answer with one message, and writes nothing', async () => {
    const r = await run(['fix', '--concurrency', '1', 'docs'], { AZURE_OPENAI_API_KEY: 'wrong-key-1234' });
    assert.equal(r.code, 1);
    assert.equal(sent().length, 1);
    assert.equal(r.stderr.match(/\b401\b/g)?.length, 1, r.stderr); // not the 401 of a port such as 127.0.0.1:40153
    assert.match(r.stderr, /Nothing was written/);
    assert.equal(await read('docs/guide.md'), FILES['docs/guide.md']);
  });

  it('Ctrl+C is a cancel: exit 130, nothing written', async () => {
    server.latencyMs = 3000;
    // Ctrl+C while the first request is out (not after a fixed time: a busy machine may still be loading the CLI).
    const r = await run(['fix', 'docs'], {}, (child) => server.events.once('received', () => child.kill('SIGINT')));
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /cancelled; nothing was written/);
    assert.equal(await read('docs/guide.md'), FILES['docs/guide.md']);
  });

  it('never overwrites a file that changed while the alt text was generated', async () => {
    // The writer adds a line when the first request arrives: after the file was read, before anything is written.
    let added = false;
    server.answer = (req) => {
      if (!added) appendFileSync(path.join(dir, 'docs', 'guide.md'), '\nA line the writer added.\n');
      added = true;
      return ANSWER(req);
    };
    const r = await run(['fix', 'docs/guide.md', 'docs/ok.md']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /skipped docs\/guide\.md: it changed since it was read; not written/);
    assert.match(await read('docs/guide.md'), /A line the writer added\.\n$/);
    assert.match(await read('docs/guide.md'), /!\[\]\(img\/ui\.png\)/);
  });
});
