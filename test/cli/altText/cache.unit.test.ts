/**
 * Where `alt-text fix` keeps its cache, and that --dry-run writes nothing: the built CLI against the Azure-like server,
 * with HOME (and XDG_CACHE_HOME) pointed at a temporary folder.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AzureLikeServer } from '../../support/azureServer';
import { runCliProcess } from '../../support/cli';
import { image } from '../../support/paths';

const server = new AzureLikeServer();
let tmp = '';
let repo = '';
let home = '';

/** Every file under `dir` with the hash of its bytes, sorted. */
async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath, e.name);
    out.push(`${path.relative(dir, file)} ${createHash('sha256').update(await fs.readFile(file)).digest('hex')}`);
  }
  return out.sort();
}

const fix = (args: string[], env: Record<string, string> = {}) =>
  runCliProcess(['alt-text', 'fix', ...args], {
    cwd: repo,
    guardLog: path.join(tmp, 'guard.log'),
    secrets: [server.key],
    env: { AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', AZURE_OPENAI_API_KEY: server.key, HOME: home, ...env },
  });

before(() => server.start());
after(() => server.stop());
beforeEach(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'di-alt-cache-')));
  repo = path.join(tmp, 'repo');
  home = path.join(tmp, 'home');
  await fs.mkdir(path.join(repo, 'docs'), { recursive: true });
  await fs.mkdir(home);
  await fs.copyFile(image('ui.png'), path.join(repo, 'docs', 'ui.png'));
  await fs.writeFile(path.join(repo, 'docs', 'page.md'), '# Page\n\n![](ui.png)\n');
});

describe('alt-text fix: the cache', () => {
  it('--dry-run leaves the folder byte for byte as it was and writes no cache anywhere', async () => {
    const before = await snapshot(repo);
    const r = await fix(['--dry-run', 'docs']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\+!\[.+\]\(ui\.png\)$/m, 'the diff is printed');
    assert.deepEqual(await snapshot(repo), before);
    assert.deepEqual(await snapshot(home), [], 'no cache in the user cache folder either');
  });

  it('--dry-run with --cache FILE does not write that file', async () => {
    const r = await fix(['--dry-run', '--cache', 'alt-cache.json', 'docs']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!existsSync(path.join(repo, 'alt-cache.json')));
    assert.deepEqual(await snapshot(home), []);
  });

  it('a real run keeps the cache in the user cache folder (~/.cache/describe-image), not in the repository', async () => {
    const r = await fix(['docs']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await snapshot(repo)).map((l) => l.split(' ')[0]), [path.join('docs', 'page.md'), path.join('docs', 'ui.png')]);
    assert.ok(existsSync(path.join(home, '.cache', 'describe-image', 'alt-text-cache.json')));
    // Its answer is reused: a second run on a fresh copy sends nothing.
    await fs.writeFile(path.join(repo, 'docs', 'page.md'), '# Page\n\n![](ui.png)\n');
    server.requests.length = 0;
    const again = await fix(['docs']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(server.requests.length, 0);
  });

  it('XDG_CACHE_HOME is honoured; --cache FILE puts it in the repository (for CI)', async () => {
    const xdg = path.join(tmp, 'xdg');
    assert.equal((await fix(['docs'], { XDG_CACHE_HOME: xdg })).code, 0);
    assert.ok(existsSync(path.join(xdg, 'describe-image', 'alt-text-cache.json')));
    await fs.writeFile(path.join(repo, 'docs', 'page.md'), '# Page\n\n![](ui.png)\n');
    assert.equal((await fix(['--cache', '.describe-image-cache.json', 'docs'])).code, 0);
    assert.ok(existsSync(path.join(repo, '.describe-image-cache.json')));
  });
});

describe('--cache naming a file that is not a cache', () => {
  it('a typo (--cache package.json) is refused before any request, and the file is left byte for byte', async () => {
    const pkg = `${JSON.stringify({ name: 'my-docs', version: '1.0.0', scripts: { build: 'vitepress build docs' } }, null, 2)}\n`;
    await fs.writeFile(path.join(repo, 'package.json'), pkg);
    await fs.writeFile(path.join(repo, 'notes.txt'), 'Remember to add alt text.\n');
    server.requests.length = 0;
    for (const file of ['package.json', 'notes.txt']) {
      const r = await fix(['--cache', file, 'docs']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`--cache ${file.replace('.', '\\.')}: the file is not a describe-image alt-text cache; it was left as it is`));
      assert.equal(server.requests.length, 0, 'nothing was sent');
    }
    assert.equal(await fs.readFile(path.join(repo, 'package.json'), 'utf8'), pkg);
    assert.equal(await fs.readFile(path.join(repo, 'notes.txt'), 'utf8'), 'Remember to add alt text.\n');
    const ok = await fix(['--cache', 'alt-cache.json', 'docs']);
    assert.equal(ok.code, 0, ok.stderr);
    const again = await fix(['--cache', 'alt-cache.json', 'docs']);
    assert.equal(again.code, 0, `its own cache file is taken again: ${again.stderr}`);
  });
});
