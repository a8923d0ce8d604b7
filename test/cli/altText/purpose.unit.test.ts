/**
 * `describe-image alt-text fix` as a process, purpose-aware: it says each non-informative image's purpose and what
 * became of its long description, counts them in the summary, writes the long description, and a rerun of the same
 * tree (restored) answers from the cache without sending anything.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { findImages } from '../../../src/core/finders';
import { AzureLikeServer, type RecordedRequest } from '../../support/azureServer';
import { runCliProcess } from '../../support/cli';

const answer = (req: RecordedRequest) =>
  req.images[0]?.width === 300
    ? JSON.stringify({ purpose: 'complex', alt: 'Bar chart of sign-ups per month', longDescription: 'January 10, February 20, March 45.' })
    : JSON.stringify({ purpose: 'informative', alt: 'Download button' });
const server = new AzureLikeServer({ answer });
let dir = '';
const PAGE = '# Sign-ups\n\n![](chart.png)\n\n[![](button.png)](https://example.com/download)\n\n<img src="swirl.png" alt="Decorative background image.">\n';

before(async () => {
  await server.start();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'di-cli-purpose-'));
  await fs.mkdir(path.join(dir, 'docs'));
  for (const [name, width] of [
    ['chart', 300],
    ['button', 40],
    ['swirl', 20],
  ] as const) {
    await sharp({ create: { width, height: 40, channels: 3, background: { r: width, g: 0, b: 0 } } })
      .png()
      .toFile(path.join(dir, 'docs', `${name}.png`));
  }
});
after(async () => {
  await server.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

const fix = () =>
  runCliProcess(['alt-text', 'fix', '--rewrite-uninformative', '--cache', 'cache.json', 'docs'], {
    cwd: dir,
    guardLog: path.join(dir, '..', `${path.basename(dir)}-guard.log`),
    env: { AZURE_OPENAI_API_KEY: server.key, AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o' },
    secrets: [server.key],
  });

describe('alt-text fix: purposes', () => {
  it('reports each purpose, writes the long description and alt="", and a rerun sends nothing', async () => {
    await fs.writeFile(path.join(dir, 'docs', 'page.md'), PAGE);
    const r = await fix();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /docs\/page\.md:3:1: complex, long description written\n/);
    assert.match(r.stderr, /docs\/page\.md:5:2: functional\n/);
    assert.match(r.stderr, /docs\/page\.md:7:1: decorative\n/);
    assert.match(r.stderr, /filled 2 of 2 image\(s\) in 1 file\(s\); 2 request\(s\) sent, 0 from the cache, 0 duplicate\(s\); purposes: 1 complex, 1 functional, 1 long description\(s\) written, 1 marked decorative\.\n/);
    const written = await fs.readFile(path.join(dir, 'docs', 'page.md'), 'utf8');
    assert.deepEqual(
      findImages(written, 'markdown').map((i) => [i.src, i.alt, i.decorative]),
      [
        ['chart.png', 'Bar chart of sign-ups per month', false],
        ['button.png', 'Download button', false],
        ['swirl.png', '', true],
      ],
    );
    assert.match(written, /\n<details>\n<summary>Image description<\/summary>\n\nJanuary 10, February 20, March 45\.\n\n<\/details>\n/);

    await fs.writeFile(path.join(dir, 'docs', 'page.md'), PAGE);
    const sentBefore = server.requests.length;
    const again = await fix();
    assert.equal(again.code, 0, again.stderr);
    assert.equal(server.requests.length, sentBefore, 'nothing sent: purpose and long description come from the cache');
    assert.equal(await fs.readFile(path.join(dir, 'docs', 'page.md'), 'utf8'), written);
  });
});
