/**
 * What `alt-text fix` will send, said before it sends (as check --verify says it), and `--max-requests N`: a fix that
 * would send more stops before any request with exit 2 and writes nothing (for CI). The built CLI as a process under
 * the network guard, against the Azure-like server.
 */
import assert from 'node:assert/strict';
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

const PAGE = '# Install\n\nDownload the installer. It opens this window:\n\n![](img/ui.png)\n\nThen sign in with your account:\n\n![](img/photo.jpg)\n';

const altText = (args: string[]) =>
  runCliProcess(['alt-text', ...args], {
    cwd: repo,
    guardLog: path.join(tmp, 'guard.log'),
    secrets: [server.key],
    env: { AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', AZURE_OPENAI_API_KEY: server.key },
  });
const fix = (args: string[]) => altText(['fix', ...args]);
const page = () => fs.readFile(path.join(repo, 'docs', 'page.md'), 'utf8');

before(() => server.start());
after(() => server.stop());
beforeEach(async () => {
  server.requests.length = 0;
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'di-fix-requests-')));
  repo = path.join(tmp, 'repo');
  await fs.mkdir(path.join(repo, 'docs', 'img'), { recursive: true });
  await fs.copyFile(image('ui.png'), path.join(repo, 'docs', 'img', 'ui.png'));
  await fs.copyFile(image('photo.jpg'), path.join(repo, 'docs', 'img', 'photo.jpg'));
  await fs.writeFile(path.join(repo, 'docs', 'page.md'), PAGE);
});

describe('alt-text fix: the requests it will send', () => {
  it('says on stderr how many requests it will send before the first is sent; a rerun with the cache says none', async () => {
    const first = await fix(['--cache', 'c.json', 'docs']);
    assert.equal(first.code, 0, first.stderr);
    const lines = first.stderr.split('\n');
    const cost = lines.findIndex((l) => l === 'describe-image alt-text: generating alt text for 2 image(s): will send 2 request(s) to gpt-4o, 0 answered from the cache.');
    assert.ok(cost >= 0, first.stderr);
    const progress = lines.findIndex((l) => /^describe-image alt-text: \d+ of 2/.test(l));
    assert.ok(progress > cost, `said before the progress of the first answer:\n${first.stderr}`);
    assert.equal(server.requests.length, 2);

    await fs.writeFile(path.join(repo, 'docs', 'page.md'), PAGE);
    server.requests.length = 0;
    const again = await fix(['--cache', 'c.json', '--json', 'docs']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /generating alt text for 2 image\(s\): will send 0 request\(s\) to gpt-4o, 2 answered from the cache\./);
    assert.doesNotMatch(again.stdout, /will send/, 'not on stdout, which --json keeps for JSON');
    assert.equal(server.requests.length, 0);
  });

  it('--max-requests: more would be sent → exit 2 before any request, nothing written; enough → the run goes', async () => {
    const over = await fix(['--max-requests', '1', '--cache', 'c.json', '--json', 'docs']);
    assert.equal(over.code, 2, over.stderr);
    assert.match(over.stderr, /fix would send 2 request\(s\), more than --max-requests 1: nothing was sent, nothing was written\./);
    assert.equal((JSON.parse(over.stdout) as { error: { code: string } }).error.code, 'bad-input');
    assert.equal(server.requests.length, 0);
    assert.equal(await page(), PAGE);
    assert.equal(existsSync(path.join(repo, 'c.json')), false, 'no cache written');

    const enough = await fix(['--max-requests', '2', '--cache', 'c.json', 'docs']);
    assert.equal(enough.code, 0, enough.stderr);
    assert.equal(server.requests.length, 2);
    const filled = await page();
    assert.notEqual(filled, PAGE);

    // All answered from the cache: --max-requests 0 lets it write, sending nothing.
    await fs.writeFile(path.join(repo, 'docs', 'page.md'), PAGE);
    const cached = await fix(['--max-requests', '0', '--cache', 'c.json', 'docs']);
    assert.equal(cached.code, 0, cached.stderr);
    assert.equal(server.requests.length, 2);
    assert.equal(await page(), filled);
  });

  it('a --max-requests that is not a whole number is exit 2 before anything; check takes it only with --verify', async () => {
    for (const n of ['-1', 'many', '1.5']) {
      const r = await fix([`--max-requests=${n}`, 'docs']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--max-requests must be a whole number, 0 or more/);
    }
    const check = await altText(['check', '--max-requests', '2', 'docs']);
    assert.equal(check.code, 2, check.stderr);
    assert.match(check.stderr, /--max-requests limits what is sent: give it with fix, or with check --verify\./);
    assert.equal(server.requests.length, 0);
    assert.equal(await page(), PAGE);
  });
});
