/**
 * The file-system side of alt text, on real temporary trees: links resolve inside the root (and letter case is matched
 * per segment), symbolic links do not lead out, malformed escapes do not crash, globs that leave the root are refused,
 * nested .gitignore files are honoured, limits are reported, and writes are atomic and never clobber a changed file.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PathScope } from '../../../src/core/agent';
import { listDocFiles, normalisePattern } from '../../../src/core/docs';
import { isInside, leadsOut, resolveImageLink } from '../../../src/core/docs';
import { contentHash, writeFileSafely } from '../../../src/core/docs';

let root = '';
let outside = '';
const file = (...p: string[]) => path.join(root, ...p);
async function put(rel: string, content = 'x'): Promise<void> {
  await fs.mkdir(path.dirname(file(rel)), { recursive: true });
  await fs.writeFile(file(rel), content);
}

before(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'di-fs-')));
  outside = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'di-outside-')));
  await fs.writeFile(path.join(outside, 'secret.png'), 'secret');
  for (const f of ['docs/guide.md', 'docs/media/Intro.PNG', 'docs/media/plain.png', 'docs/Media2/deep/Pic.Png', 'static/img/logo.png', 'docs/img one.png', 'docs/bad%zzname.png']) await put(f);
  await fs.symlink(path.join(outside, 'secret.png'), file('docs', 'media', 'escape.png'));
  await fs.symlink(file('docs', 'media', 'plain.png'), file('docs', 'media', 'inside-link.png'));
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
  await fs.rm(outside, { recursive: true, force: true });
});

describe('resolving image links', () => {
  const roots = () => ({ documentPath: file('docs', 'guide.md'), root, docsRoot: file('static') });

  it('resolves relative, encoded and site-absolute links inside the root', async () => {
    assert.deepEqual(await resolveImageLink('media/plain.png', roots()), { kind: 'file', path: file('docs/media/plain.png'), realName: 'docs/media/plain.png', caseMismatch: false, caseFixedSrc: undefined });
    assert.equal((await resolveImageLink('img%20one.png?raw=1#x', roots())).kind, 'file');
    assert.equal((await resolveImageLink('/img/logo.png', roots())).kind, 'file');
    assert.deepEqual(await resolveImageLink('https://example.com/a.png', roots()), { kind: 'url', url: 'https://example.com/a.png' });
  });

  it('a malformed % escape is a name, not a crash', async () => {
    const r = await resolveImageLink('bad%zzname.png', roots());
    assert.equal(r.kind, 'file');
    assert.equal((await resolveImageLink('nope%E0%A4%A.png', roots())).kind, 'missing');
  });

  it('refuses links that climb out of the root or the docs root, other schemes, and drive paths', async () => {
    for (const src of ['../../../../etc/passwd.png', `${'../'.repeat(10)}x.png`, '/../../etc/x.png', '/../docs/guide.md', 'C:/Windows/x.png', 'file:///etc/x.png', 'mailto:a@b.c']) {
      const r = await resolveImageLink(src, roots());
      assert.equal(r.kind, 'refused', `${src}: ${JSON.stringify(r)}`);
    }
    assert.equal((await resolveImageLink('data:image/png;base64,AAAA', roots())).kind, 'refused');
  });

  it('refuses a symbolic link that leads outside; follows one that stays inside', async () => {
    const r = await resolveImageLink('media/escape.png', roots());
    assert.equal(r.kind, 'refused');
    assert.equal((await resolveImageLink('media/inside-link.png', roots())).kind, 'file');
  });

  it('matches letter case per segment and gives the link spelled as the files are', async () => {
    const r = await resolveImageLink('media/intro.png', roots());
    assert.deepEqual(r, { kind: 'file', path: file('docs/media/Intro.PNG'), realName: 'docs/media/Intro.PNG', caseMismatch: true, caseFixedSrc: 'media/Intro.PNG' });
    const deep = await resolveImageLink('./media2/DEEP/pic.png#frag', roots());
    assert.equal(deep.kind === 'file' && deep.caseFixedSrc, './Media2/deep/Pic.Png#frag');
    assert.equal((await resolveImageLink('media/intro.jpg', roots())).kind, 'missing', 'not a fuzzy match');
  });
});

describe('listing docs files', () => {
  before(async () => {
    await put('.gitignore', 'build/\n*.tmp.md\n');
    await put('docs/.gitignore', 'drafts/\nsecret.md\n');
    for (const f of ['docs/a.md', 'docs/b.mdx', 'docs/drafts/c.md', 'docs/secret.md', 'docs/sub/secret.md', 'build/out.md', 'x.tmp.md', 'node_modules/pkg/readme.md', 'site/index.html', 'src/App.tsx', 'src/util.ts']) await put(f);
  });

  it('honours nested .gitignore files, leaves out node_modules, takes a folder name as "everything in it"', async () => {
    const all = await listDocFiles(root, ['.']);
    assert.deepEqual(all.files, ['docs/a.md', 'docs/b.mdx', 'docs/guide.md', 'site/index.html', 'src/App.tsx']);
    assert.deepEqual((await listDocFiles(root, ['docs'])).files, ['docs/a.md', 'docs/b.mdx', 'docs/guide.md']);
    assert.deepEqual((await listDocFiles(root, ['**/*.md'])).files, ['docs/a.md', 'docs/guide.md']);
  });

  it('refuses globs that lead out of the root (absolute or ../), instead of crashing', async () => {
    const r = await listDocFiles(path.join(root, 'docs'), ['../**/*.md', path.join(outside, '**/*.md'), path.join(root, 'docs', '*.md')]);
    assert.equal(r.refused.length, 2, r.refused.join('\n'));
    assert.deepEqual(r.files, ['a.md', 'guide.md']);
  });

  it('says which patterns gave no documentation file, and why', async () => {
    await put('notes/readme.txt');
    await fs.symlink(path.join(outside, 'secret.png'), file('docs', 'out.md'));
    const r = await listDocFiles(root, ['docs/a.md', 'nothere.md', 'docs/**/*.rst', 'notes', 'notes/readme.txt', 'docs/secret.md', 'docs/out.md', 'node_modules/pkg/readme.md']);
    assert.deepEqual(r.files, ['docs/a.md']);
    assert.deepEqual(r.unmatched, [
      'nothere.md: no such file or folder',
      'docs/**/*.rst matches no Markdown, MDX, HTML, JSX or TSX file (node_modules, .git, hidden files and what .gitignore says are left out)',
      'notes holds no Markdown, MDX, HTML, JSX or TSX file (node_modules, .git, hidden files and what .gitignore says are left out)',
      'notes/readme.txt is not a Markdown, MDX, HTML, JSX or TSX file',
      'docs/secret.md is left out by .gitignore',
      'docs/out.md is a symbolic link; links to files are not followed',
      'node_modules/pkg/readme.md is left out (node_modules, .git, hidden files and what .gitignore says are left out)',
    ]);
    assert.deepEqual((await listDocFiles(root, ['docs', '**/*.md', '!docs/a.md'])).unmatched, [], 'patterns that found files are not reported');
    assert.deepEqual((await listDocFiles(root, ['.'], { limit: 1 })).unmatched, [], 'nor one cut by the limit');
    await fs.rm(file('docs', 'out.md'));
  });

  it('says when a limit stopped it', async () => {
    const r = await listDocFiles(root, ['.'], { limit: 2 });
    assert.deepEqual(r, { files: ['docs/a.md', 'docs/b.mdx'], truncated: true, refused: [], unreadable: [], unmatched: [] });
  });
});

