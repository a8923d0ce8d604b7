import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DescribeError, MAX_IMAGE_BYTES } from '../../../src/core/base';
import { countGifFrames, loadImage, loadImages, sniffImage, toDataUrl } from '../../../src/core/images';
import { prepareImage } from '../../../src/core/images';
import { image } from '../../support/paths';

async function rejectsWith(p: Promise<unknown>, words: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DescribeError, String(e));
    assert.equal(e.code, 'bad-input');
    assert.match(e.message, words);
    return true;
  });
}

describe('images', () => {
  it('recognises types by their bytes', async () => {
    const cases: [string, string][] = [
      ['ui.png', 'image/png'],
      ['photo.jpg', 'image/jpeg'],
      ['really-a-jpeg.png', 'image/jpeg'],
      ['small.webp', 'image/webp'],
      ['still.gif', 'image/gif'],
      ['tiny.bmp', 'image/bmp'],
      ['diagram.svg', 'image/svg+xml'],
    ];
    for (const [name, mime] of cases) {
      const sniffed = sniffImage(await fs.readFile(image(name)));
      assert.equal(sniffed?.mime, mime, name);
    }
    assert.equal(sniffImage(await fs.readFile(image('not-an-image.png'))), undefined);
    assert.equal(sniffImage(new Uint8Array()), undefined);
  });

  it('counts GIF frames', async () => {
    assert.equal(countGifFrames(await fs.readFile(image('still.gif'))), 1);
    assert.equal(countGifFrames(await fs.readFile(image('animated.gif'))), 3);
  });

  it('sends a .png that is really a JPEG as image/jpeg, and says so', async () => {
    const loaded = await loadImage(image('really-a-jpeg.png'));
    const prepared = prepareImage(loaded);
    assert.match(prepared.url, /^data:image\/jpeg;base64,\/9j\//);
    assert.equal(prepared.sentMime, 'image/jpeg');
    assert.match(prepared.warnings.join(' '), /named as image\/png but its bytes are image\/jpeg/);
    assert.equal(prepared.width, 120);
    assert.equal(prepared.height, 80);
  });

  it('builds a data URL that decodes to the same bytes', async () => {
    const bytes = await fs.readFile(image('ui.png'));
    const url = toDataUrl('image/png', bytes);
    assert.deepEqual(Buffer.from(url.split(',')[1] ?? '', 'base64'), bytes);
  });

  it('passes http(s) URLs through', async () => {
    const loaded = await loadImage('https://example.com/pics/cat%20photo.jpg?x=1');
    assert.equal(loaded.kind, 'url');
    assert.equal(loaded.name, 'cat photo.jpg');
    assert.equal(prepareImage(loaded).url, 'https://example.com/pics/cat%20photo.jpg?x=1');
  });

  it('refuses bad input with a message naming the file', async () => {
    await rejectsWith(loadImage(image('missing.png')), /missing\.png: no such file/);
    await rejectsWith(loadImage(image('empty.png')), /empty\.png is empty \(0 bytes\)/);
    await rejectsWith(loadImage(image('not-an-image.png')), /not-an-image\.png is not an image/);
    await rejectsWith(loadImage(image('tiny.bmp')), /tiny\.bmp is a BMP image; the service takes only PNG, JPEG, WebP and non-animated GIF/);
    await rejectsWith(loadImage(image('diagram.svg')), /diagram\.svg is a SVG image/);
    await rejectsWith(loadImage(image('animated.gif')), /animated\.gif is an animated GIF \(3 frames\)/);
    await rejectsWith(loadImage(path.dirname(image('ui.png'))), /is a folder, not an image/);
    await rejectsWith(loadImage('ftp://example.com/a.png'), /neither a local file nor an http\(s\) URL/);
  });

  it('refuses more than 20 MB before reading it', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'di-big-'));
    const big = path.join(dir, 'big.png');
    const fh = await fs.open(big, 'w');
    await fh.truncate(MAX_IMAGE_BYTES + 1);
    await fh.close();
    await rejectsWith(loadImage(big), /big\.png is 20\.0 MB; the service takes at most 20 MB per image/);
    await fs.rm(dir, { recursive: true });
  });

  it('refuses none, or more than 10, and lists every problem at once', async () => {
    await rejectsWith(loadImages([]), /No image given/);
    await rejectsWith(loadImages(Array.from({ length: 11 }, () => image('ui.png'))), /11 images given; the service takes at most 10/);
    await rejectsWith(loadImages([image('ui.png'), image('empty.png'), image('not-an-image.png')]), /2 of 3 images can't be sent: .*empty\.png is empty.*not-an-image\.png is not an image/);
    const ok = await loadImages([image('ui.png'), image('photo.jpg'), 'https://example.com/x.png']);
    assert.deepEqual(ok.map((i) => i.kind), ['file', 'file', 'url']);
  });

  it('resolves relative paths against the given folder', async () => {
    const loaded = await loadImage('ui.png', { cwd: path.dirname(image('ui.png')) });
    assert.equal(loaded.kind === 'file' && loaded.path, image('ui.png'));
  });
});
