/** The image pipeline: the service's size rule, tokens, orientation, conversions, and the CLI's --dry-run. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { prepareImages } from '../../../src/core/describe';
import { DescribeError } from '../../../src/core/base';
import { decodeBmp, estimateImageTokens, rasteriseSvg, targetSize, vectorRenderSize } from '../../../src/core/images';
import { AzureLikeServer } from '../../support/azureServer';
import { cliPath, image } from '../../support/paths';

let tmp = '';
before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'di-pipe-'));
});
after(() => fs.rm(tmp, { recursive: true, force: true }));

const decode = (dataUrl: string) => Buffer.from(dataUrl.split(',')[1] ?? '', 'base64');

describe('the service size rule', () => {
  const cases: [number, number, 'low' | 'high' | undefined, number, number][] = [
    [3840, 2160, 'high', 1365, 768],
    [4000, 3000, undefined, 1024, 768],
    [2048, 4096, 'high', 768, 1536],
    [2048, 2048, 'high', 768, 768],
    [768, 768, 'high', 768, 768],
    [769, 2048, 'high', 768, 2045],
    [100, 50, 'high', 100, 50],
    [1, 1, 'high', 1, 1],
    [10000, 100, 'high', 2048, 20],
    [100, 10000, 'high', 20, 2048],
    [3840, 2160, 'low', 512, 288],
    [512, 512, 'low', 512, 512],
    [300, 200, 'low', 300, 200],
  ];
  for (const [w, h, d, ew, eh] of cases) {
    it(`${w}×${h} at ${d ?? 'auto'} → ${ew}×${eh}`, () => assert.deepEqual(targetSize(w, h, d), { width: ew, height: eh }));
  }

  it('estimates tokens like the published examples', () => {
    assert.equal(estimateImageTokens(2048, 4096, 'high'), 1105);
    assert.equal(estimateImageTokens(1024, 1024, 'high'), 765);
    assert.equal(estimateImageTokens(4096, 8192, 'low'), 85);
    assert.equal(estimateImageTokens(512, 512, 'high'), 255);
    assert.equal(estimateImageTokens(3840, 2160, 'high'), 85 + 170 * 6);
  });

  it('renders small vectors legibly, within the service limits', () => {
    assert.deepEqual(vectorRenderSize(300, 120, 'high'), { width: 1024, height: 410 });
    assert.deepEqual(vectorRenderSize(4000, 4000, 'high'), { width: 768, height: 768 });
    assert.deepEqual(vectorRenderSize(300, 120, 'low'), { width: 512, height: 205 });
  });
});

describe('preparing images', () => {
  it('leaves an image that already fits untouched (same bytes)', async () => {
    const [p] = await prepareImages([image('ui.png')], { detail: 'high' });
    assert.deepEqual(decode(p?.url ?? ''), await fs.readFile(image('ui.png')));
    assert.equal(p?.estimatedTokens, 255);
  });

  it('resizes a 4K screenshot to what the service uses, never larger, with far fewer bytes', async () => {
    const file = path.join(tmp, 'screen.png');
    await sharp({ create: { width: 3840, height: 2160, channels: 3, background: '#f3f3f3' } })
      .composite([{ input: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="3840" height="2160"><rect x="0" y="0" width="3840" height="120" fill="#333"/><rect x="200" y="400" width="2000" height="60" fill="#0e639c"/></svg>'), top: 0, left: 0 }])
      .png()
      .toFile(file);
    const [p] = await prepareImages([file], { detail: 'high' });
    assert.equal(p?.sentWidth, 1365);
    assert.equal(p?.sentHeight, 768);
    const meta = await sharp(decode(p?.url ?? '')).metadata();
    assert.equal(meta.width, 1365);
    assert.equal(meta.height, 768);
    assert.equal(p?.estimatedTokens, estimateImageTokens(3840, 2160, 'high'), 'the same tokens as the original would cost');
    assert.match(p?.notes.join(' ') ?? '', /sent at 1365×768 \(from 3840×2160\)/);
    assert.deepEqual(p?.warnings, [], 'resizing is no warning');
  });

  it('applies EXIF orientation', async () => {
    // 40×20, left half red, right half blue, stored with orientation 6 (display rotated 90° clockwise).
    const raw = Buffer.alloc(40 * 20 * 3);
    for (let y = 0; y < 20; y++) for (let x = 0; x < 40; x++) raw.set(x < 20 ? [255, 0, 0] : [0, 0, 255], (y * 40 + x) * 3);
    const file = path.join(tmp, 'rotated.jpg');
    await sharp(raw, { raw: { width: 40, height: 20, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toFile(file);
    const [p] = await prepareImages([file], { detail: 'high' });
    assert.equal(p?.sentWidth, 20);
    assert.equal(p?.sentHeight, 40);
    assert.match(p?.notes.join(' ') ?? '', /turned upright \(EXIF orientation 6\)/);
    const { data, info } = await sharp(decode(p?.url ?? '')).raw().toBuffer({ resolveWithObject: true });
    assert.equal(info.width, 20);
    // Rotated clockwise: the red left half is now on top.
    const px = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    assert.ok((px(10, 5)[0] ?? 0) > 200 && (px(10, 5)[2] ?? 255) < 60, `top is red: ${px(10, 5).join(',')}`);
    assert.ok((px(10, 35)[2] ?? 0) > 200 && (px(10, 35)[0] ?? 255) < 60, `bottom is blue: ${px(10, 35).join(',')}`);
  });

  it('rasterises SVG with its text (the fonts are there)', async () => {
    const dark = async (svg: string) => {
      const { png } = await rasteriseSvg(Buffer.from(svg), 'high');
      const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
      let n = 0;
      for (let i = 0; i < data.length; i += info.channels) if ((data[i] ?? 255) < 100) n++;
      return n;
    };
    const withText = await dark('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100"><text x="10" y="60" font-family="sans-serif" font-size="40" fill="#000">Hello text</text></svg>');
    const without = await dark('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100"><text x="10" y="60" font-size="40" fill="#000"></text></svg>');
    assert.equal(without, 0);
    assert.ok(withText > 1000, `${withText} dark pixels of text`);
    const [p] = await prepareImages([image('diagram.svg')], { detail: 'high' });
    assert.equal(p?.sentMime, 'image/png');
    assert.deepEqual([p?.sentWidth, p?.sentHeight], [1024, 410]);
  });

  it('converts BMP pixel for pixel', async () => {
    const bytes = await fs.readFile(image('tiny.bmp'));
    const decoded = decodeBmp(bytes);
    const [p] = await prepareImages([image('tiny.bmp')], { detail: 'high' });
    assert.equal(p?.sentMime, 'image/png');
    const { data } = await sharp(decode(p?.url ?? '')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([...data], [...decoded.data]);
    assert.throws(() => decodeBmp(Buffer.from('BMnotreally')), (e: unknown) => e instanceof DescribeError && /not a readable BMP/.test(e.message));
  });

  it('sends the first frame of an animated GIF when one frame is asked, and tells the model', async () => {
    const [p] = await prepareImages([image('animated.gif')], { detail: 'high', maxFrames: 1 });
    assert.equal(p?.sentMime, 'image/png');
    assert.deepEqual([p?.sentWidth, p?.sentHeight], [16, 16]);
    assert.match(p?.caption ?? '', /first frame \(0\.0 s\) of a 0\.3-second animated GIF of 3 frames; the other frames are not shown/);
  });

  it('sends the frames of an animated GIF by default (three 16-px frames: one contact sheet)', async () => {
    const [p] = await prepareImages([image('animated.gif')], { detail: 'high' });
    assert.equal(p?.animation?.mode, 'sheet');
    assert.deepEqual(p?.animation?.frames.map((f) => f.index), [0, 1, 2]);
    assert.deepEqual([p?.sentWidth, p?.sentHeight], [16, 56], 'three cells with 4-px gutters');
  });

  it('brings a 30 MB PNG under the limit', async () => {
    const w = 3300;
    const h = 3300;
    const raw = Buffer.alloc(w * h * 3);
    let seed = 7;
    for (let i = 0; i < raw.length; i++) raw[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    const file = path.join(tmp, 'huge.png');
    await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png({ compressionLevel: 0 }).toFile(file);
    const size = (await fs.stat(file)).size;
    assert.ok(size > 30 * 1024 * 1024, `fixture is ${size} bytes`);
    const [p] = await prepareImages([file], { detail: 'high' });
    assert.deepEqual([p?.sentWidth, p?.sentHeight], [768, 768]);
    assert.ok((p?.sentBytes ?? Infinity) < 20 * 1024 * 1024);
    await assert.rejects(prepareImages([file], { resize: false }), /is 3\d\.\d MB; the service takes at most 20 MB per image/);
  });

  it('--no-resize sends the original bytes untouched', async () => {
    const [p] = await prepareImages([image('photo.jpg')], { resize: false });
    assert.deepEqual(decode(p?.url ?? ''), await fs.readFile(image('photo.jpg')));
  });
});

describe('describe-image --dry-run', () => {
  const server = new AzureLikeServer();
  before(() => server.start());
  after(() => server.stop());

  it('prints what would be sent for an SVG, a BMP and a 4K PNG, sends nothing and needs no key', async () => {
    const big = path.join(tmp, 'dry-4k.png');
    await sharp({ create: { width: 3840, height: 2160, channels: 3, background: '#ffffff' } }).png().toFile(big);
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cliPath, '--dry-run', '--detail', 'high', '--endpoint', server.url, '--deployment', 'gpt-4o', image('diagram.svg'), image('tiny.bmp'), big], { env: { PATH: process.env['PATH'] } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(out.code, 0, out.stderr);
    const report = JSON.parse(out.stdout) as { sent: boolean; url: string; estimatedImageTokens: number; requestBytes: number; images: Record<string, unknown>[] };
    assert.equal(report.sent, false);
    assert.match(report.url, /\/openai\/v1\/chat\/completions$/);
    assert.deepEqual(
      report.images.map((i) => [i['detectedType'], i['sentType'], i['sentWidth'], i['sentHeight'], i['estimatedTokens']]),
      [
        ['image/svg+xml', 'image/png', 1024, 410, 425],
        ['image/bmp', 'image/png', 4, 2, 255],
        ['image/png', 'image/png', 1365, 768, 1105],
      ],
    );
    assert.equal(report.images[2]?.['originalWidth'], 3840);
    assert.equal(report.estimatedImageTokens, 425 + 255 + 1105);
    assert.ok(report.requestBytes > 0);
    assert.equal(server.requests.length, 0, 'nothing was sent');
  });
});
