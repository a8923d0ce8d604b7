/**
 * Animations on a huge canvas (decompression bombs): a few KB of APNG, GIF or WebP whose small frames sit on a
 * 10000×10000 canvas. The CLI's `--dry-run` runs as its own process and its peak resident memory is measured (the
 * process's own maxRSS, not the machine's): a canvas beyond the cap is refused with a message naming the cap, before
 * any frame is decoded; an animation within the cap is read with only resized copies of its chosen frames kept. The
 * same bomb as a still GIF (one small frame on a huge screen) is refused by the still images' own cap.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeThumbnail } from '../../../src/core/images';
import { apngOnCanvas, gifOnCanvas, webpOnCanvas, type SquareFrame } from '../../support/bigCanvas';
import { runCliProcess } from '../../support/cli';

/** The peak a dry run may reach (Node and sharp alone take about 90 MB). */
const PEAK_LIMIT = 400 * 1024 * 1024;
const MB = 1024 * 1024;

let tmp = '';
before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'di-canvas-'));
});
after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** A dry run of `file` whose peak memory stays under the limit (said in the test's diagnostics). */
async function dryRunInLittleMemory(file: string, t: { diagnostic(message: string): void }) {
  const r = await dryRun(file);
  const peak = r.peakBytes ?? Infinity;
  t.diagnostic(`peak memory ${Math.round(peak / MB)} MB`);
  assert.ok(peak < PEAK_LIMIT, `peak memory ${Math.round(peak / MB)} MB (limit ${PEAK_LIMIT / MB} MB)`);
  return r;
}

function dryRun(file: string) {
  return runCliProcess(['--dry-run', file], { cwd: tmp, guardLog: path.join(tmp, 'network-guard.log'), measureMemory: true });
}

/** Five squares down the diagonal of a `canvas`-px canvas, the first (for the GIF) in the far corner. */
function squares(canvas: number, size: number): SquareFrame[] {
  return [0, 1, 2, 3, 4].map((k) => {
    const at = k === 0 ? canvas - size : k * 2 * size;
    return { x: at, y: at, grey: k % 2 ? 0 : 96 };
  });
}

type Make = (canvas: number, size: number) => Buffer | Promise<Buffer>;
const formats: readonly [string, string, Make][] = [
  // The APNG's first frame is the white canvas itself; the squares follow.
  ['APNG', 'png', (canvas, size) => apngOnCanvas(canvas, canvas, squares(canvas, size).slice(1), size)],
  ['GIF', 'gif', (canvas, size) => gifOnCanvas(canvas, canvas, squares(canvas, size), size)],
  ['WebP', 'webp', (canvas, size) => webpOnCanvas(canvas, canvas, squares(canvas, size), size)],
];

describe('animations on a huge canvas (CLI --dry-run, peak memory measured)', () => {
  for (const [name, ext, make] of formats) {
    it(`${name}: tiny frames on a 10000×10000 canvas are refused, naming the cap, in little memory`, async (t) => {
      const file = path.join(tmp, `bomb.${ext}`);
      const bytes = await make(10000, 64);
      assert.ok(bytes.length < 40_000, `${name} bomb is ${bytes.length} bytes`);
      await fs.writeFile(file, bytes);
      const r = await dryRunInLittleMemory(file, t);
      assert.equal(r.code, 2, `exit code 2 (bad input): ${r.stdout.slice(0, 300)} ${r.stderr}`);
      assert.match(r.stderr, /bomb\.\w+ is an animation of 10000×10000 px/);
      assert.match(r.stderr, /frames up to 16\.8 megapixels \(4096×4096\)/);
      assert.match(r.stderr, /2048×2048/, 'says why: the service keeps at most 2048×2048 of any image');
      assert.equal(r.stdout, '', 'no report of what would be sent');
    });

    it(`${name}: five frames on a 4000×4000 canvas are read, keeping only resized copies of the chosen frames`, async (t) => {
      const file = path.join(tmp, `big.${ext}`);
      await fs.writeFile(file, await make(4000, 400));
      const r = await dryRunInLittleMemory(file, t);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as { images: { originalWidth: number; sentWidth: number; animation: { totalFrames: number; imagesSent: number } }[] };
      const image = report.images[0];
      assert.equal(image?.originalWidth, 4000);
      assert.equal(image?.animation.totalFrames, 5);
      assert.equal(image?.animation.imagesSent, 5, 'every frame is a screen seen for a second: all five go');
      assert.equal(image?.sentWidth, 768, 'sent at the size the service uses (shortest side 768)');
    });
  }

  it('a still GIF of one small frame on a 20000×20000 screen (129 bytes) is refused, naming the cap, in little memory', async (t) => {
    const file = path.join(tmp, 'still.gif');
    const bytes = await gifOnCanvas(20000, 20000, [{ x: 20000 - 64, y: 20000 - 64, grey: 0 }], 64);
    assert.ok(bytes.length < 1000, `${bytes.length} bytes`);
    await fs.writeFile(file, bytes);
    const r = await dryRunInLittleMemory(file, t);
    assert.equal(r.code, 2, `exit code 2 (bad input): ${r.stdout.slice(0, 300)} ${r.stderr}`);
    assert.match(r.stderr, /still\.gif is a 20000×20000 GIF \(400\.0 megapixels\); GIF images of more than 50 megapixels are not read/);
    assert.equal(r.stdout, '');
  });

  it('the paste panel makes no thumbnail of a still GIF on a 15000×15000 screen: refused before decoding', async () => {
    // 225 megapixels: under sharp's own default limit (268), which let it decode the whole screen (about 1 GB).
    const bytes = await gifOnCanvas(15000, 15000, [{ x: 15000 - 64, y: 15000 - 64, grey: 0 }], 64);
    await assert.rejects(makeThumbnail(bytes), /exceeds pixel limit/);
    // A GIF within the cap still gets its thumbnail.
    const small = await gifOnCanvas(64, 48, [{ x: 0, y: 0, grey: 0 }], 32);
    assert.match((await makeThumbnail(small)) ?? '', /^data:image\/png;base64,/);
  });
});
