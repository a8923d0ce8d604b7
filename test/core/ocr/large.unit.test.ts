/**
 * Large images are read at a legible size rather than refused, in bounded memory: decoded reduced (readSize.ts) to at
 * most 16 megapixels and 32767 px a side, boxes mapped back to the original pixels, and the result says from which text
 * size on text may be missed. A 15000×15000 PNG and JPEG screenshot are read by the CLI as its own process, its peak
 * resident memory measured. Hostile: decompression bombs, a huge image cut short or damaged, animations on a huge
 * canvas, an SVG with a huge viewBox.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { DescribeError } from '../../../src/core/base';
import { checkDecodes, DamagedImageError, MAX_DECODED_PIXELS, MAX_WHOLE_DECODE_PIXELS, sniffImage } from '../../../src/core/images';
import { decodeForOcr, MAX_OCR_READ_PIXELS, MAX_OCR_SIDE, MIN_LEGIBLE_X_HEIGHT, OcrEngine, type OcrLine } from '../../../src/core/ocr';
import { MAX_PREPARED_PIXELS } from '../../../src/core/ocr/prepare';
import { readSize, smallestLegibleText } from '../../../src/core/ocr/readSize';
import { gifOnCanvas, webpOnCanvas } from '../../support/bigCanvas';
import { bigScreenshot, oneBitPng, pngOf } from '../../support/bigScreen';
import { runCliProcess } from '../../support/cli';
import { cutAtHalf, damagedMessage, flipMiddle, wholeImage } from '../../support/damaged';
import { render, settingsPage, wordsFound } from '../../support/screens';

const MB = 1024 * 1024;
/**
 * The peak a process reading a 15000×15000 screenshot may reach. Measured: about 0.6 GB (Node, sharp, the worker and
 * Tesseract reading 16 megapixels). Decoding it whole, as before, holds 225 MB of grey in each thread and the worker
 * prepares 225 megapixels: several GB.
 */
const PEAK_LIMIT = 1024 * MB;

