/**
 * `alt-text fix` says which images used more than once shared one alt text (same context) and which got their own
 * (different contexts): the built CLI against the Azure-like server, which counts requests. A rerun sends nothing;
 * `--no-context` asks each image once.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AzureLikeServer } from '../../support/azureServer';
import { runCliProcess } from '../../support/cli';
import { image } from '../../support/paths';

const server = new AzureLikeServer();
let tmp = '';
let repo = '';

const fix = (...args: string[]) =>
  runCliProcess(['alt-text', 'fix', '--cache', 'alt-cache.json', ...args, 'docs'], {
    cwd: repo,
    guardLog: path.join(tmp, 'guard.log'),
    secrets: [server.key],
    env: { AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', AZURE_OPENAI_API_KEY: server.key, HOME: path.join(tmp, 'home') },
  });

/** Two pages: the logo in the same place on each (same heading, nothing around it), the diagram introduced differently. */
const PAGES: Record<string, string> = {
  'docs/install.md': '# Contoso\n\n![](img/logo.png)\n\n## Install\n\nRun the installer. The steps it takes:\n\n![](img/diagram.png "Install flow")\n',
  'docs/upgrade.md': '# Contoso\n\n![](img/logo.png)\n\n## Upgrade\n\nAn upgrade keeps your settings. What happens:\n\n![](img/diagram.png)\n',
};

before(() => server.start());
after(() => server.stop());
beforeEach(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'di-alt-context-')));
  repo = path.join(tmp, 'repo');
  await fs.mkdir(path.join(repo, 'docs', 'img'), { recursive: true });
  await fs.mkdir(path.join(tmp, 'home'));
  await fs.copyFile(image('photo.jpg'), path.join(repo, 'docs', 'img', 'logo.png'));
  await fs.copyFile(image('ui.png'), path.join(repo, 'docs', 'img', 'diagram.png'));
  for (const [file, text] of Object.entries(PAGES)) await fs.writeFile(path.join(repo, file), text);
  server.requests.length = 0;
});

describe('alt-text fix: alt text per use', () => {
  it('says which images shared one alt text and which got their own; the rerun sends nothing', async () => {
    const r = await fix();
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests.length, 3, 'the logo once, the diagram once per context');
    assert.match(r.stderr, /filled 4 of 4 image\(s\) in 2 file\(s\); 3 request\(s\) sent, 0 from the cache, 1 duplicate\(s\)\.\n/);
    assert.match(r.stderr, /^describe-image alt-text: 2 uses of docs\/img\/logo\.png share one alt text \(same context\); 2 uses of docs\/img\/diagram\.png got their own alt text \(different contexts\)\.$/m);
    const prompts = server.requests.map((q) => JSON.stringify(q.body));
    assert.equal(prompts.filter((p) => p.includes('Introduced by: \\"The steps it takes:\\"') && p.includes('Title: \\"Install flow\\"') && p.includes('Section: \\"Install\\"')).length, 1);
    assert.equal(prompts.filter((p) => p.includes('Introduced by: \\"What happens:\\"') && p.includes('Section: \\"Upgrade\\"')).length, 1);

    // The pages are filled now: put them back, and run again — every answer comes from the cache.
    for (const [file, text] of Object.entries(PAGES)) await fs.writeFile(path.join(repo, file), text);
    const again = await fix();
    assert.equal(again.code, 0, again.stderr);
    assert.equal(server.requests.length, 3, 'the rerun sent nothing');
    assert.match(again.stderr, /0 request\(s\) sent, 3 from the cache/);
  });

  it('a linked use and a plain use of one image are asked apart, and the reuse line gives the purpose, not the context, as the reason', async () => {
    await fs.writeFile(path.join(repo, 'docs/install.md'), '# Contoso\n\n![](img/logo.png)\n\n[![](img/logo.png)](https://contoso.example/home)\n');
    await fs.rm(path.join(repo, 'docs/upgrade.md'));
    const r = await fix('--no-context');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests.length, 2, 'the linked use is asked as functional, the plain one as the model decides');
    assert.match(r.stderr, /^describe-image alt-text: 2 uses of docs\/img\/logo\.png got their own alt text \(different purposes\)\.$/m);

    await fs.writeFile(path.join(repo, 'docs/install.md'), '# Contoso\n\n![](img/logo.png)\n\n[![](img/logo.png)](https://contoso.example/home)\n\n## Upgrade\n\n![](img/logo.png)\n');
    const both = await fix();
    assert.equal(both.code, 0, both.stderr);
    assert.match(both.stderr, /^describe-image alt-text: 3 uses of docs\/img\/logo\.png got their own alt text \(different contexts and purposes\)\.$/m);
  });

  it('--no-context asks each image once, and says so', async () => {
    const r = await fix('--no-context');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests.length, 2);
    assert.match(r.stderr, /2 uses of docs\/img\/logo\.png share one alt text \(no context sent\); 2 uses of docs\/img\/diagram\.png share one alt text \(no context sent\)\./);
    assert.doesNotMatch(JSON.stringify(server.requests.map((q) => q.body)), /Where the image is used/);
  });
});
