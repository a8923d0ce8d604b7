/**
 * Damaged images are found before anything is sent, whichever way the image goes: resized (its pixels decoded
 * anyway), fitting already (sent as it is, so decoded only to check it), or sent untouched (--no-resize). The error
 * is a `bad-input` DescribeError naming the file, in words a person understands.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeError } from '../../../src/core/base';
import { prepareImages } from '../../../src/core/describe';
import { decodeBmp, DamagedImageError, rasteriseSvg, walkGif, walkPng } from '../../../src/core/images';
import { decodeForOcr } from '../../../src/core/ocr';
import { animatedGif, animatedPng, cutAtHalf, pngChunks, damagedImages, damagedMessage, wholeImage, type DamagedImage } from '../../support/damaged';
import { image } from '../../support/paths';

let tmp = '';
before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'di-damaged-'));
});
after(() => fs.rm(tmp, { recursive: true, force: true }));

function isDamaged(name: string) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof DescribeError, `a DescribeError, not ${String(e)}`);
    assert.equal(e.code, 'bad-input');
    assert.match(e.message, damagedMessage(name));
    assert.match(e.message, /it was not sent\.$/);
    return true;
  };
}

const sizes: [string, number, number][] = [
  ['that fits already (sent as it is)', 300, 200],
  ['that needs resizing', 1200, 800],
];

for (const [how, width, height] of sizes) {
  describe(`a damaged image ${how}`, () => {
    let images: DamagedImage[] = [];
    before(async () => {
      images = await damagedImages(width, height);
    });
    it('is refused before anything is sent, naming the file — every kind of damage, resized or untouched', async () => {
      assert.equal(images.length, 8);
      for (const d of images) {
        const file = path.join(tmp, `${width}-${d.name}`);
        await fs.writeFile(file, d.bytes);
        await assert.rejects(prepareImages([file], { detail: 'high' }), isDamaged(`${width}-${d.name}`), d.what);
        await assert.rejects(prepareImages([file], { detail: 'high', resize: false }), isDamaged(`${width}-${d.name}`), `${d.what}, --no-resize`);
        // In memory (pasted, dropped): the same.
        await assert.rejects(prepareImages([{ name: d.name, bytes: d.bytes }], { detail: 'high' }), isDamaged(d.name), `${d.what}, in memory`);
      }
    });
  });
}

describe('whole images still go', () => {
  it('the same images whole, at both sizes, with and without resizing', async () => {
    for (const format of ['png', 'jpeg', 'gif', 'webp'] as const) {
      for (const [w, h] of [[300, 200], [1200, 800]] as const) {
        const file = path.join(tmp, `whole-${w}.${format}`);
        await fs.writeFile(file, await wholeImage(format, w, h));
        const [p] = await prepareImages([file], { detail: 'high' });
        assert.ok(p?.url.startsWith('data:image/'), `${format} ${w}×${h}`);
        await prepareImages([file], { resize: false });
      }
    }
  });

  it('one damaged image among good ones: the error names only it', async () => {
    const bad = path.join(tmp, 'screenshot-cut.png');
    await fs.writeFile(bad, cutAtHalf(await wholeImage('png', 1200, 800)));
    await assert.rejects(prepareImages([image('ui.png'), bad, image('photo.jpg')], { detail: 'high' }), (e: unknown) => {
      assert.ok(e instanceof DescribeError);
      assert.match(e.message, damagedMessage('screenshot-cut.png'));
      assert.doesNotMatch(e.message, /ui\.png|photo\.jpg/);
      return true;
    });
  });
});

describe('BMP and SVG, through their own decoders', () => {
  it('a BMP cut short is damaged', async () => {
    const whole = await fs.readFile(image('tiny.bmp'));
    const bytes = whole.subarray(0, whole.length - 8);
    assert.throws(() => decodeBmp(bytes, 'tiny-cut.bmp'), (e: unknown) => e instanceof DamagedImageError && damagedMessage('tiny-cut.bmp').test(e.message));
    await assert.rejects(prepareImages([{ name: 'tiny-cut.bmp', bytes }], { detail: 'high' }), isDamaged('tiny-cut.bmp'));
  });

  it('an SVG cut at half is damaged', async () => {
    const whole = await fs.readFile(image('diagram.svg'));
    const bytes = whole.subarray(0, whole.length >> 1);
    await assert.rejects(rasteriseSvg(bytes, 'high', 'diagram-cut.svg'), (e: unknown) => e instanceof DamagedImageError && damagedMessage('diagram-cut.svg').test(e.message));
    await assert.rejects(prepareImages([{ name: 'diagram-cut.svg', bytes }], { detail: 'high' }), isDamaged('diagram-cut.svg'));
  });
});

describe('GIFs cut short (libvips decodes the frames that are there without a word)', () => {
  it('a GIF cut at any byte lacks its trailer, and the walk of its blocks says so; whole GIFs end with it', async () => {
    for (const [name, whole] of [['still.gif', await fs.readFile(image('still.gif'))], ['animated.gif', await fs.readFile(image('animated.gif'))], ['4 frames', await animatedGif(4)]] as const) {
      assert.equal(walkGif(whole).damage, undefined, `${name} is whole`);
      for (let length = 0; length < whole.length; length++) {
        assert.ok(walkGif(whole.subarray(0, length)).damage, `${name} cut after ${length} of ${whole.length} bytes`);
      }
    }
  });

  it('an animated GIF cut in its last frame is refused before sending, not sent as the frames that are left', async () => {
    const whole = await animatedGif(4, 200, 150);
    const bytes = whole.subarray(0, Math.floor(whole.length * 0.9));
    const file = path.join(tmp, 'recording-cut.gif');
    await fs.writeFile(file, bytes);
    await assert.rejects(prepareImages([file], { detail: 'high' }), isDamaged('recording-cut.gif'));
    await assert.rejects(prepareImages([{ name: 'pasted-cut.gif', bytes }], { detail: 'high' }), isDamaged('pasted-cut.gif'));
    const [sent] = await prepareImages([{ name: 'whole.gif', bytes: whole }], { detail: 'high' });
    assert.equal(sent?.animation?.totalFrames, 4, 'the whole one goes, all 4 frames');
  });
});

describe('APNGs cut short (their first frame, the default image, is whole: libvips decodes it without a word)', () => {
  it('an APNG cut inside any frame, or between two frames, is refused before sending, not sent as its first frame', async () => {
    const whole = animatedPng(5);
    const chunks = pngChunks(whole);
    const frameData = chunks.filter((c) => c.type === 'fdAT' || c.type === 'IDAT');
    assert.equal(frameData.length, 5);
    const cuts = [...frameData.slice(1).map((c) => (c.start + c.end) >> 1), ...chunks.filter((c) => c.type === 'fcTL').slice(1).map((c) => c.start), (frameData[3]?.end ?? 0) + 5];
    for (const at of cuts) {
      const name = `recording-cut-at-${at}.png`;
      await assert.rejects(prepareImages([{ name, bytes: whole.subarray(0, at) }], { detail: 'high' }), isDamaged(name), `cut after ${at} of ${whole.length} bytes`);
    }
    const [sent] = await prepareImages([{ name: 'whole.png', bytes: whole }], { detail: 'high' });
    assert.equal(sent?.animation?.totalFrames, 5, 'the whole one goes, all 5 frames');
  });

  it('an APNG with bytes flipped inside a later frame is refused, its first frame not sent instead', async () => {
    const whole = animatedPng(5);
    const last = pngChunks(whole).filter((c) => c.type === 'fdAT').pop();
    const bytes = Buffer.from(whole);
    for (let i = (last?.start ?? 0) + 14; i < (last?.start ?? 0) + 30; i++) bytes[i] = (bytes[i] ?? 0) ^ 0xff;
    await assert.rejects(prepareImages([{ name: 'recording-flipped.png', bytes }], { detail: 'high' }), isDamaged('recording-flipped.png'));
  });
});

describe('PNGs walked chunk by chunk (libvips says nothing of what follows a whole IDAT)', () => {
  it('a PNG or APNG cut inside any chunk is damaged; cut between chunks, an APNG missing frames is; whole ones are whole', async () => {
    for (const [name, whole] of [['still', await wholeImage('png', 60, 40)], ['ui.png', await fs.readFile(image('ui.png'))], ['APNG', animatedPng(4)]] as const) {
      assert.equal(walkPng(whole).damage, undefined, `${name} is whole`);
      const chunks = pngChunks(whole);
      const boundaries = new Set(chunks.map((c) => c.start));
      const lastFrame = Math.max(...chunks.filter((c) => c.type === 'fcTL').map((c) => c.start));
      const announced = chunks.find((c) => c.type === 'acTL')?.end ?? Infinity; // before it, no frames are promised (and no IDAT is there to decode)
      for (let length = 9; length < whole.length; length++) {
        const cut = walkPng(whole.subarray(0, length)).damage;
        if (!boundaries.has(length)) assert.ok(cut, `${name} cut after ${length} of ${whole.length} bytes, inside a chunk`);
        else if (length >= announced && length <= lastFrame) assert.ok(cut, `${name} cut after ${length} bytes, before its last frame`);
      }
    }
  });

  it('extract-text refuses an APNG cut in a later frame: its first frame is not read as if it were the image', async () => {
    const whole = animatedPng(5);
    const last = pngChunks(whole).filter((c) => c.type === 'fdAT').pop();
    await assert.rejects(decodeForOcr(whole.subarray(0, ((last?.start ?? 0) + (last?.end ?? 0)) >> 1), 'recording-cut.png'), (e: unknown) => {
      assert.ok(e instanceof DamagedImageError, String(e));
      assert.match(e.message, /^recording-cut\.png: the image is damaged or cut short \(it ends after \d+ bytes, inside its fdAT chunk\); its text was not read\.$/);
      return true;
    });
    assert.equal((await decodeForOcr(whole, 'recording.png')).width, 64, 'the whole one is read');
  });
});

describe('a huge size in the header, with little data (a decompression bomb)', () => {
  it('is refused for its size, before decoding, not called damaged', async () => {
    const { crc32, deflateSync } = await import('node:zlib');
    const chunk = (type: string, data: Buffer) => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(data.length, 0);
      head.write(type, 4, 'latin1');
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
      return Buffer.concat([head, data, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(60000, 0);
    ihdr.writeUInt32BE(60000, 4);
    ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit grey
    const bomb = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(60001 * 4))), chunk('IEND', Buffer.alloc(0))]);
    for (const options of [{ detail: 'high' as const }, { detail: 'high' as const, resize: false }]) {
      await assert.rejects(prepareImages([{ name: 'bomb.png', bytes: bomb }], options), (e: unknown) => {
        assert.ok(e instanceof DescribeError && e.code === 'bad-input', String(e));
        assert.ok(!(e instanceof DamagedImageError), `not called damaged: ${e.message}`);
        assert.match(e.message, /^bomb\.png is a 60000×60000 PNG \(3600\.0 megapixels\); PNG images of more than 512 megapixels are not read/);
        return true;
      });
    }
  });
});

describe('an image cut inside its header', () => {
  it('is damaged, not "not an image": every length of a PNG, JPEG, GIF and WebP header, a TIFF cut at half, an AVIF cut at 40 bytes', async () => {
    const sharpLib = (await import('sharp')).default;
    const photo = await wholeImage('png', 120, 80);
    for (const format of ['png', 'jpeg', 'gif', 'webp'] as const) {
      const whole = await wholeImage(format, 120, 80);
      for (let length = 12; length <= 60; length++) {
        const name = `header-cut-${length}.${format}`;
        await assert.rejects(prepareImages([{ name, bytes: whole.subarray(0, length) }], { detail: 'high' }), isDamaged(name), `${format} cut after ${length} bytes`);
      }
    }
    const tiff = await sharpLib(photo).tiff().toBuffer();
    await assert.rejects(prepareImages([{ name: 'scan-cut.tiff', bytes: cutAtHalf(tiff) }], { detail: 'high' }), isDamaged('scan-cut.tiff'));
    const avif = await sharpLib(photo).avif().toBuffer();
    await assert.rejects(prepareImages([{ name: 'photo-cut.avif', bytes: avif.subarray(0, 40) }], { detail: 'high' }), isDamaged('photo-cut.avif'));
    await assert.rejects(prepareImages([{ name: 'notes.png', bytes: Buffer.from('These are notes, not an image.\n') }], { detail: 'high' }), /notes\.png is not an image/);
  });
});