let tmp = '';
before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'di-ocr-large-'));
});
after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** `describe-image extract-text --json file` as its own process, its peak memory measured and said in the diagnostics. */
async function extractText(file: string, t: { diagnostic(message: string): void }) {
  const started = performance.now();
  const r = await runCliProcess(['extract-text', '--json', file], { cwd: tmp, guardLog: path.join(tmp, 'network-guard.log'), measureMemory: true });
  const peak = r.peakBytes ?? Infinity;
  t.diagnostic(`${path.basename(file)}: peak memory ${Math.round(peak / MB)} MB, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  assert.ok(peak < PEAK_LIMIT, `peak memory ${Math.round(peak / MB)} MB (limit ${PEAK_LIMIT / MB} MB)`);
  return r;
}

describe('the size an image is read at', () => {
  it('its own size within the budget; else the largest of the same shape within 16 megapixels and 32767 px a side', () => {
    assert.deepEqual(readSize(1920, 1080), { width: 1920, height: 1080, scale: 1, limitedBy: undefined });
    assert.deepEqual(readSize(4000, 4000), { width: 4000, height: 4000, scale: 1, limitedBy: undefined });
    const big = readSize(15000, 15000);
    assert.deepEqual([big.width, big.height, big.limitedBy], [4000, 4000, 'pixels']);
    const strip = readSize(100000, 40);
    assert.deepEqual([strip.width, strip.height, strip.limitedBy], [MAX_OCR_SIDE, 13, 'side']);
    assert.deepEqual([readSize(10_000_000, 1).width, readSize(10_000_000, 1).height], [MAX_OCR_SIDE, 1], 'at least a pixel a side');
    for (const [w, h] of [[15000, 15000], [1920, 30000], [65535, 65535], [4001, 3999], [22000, 727]] as const) {
      const s = readSize(w, h);
      assert.ok(s.width * s.height <= MAX_OCR_READ_PIXELS && Math.max(s.width, s.height) <= MAX_OCR_SIDE, `${w}×${h} → ${s.width}×${s.height}`);
      assert.ok(Math.abs(s.width / w - s.height / h) < 2 / Math.min(s.width, s.height), `${w}×${h}: the same shape`);
    }
  });

  it('the budget is what the worker prepares: larger would only be shrunk there, after the worker held it', () => {
    assert.equal(MAX_OCR_READ_PIXELS, MAX_PREPARED_PIXELS);
  });

  it(`text reduced to the smallest x-height kept (${MIN_LEGIBLE_X_HEIGHT} px) is still read: ≥ 95 % of a settings page, light and dark`, async () => {
    const engine = new OcrEngine();
    try {
      for (const theme of ['light', 'dark'] as const) {
        // 13-px text has an x-height of 7 px: reduced to 0.7, it is 5 px (9 px text).
        const scene = settingsPage(theme);
        const png = await sharp(await render(scene)).resize(Math.round(1280 * 0.7), Math.round(720 * 0.7), { fit: 'fill' }).png().toBuffer();
        const r = await engine.recognize(png, { name: `${theme}.png` });
        const { share, missed } = wordsFound(scene.lines, r.text);
        assert.ok(share >= 0.95, `${theme}: ${(share * 100).toFixed(1)} % found; missed: ${missed.join(' | ')}`);
      }
    } finally {
      await engine.dispose();
    }
    // What the message says follows from it: text of 10 px and more is read at its own size.
    assert.equal(smallestLegibleText(1), 10);
    assert.equal(smallestLegibleText(0.25), 38);
  });
});

describe('large images are read reduced, with a message', () => {
  it('a 6000×4000 PNG is decoded at 4898×3265: boxes scale back to its pixels, and the result says what may be missed', async () => {
    const png = await sharp({ create: { width: 6000, height: 4000, channels: 3, background: '#ffffff' } }).png().toBuffer();
    const d = await decodeForOcr(png, 'wide.png');
    assert.deepEqual([d.grey.width, d.grey.height, d.width, d.height], [4898, 3265, 6000, 4000]);
    assert.equal(d.grey.data.length, 4898 * 3265);
    assert.ok(Math.abs(d.unitScale - 6000 / 4898) < 1e-9);
    assert.equal(d.reduced?.smallestTextPx, 12);
    assert.equal(
      d.reduced?.message,
      'wide.png is 6000×4000 (24.0 megapixels): its text was read at 4898×3265, the most read at once (16 megapixels), so text smaller than about 12 px may be missed. To read small text, crop the image to the part with the text.',
    );
    // Within the budget: read as it is, nothing said.
    const small = await decodeForOcr(await sharp({ create: { width: 4000, height: 4000, channels: 3, background: '#ffffff' } }).png().toBuffer(), 'square.png');
    assert.deepEqual([small.grey.width, small.unitScale, small.reduced], [4000, 1, undefined]);
  });

  it('a large JPEG turned by its EXIF orientation is reduced upright: its size as seen, not as stored', async () => {
    const jpeg = await sharp({ create: { width: 8000, height: 3000, channels: 3, background: '#ffffff' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const d = await decodeForOcr(jpeg, 'turned.jpg');
    assert.deepEqual([d.width, d.height], [3000, 8000]);
    assert.ok(d.grey.width < d.grey.height && d.grey.width * d.grey.height <= MAX_OCR_READ_PIXELS, `${d.grey.width}×${d.grey.height}`);
    assert.ok(Math.abs(d.unitScale - 3000 / d.grey.width) < 1e-9);
  });

  for (const format of ['png', 'jpeg'] as const) {
    it(`a 15000×15000 ${format.toUpperCase()} screenshot is read (not refused): its large text found, boxes in its pixels, peak memory < 1 GB`, async (t) => {
      // The settings page at 4× (52-px text), four times, one near each corner: read at 4000×4000, its text is 14 px.
      const at = [[400, 300], [9400, 300], [400, 11800], [9400, 11800]] as const;
      const shot = await bigScreenshot(settingsPage('light'), { width: 15000, height: 15000, zoom: 4, at, format });
      const file = path.join(tmp, `screen.${format === 'png' ? 'png' : 'jpg'}`);
      await fs.writeFile(file, shot.bytes);
      const r = await extractText(file, t);
      assert.equal(r.code, 0, r.stderr);
      const result = JSON.parse(r.stdout) as { width: number; height: number; text: string; lines: OcrLine[] };
      assert.deepEqual([result.width, result.height], [15000, 15000]);
      const { share, missed } = wordsFound(shot.lines, result.text);
      t.diagnostic(`${(share * 100).toFixed(1)} % of the ${shot.lines.join(' ').split(/\s+/).length} words found`);
      assert.ok(share >= 0.95, `${(share * 100).toFixed(1)} % found; missed: ${missed.join(' | ')}`);
      // "Editor: Font Size" is drawn at (250, 110) of each copy, 4× larger: its four boxes are in the original pixels.
      const boxes = result.lines.filter((l) => l.text.includes('Editor: Font Size')).map((l) => l.box);
      assert.equal(boxes.length, 4, result.lines.map((l) => l.text).join('\n'));
      for (const [x, y] of at) {
        const near = boxes.find((b) => Math.abs(b.x - (x + 250 * 4)) < 40 && Math.abs(b.y + b.height - (y + 110 * 4)) < 60);
        assert.ok(near, `a box near (${x + 1000}, ${y + 440}): ${JSON.stringify(boxes)}`);
      }
    });
  }
});

describe('hostile large images: a clear error or a bounded reading, never out of memory', () => {
  it('a PNG whose header claims 100000×100000 is refused before decoding, saying why (CLI, little memory)', async (t) => {
    const file = path.join(tmp, 'bomb.png');
    await fs.writeFile(file, pngOf(100000, 100000));
    const r = await extractText(file, t);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /bomb\.png is a 100000×100000 PNG \(10000\.0 megapixels\); PNG images of more than 512 megapixels are not read for their text \(read at 16 megapixels, text smaller than about 54 px would be lost\)\. Crop it to the part with the text/);
    await assert.rejects(decodeForOcr(pngOf(100000, 100000), 'bomb.png'), /PNG images of more than 512 megapixels are not read/);
  });

  it('a 60-KB PNG that inflates to 20000×20000 (400 megapixels) is read reduced, in bounded memory (CLI)', async (t) => {
    const bytes = oneBitPng(20000, 20000);
    assert.ok(bytes.length < 100_000, `${bytes.length} bytes`);
    const file = path.join(tmp, 'inflates.png');
    await fs.writeFile(file, bytes);
    const r = await extractText(file, t);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { width: number; height: number; reduced?: { width: number; height: number; smallestTextPx: number; message: string } };
    assert.deepEqual([json.width, json.height, json.reduced?.width, json.reduced?.height, json.reduced?.smallestTextPx], [20000, 20000, 4000, 4000, 48]);
    assert.match(json.reduced?.message ?? '', /^inflates\.png is 20000×20000 \(400\.0 megapixels\): its text was read at 4000×4000, .*text smaller than about 48 px may be missed/);
  });

  it('a 15000×15000 PNG cut short is refused as damaged, before decoding', async () => {
    const shot = await bigScreenshot(settingsPage('dark'), { width: 15000, height: 15000, zoom: 1, at: [[0, 0]], format: 'png' });
    await assert.rejects(decodeForOcr(shot.bytes.subarray(0, shot.bytes.length >> 1), 'cut.png'), (e: unknown) => e instanceof DamagedImageError && damagedMessage('cut.png').test(e.message) && /its text was not read/.test(e.message));
  });

  it('damaged images read reduced (4100×4000 PNG and JPEG, cut or flipped) are refused as damaged, as a whole decode refuses them', async () => {
    let refused = 0;
    // PNG and JPEG: the types read line by line and reduced as they are read (GIF and WebP are decoded whole first).
    const damaged = [];
    for (const format of ['png', 'jpeg'] as const) {
      const whole = await wholeImage(format, 4100, 4000);
      damaged.push({ name: `cut.${format}`, bytes: cutAtHalf(whole), what: `a ${format} cut at half` }, { name: `flipped.${format}`, bytes: flipMiddle(whole), what: `a ${format} with bytes flipped` });
    }
    for (const d of damaged) {
      // Not every change to JPEG data can be told (see damaged.ts): what a whole decode notices, the reduced one must.
      const mime = sniffImage(d.bytes)?.mime ?? '';
      if (!(await checkDecodes(d.name, d.bytes, mime, MAX_DECODED_PIXELS).then(() => false, () => true))) continue;
      refused++;
      await assert.rejects(decodeForOcr(d.bytes, d.name), (e: unknown) => e instanceof DamagedImageError && damagedMessage(d.name).test(e.message), d.what);
    }
    assert.ok(refused >= 3, `${refused} of 4 damaged images noticed by a whole decode`);
  });

  for (const [kind, make] of [['GIF', gifOnCanvas], ['WebP', webpOnCanvas]] as const) {
    it(`an animated ${kind} on a 10000×10000 canvas is refused (its decoder holds the whole canvas); on 6000×6000 its first frame is read`, async () => {
      // Frames of different greys (the encoders merge equal ones); the GIF's first in the far corner (see bigCanvas.ts).
      const squares = (canvas: number) => [0, 1, 2].map((k) => ({ x: k === 0 && kind === 'GIF' ? canvas - 400 : k * 800, y: k === 0 && kind === 'GIF' ? canvas - 400 : k * 800, grey: k % 2 ? 0 : 96 }));
      const bomb = await make(10000, 10000, squares(10000), 400);
      await assert.rejects(decodeForOcr(bomb, `bomb.${kind.toLowerCase()}`), new RegExp(`is a 10000×10000 ${kind.toUpperCase()} \\(100\\.0 megapixels\\); ${kind.toUpperCase()} images of more than ${MAX_WHOLE_DECODE_PIXELS / 1e6} megapixels are not read for their text \\(their decoder holds the whole picture\\)`));
      const d = await decodeForOcr(await make(6000, 6000, squares(6000), 400), `big.${kind.toLowerCase()}`);
      assert.deepEqual([d.width, d.height, d.grey.width * d.grey.height <= MAX_OCR_READ_PIXELS], [6000, 6000, true]);
      // The first frame only: its square is dark, where the later frames' squares are white.
      const s = d.unitScale;
      const first = kind === 'GIF' ? 6000 - 200 : 200;
      const later = 800 + 200;
      assert.ok((d.grey.data[Math.round(first / s) * d.grey.width + Math.round(first / s)] ?? 255) < 128, 'the first frame’s square');
      assert.ok((d.grey.data[Math.round(later / s) * d.grey.width + Math.round(later / s)] ?? 0) > 128, 'no later frame');
    });
  }

  it('an SVG with a huge viewBox is rendered within the budget, its text read in its own units', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200000 100000"><rect width="200000" height="100000" fill="#fff"/><text x="20000" y="40000" font-size="1500" font-family="sans-serif">Quarterly Revenue</text></svg>`;
    const d = await decodeForOcr(new TextEncoder().encode(svg), 'huge.svg');
    assert.deepEqual([d.width, d.height], [200000, 100000]);
    assert.ok(d.grey.width * d.grey.height <= MAX_OCR_READ_PIXELS * 1.001, `${d.grey.width}×${d.grey.height}`);
    assert.match(d.reduced?.message ?? '', /^huge\.svg is 200000×100000 \(20000\.0 megapixels\): its text was read at 565\d×282\d, the most read at once \(16 megapixels\)/);
    const engine = new OcrEngine();
    try {
      const r = await engine.recognize(new TextEncoder().encode(svg), { name: 'huge.svg' });
      assert.match(r.text, /Quarterly Revenue/);
      const line = r.lines.find((l) => l.text.includes('Quarterly'));
      assert.ok(line && Math.abs(line.box.x - 20000) < 300 && Math.abs(line.box.y + line.box.height - 40000) < 600, JSON.stringify(line?.box));
    } finally {
      await engine.dispose();
    }
  });

  it('an SVG claiming 1e30 px is read within the budget with a message in plain numbers; one too long and thin to read is refused, not called damaged', async () => {
    const absurd = await decodeForOcr(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="1e30" height="1e30"><text x="10" y="10">hi</text></svg>'), 'absurd.svg');
    assert.deepEqual([absurd.grey.width, absurd.grey.height], [4000, 4000]);
    assert.match(absurd.reduced?.message ?? '', /^absurd\.svg is 1\.0e\+30×1\.0e\+30 \(1\.0e\+54 megapixels\): its text was read at 4000×4000, .* text smaller than about 2\.4e\+27 px may be missed/);
    const thin = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10000000" height="1"><rect width="10" height="1"/></svg>');
    await assert.rejects(decodeForOcr(thin, 'thin.svg'), (e: unknown) => e instanceof DescribeError && !(e instanceof DamagedImageError) && e.code === 'bad-input' && e.message === 'thin.svg is 10000000×1: too long and thin to read (32767 px a side at most).');
  });

  it('a BMP header claiming 60000×60000 is refused before its pixels are decoded; a 6000×4000 TIFF is read reduced', async () => {
    const bmp = Buffer.alloc(62);
    bmp.write('BM', 0, 'latin1');
    bmp.writeUInt32LE(62, 10);
    bmp.writeUInt32LE(40, 14);
    bmp.writeInt32LE(60000, 18);
    bmp.writeInt32LE(60000, 22);
    bmp.writeUInt16LE(1, 26);
    bmp.writeUInt16LE(1, 28);
    await assert.rejects(decodeForOcr(bmp, 'bomb.bmp'), /bomb\.bmp is a 60000×60000 BMP \(3600\.0 megapixels\); BMP images of more than 50 megapixels are not read for their text \(their decoder holds the whole picture\)/);
    const tiff = await sharp({ create: { width: 6000, height: 4000, channels: 3, background: '#ffffff' } }).tiff().toBuffer();
    const d = await decodeForOcr(tiff, 'scan.tif');
    assert.deepEqual([d.grey.width, d.grey.height, d.reduced?.smallestTextPx], [4898, 3265, 12]);
  });

  it('one line of small text 21000 px long is read: enlarged for its small text, never wider than Tesseract takes', async () => {
    // 13-px text is enlarged about 2.3× for reading: 48000 px, which Tesseract cannot take ("Unexpected end of JSON input").
    const words = Array.from({ length: 150 }, (_, i) => `request${i} failed`).join(' ');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="21000" height="40"><rect width="100%" height="100%" fill="#fff"/><text x="8" y="26" font-family="DejaVu Sans" font-size="13" fill="#222">${words}</text></svg>`;
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    const engine = new OcrEngine();
    try {
      const r = await engine.recognize(png, { name: 'log-line.png' });
      const { share } = wordsFound([words], r.text);
      assert.ok(share >= 0.9, `${(share * 100).toFixed(1)} % of the words: ${r.text.slice(0, 300)}`);
    } finally {
      await engine.dispose();
    }
  });

  it('a strip longer than Tesseract takes (100000×40) is read at 32767 px wide', async () => {
    const png = await sharp({ create: { width: 100000, height: 40, channels: 3, background: '#ffffff' } }).png().toBuffer();
    const d = await decodeForOcr(png, 'strip.png');
    assert.deepEqual([d.grey.width, d.grey.height], [MAX_OCR_SIDE, 13]);
    assert.match(d.reduced?.message ?? '', /the most read at once \(32767 px a side\)/);
  });
});
