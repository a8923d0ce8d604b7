/**
 * Preparing screenshots for Tesseract, step by step, in the test's own thread (the worker thread runs the same
 * functions): the filters against brute force, resizing, the PGM handed to Tesseract, polarity and background on
 * rendered screenshots (test/support/screens.ts), and the x-height measured and scaled to.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeForOcr } from '../../../src/core/ocr';
import { extremeFilter, medianFilter } from '../../../src/core/ocr/filters';
import { normaliseByMorphology, polarityGrid, strokeBackgrounds } from '../../../src/core/ocr/polarity';
import { prepareForOcr } from '../../../src/core/ocr/prepare';
import type { GreyImage } from '../../../src/core/ocr/protocol';
import { resizeGrey } from '../../../src/core/ocr/resample';
import { measureText } from '../../../src/core/ocr/textSize';
import { toPgm } from '../../../src/core/ocr/worker';
import { buttons, render, settingsPage } from '../../support/screens';

// ---- the preparation on its own --------------------------------------------------------------------------------

function grey(width: number, height: number, f: (x: number, y: number) => number): GreyImage {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x, y);
  return { width, height, data };
}

function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24);
}

describe('preparing pixels for OCR', () => {
  it('the median filter agrees with sorting, edges included', () => {
    const next = random(7);
    const w = 23;
    const h = 17;
    const src = Uint8Array.from({ length: w * h }, next);
    const out = medianFilter(src, w, h, 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const values: number[] = [];
        for (let yy = Math.max(0, y - 3); yy <= Math.min(h - 1, y + 3); yy++) for (let xx = Math.max(0, x - 3); xx <= Math.min(w - 1, x + 3); xx++) values.push(src[yy * w + xx] ?? 0);
        values.sort((a, b) => a - b);
        assert.equal(out[y * w + x], values[(values.length - 1) >> 1], `at ${x},${y}`);
      }
    }
  });

  it('the max and min filters agree with brute force', () => {
    const next = random(11);
    const w = 19;
    const h = 13;
    const src = Uint8Array.from({ length: w * h }, next);
    // Wider than the image too (21 > 19): blocks cut at both ends.
    for (const k of [1, 3, 5, 7, 15, 21]) {
      for (const max of [true, false]) {
        const out = extremeFilter(src, w, h, k, max);
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            let m = max ? 0 : 255;
            for (let yy = Math.max(0, y - (k >> 1)); yy <= Math.min(h - 1, y + (k >> 1)); yy++) {
              for (let xx = Math.max(0, x - (k >> 1)); xx <= Math.min(w - 1, x + (k >> 1)); xx++) m = max ? Math.max(m, src[yy * w + xx] ?? 0) : Math.min(m, src[yy * w + xx] ?? 0);
            }
            assert.equal(out[y * w + x], m, `k=${k} ${max ? 'max' : 'min'} at ${x},${y}`);
          }
        }
      }
    }
  });

  it('resizing keeps flat areas flat and edges in place', () => {
    const img = grey(40, 20, (x) => (x < 20 ? 30 : 220));
    const big = resizeGrey(img, 100, 50);
    assert.equal(big.width, 100);
    assert.equal(big.height, 50);
    assert.equal(big.data[25 * 100 + 10], 30);
    assert.equal(big.data[25 * 100 + 90], 220);
    // The edge is at 50 (20 × 2.5): left of it dark, right of it light.
    assert.ok((big.data[25 * 100 + 47] ?? 0) < 100 && (big.data[25 * 100 + 52] ?? 0) > 150);
    const small = resizeGrey(img, 20, 10);
    assert.equal(small.data[5 * 20 + 2], 30);
    assert.equal(small.data[5 * 20 + 18], 220);
  });

  it('writes a PGM whose pixels start after byte 500', () => {
    const pgm = toPgm(grey(3, 2, (x, y) => x + 10 * y));
    const text = Buffer.from(pgm).toString('latin1');
    assert.ok(text.startsWith('P5\n#'));
    const headerEnd = pgm.length - 6;
    assert.ok(headerEnd > 500);
    assert.match(text.slice(0, headerEnd), /\n3 2\n255\n$/);
    assert.deepEqual([...pgm.subarray(headerEnd)], [0, 1, 2, 10, 11, 12]);
  });

  it('turns a white-on-blue button into dark text on white, with no marks at its edges', async () => {
    const png = await render(buttons());
    const decoded = await decodeForOcr(png, 'buttons.png');
    const g = decoded.grey;
    const backgrounds = strokeBackgrounds(g, 5);
    const out = normaliseByMorphology(g, polarityGrid(g, 21, backgrounds), backgrounds);
    const at = (x: number, y: number): number => out.data[y * g.width + x] ?? -1;
    // The blue of "Save Changes" (20..160 × 20..48) is now white, its corners and borders too; its label is dark.
    for (const [x, y] of [[21, 21], [159, 21], [21, 47], [159, 47], [90, 22], [90, 46], [22, 34], [158, 34]] as const) assert.equal(at(x, y), 255, `${x},${y}`);
    let dark = 0;
    for (let y = 26; y < 44; y++) for (let x = 30; x < 130; x++) if (at(x, y) < 128) dark++;
    assert.ok(dark > 150, `label pixels: ${dark}`);
    // The page around it stays white.
    assert.equal(at(10, 10), 255);
  });

  it('reads dark themes as light-on-dark and light themes as they are', async () => {
    const dark = await decodeForOcr(await render(settingsPage('dark')), 'dark.png');
    const light = await decodeForOcr(await render(settingsPage('light')), 'light.png');
    assert.ok(polarityGrid(dark.grey, 21).invertedShare > 0.95);
    assert.ok(polarityGrid(light.grey, 21).invertedShare < 0.02);
  });

  it('measures the x-height of text (DejaVu Sans: 0.55 em) and scales it to about 16 px', async () => {
    for (const size of [10, 13, 20, 32]) {
      const decoded = await decodeForOcr(await render(settingsPage('light', size)), 'page.png');
      const prepared = prepareForOcr(decoded.grey);
      const expected = 0.55 * size;
      assert.ok(prepared.xHeight !== undefined && Math.abs(prepared.xHeight - expected) <= Math.max(1.5, expected * 0.2), `${size} px: x-height ${prepared.xHeight}, expected about ${expected}`);
      assert.ok(Math.abs((prepared.xHeight ?? 0) * prepared.scale - 16) < 3.5 || prepared.scale === 3, `${size} px: scale ${prepared.scale}`);
      assert.equal(prepared.image.width, Math.round(decoded.grey.width * prepared.scale));
    }
    assert.equal(measureText(grey(50, 50, () => 255)).xHeight, undefined);
  });

  it('leaves the image alone when both steps are off', () => {
    const img = grey(10, 10, (x) => x * 20);
    assert.equal(prepareForOcr(img, { rescale: false, normalise: false }).image, img);
  });
});