describe('names that start with ".." are names inside the folder', () => {
  before(async () => {
    await put('dots/..dots.png');
    await put('dots/..notes.md', '![](..dots.png)\n');
    await put('dots/sub/page.md', '![](../..dots.png)\n');
  });

  it('a path leads out only when its first segment is ".."', () => {
    for (const rel of ['..', '../x.png', `..${path.sep}x.png`, '../..', path.resolve('/elsewhere')]) assert.equal(leadsOut(rel), true, rel);
    for (const rel of ['', '.', '..dots.png', '..notes.md', '...', '..a/b.png', 'a/../b.png', 'a/..b']) assert.equal(leadsOut(rel), false, rel);
    assert.equal(isInside(root, file('dots', '..dots.png')), true);
    assert.equal(isInside(root, file('..notes')), true);
    assert.equal(isInside(file('dots'), root), false);
    assert.equal(isInside(file('dots'), `${file('dots')}..evil`), false, 'a sibling whose name extends the folder\'s is outside');
  });

  it('links, listings, absolute patterns, writes and the tools\' scope take "..name" as a name inside', async () => {
    const dots = file('dots');
    const doc = path.join(dots, '..notes.md');
    const link = (src: string, documentPath = doc) => resolveImageLink(src, { documentPath, root: dots }).then((r) => r.kind);
    const scope = new PathScope([dots]);
    const outcome = {
      link: await link('..dots.png'),
      linkFromSub: await link('../..dots.png', path.join(dots, 'sub', 'page.md')),
      siteAbsolute: await link('/..dots.png'),
      listed: (await listDocFiles(dots, ['..notes.md'])).files,
      listedAbsolute: (await listDocFiles(dots, [doc])).files,
      pattern: normalisePattern(doc, dots),
      written: await writeFileSafely(doc, '![Dots](..dots.png)\n', contentHash('![](..dots.png)\n'), dots),
      tool: await scope.file('..dots.png').catch((e: Error) => e.message),
    };
    assert.deepEqual(outcome, {
      link: 'file',
      linkFromSub: 'file',
      siteAbsolute: 'file',
      listed: ['..notes.md'],
      listedAbsolute: ['..notes.md'],
      pattern: '..notes.md',
      written: { ok: true },
      tool: path.join(dots, '..dots.png'),
    });
    assert.equal(await link('../guide.md'), 'refused', 'a real ".." still leads out');
    await assert.rejects(scope.file('../docs/guide.md'), /outside the workspace/);
  });
});

describe('writing files safely', () => {
  it('writes atomically and keeps the permissions', async () => {
    await put('w/a.md', 'old');
    await fs.chmod(file('w/a.md'), 0o640);
    assert.deepEqual(await writeFileSafely(file('w/a.md'), 'new', contentHash('old'), root), { ok: true });
    assert.equal(await fs.readFile(file('w/a.md'), 'utf8'), 'new');
    assert.equal((await fs.stat(file('w/a.md'))).mode & 0o777, 0o640);
    assert.deepEqual((await fs.readdir(file('w'))).sort(), ['a.md'], 'no temporary file left behind');
  });

  it('never overwrites a file that changed since it was read', async () => {
    await put('w/b.md', 'edited by someone');
    const r = await writeFileSafely(file('w/b.md'), 'ours', contentHash('as we read it'), root);
    assert.equal(r.ok, false);
    assert.equal(await fs.readFile(file('w/b.md'), 'utf8'), 'edited by someone');
  });

  it('never writes through a symbolic link out of the tree; writes the target of one inside it', async () => {
    await fs.writeFile(path.join(outside, 'doc.md'), 'theirs');
    await fs.symlink(path.join(outside, 'doc.md'), file('w/link-out.md'));
    assert.equal((await writeFileSafely(file('w/link-out.md'), 'ours', contentHash('theirs'), root)).ok, false);
    assert.equal(await fs.readFile(path.join(outside, 'doc.md'), 'utf8'), 'theirs');
    await put('w/target.md', 'v1');
    await fs.symlink(file('w/target.md'), file('w/link-in.md'));
    assert.deepEqual(await writeFileSafely(file('w/link-in.md'), 'v2', contentHash('v1'), root), { ok: true });
    assert.equal((await fs.lstat(file('w/link-in.md'))).isSymbolicLink(), true, 'the link stays a link');
    assert.equal(await fs.readFile(file('w/target.md'), 'utf8'), 'v2');
  });
});
