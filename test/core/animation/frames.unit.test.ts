/**
 * Animated images: reading GIF, WebP and APNG (frames, delays, APNG blend/dispose), choosing the frames that show
 * the action, and sending them as frames or as one numbered contact sheet. Every animation is generated here with
 * the project's own tools (sharp writes GIF and WebP from a stacked raw strip, upng-js writes APNG, resvg renders
 * text), so the tests say exactly what each frame holds.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import * as UPNG from 'upng-js';
import { DescribeError } from '../../../src/core/base';
import {
  animationNote,
  animationPrompt,
  chooseFrames,
  compareSendModes,
  frameChange,
  isAnimatedImage,
  isApng,
  isNearDuplicate,
  MAX_ANIMATION_FRAMES,
  prepareAnimation,
  readAnimation,
  SHEET_GUTTER,
  type FrameChoice,
  type PreparedAnimation,
} from '../../../src/core/animation';
import { loadImageBytes, type LocalImage } from '../../../src/core/images';
import { rasteriseSvg, targetSize } from '../../../src/core/images';

// ---- making animations -------------------------------------------------------------------------------------------

type Rgb = readonly [number, number, number];

/** An RGBA frame filled with one colour. */
function canvas(w: number, h: number, rgb: Rgb = [238, 238, 238]): Buffer {
  const b = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) b.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
  return b;
}

function fillRect(f: Buffer, w: number, x: number, y: number, rw: number, rh: number, rgb: Rgb): Buffer {
  for (let yy = y; yy < y + rh; yy++) for (let xx = x; xx < x + rw; xx++) f.set([rgb[0], rgb[1], rgb[2], 255], (yy * w + xx) * 4);
  return f;
}

/**
 * Copies of the frames, each with one pixel of the bottom row set to a slightly different grey: invisible in a
 * thumbnail, but the encoders then keep every frame (they merge identical ones, as some screen recorders do not).
 */
function keepEveryFrame(frames: readonly Buffer[], w: number, h: number): Buffer[] {
  return frames.map((f, i) => {
    const c = Buffer.from(f);
    const o = ((h - 1) * w + (i % w)) * 4;
    c[o] = c[o + 1] = c[o + 2] = (c[o] ?? 0) > 127 ? 0 : 255;
    return c;
  });
}

function strip(frames: readonly Buffer[], w: number, h: number) {
  return sharp(Buffer.concat(frames), { raw: { width: w, height: h * frames.length, channels: 4, pageHeight: h } });
}
const gif = (frames: readonly Buffer[], w: number, h: number, delays: number[]) => strip(frames, w, h).gif({ delay: delays, loop: 0 }).toBuffer();
const webp = (frames: readonly Buffer[], w: number, h: number, delays: number[], lossless = true) => strip(frames, w, h).webp({ delay: delays, loop: 0, lossless, quality: 75 }).toBuffer();
function apng(frames: readonly Buffer[], w: number, h: number, delays: number[]): Buffer {
  const buffers = frames.map((f) => f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength) as ArrayBuffer);
  return Buffer.from(UPNG.encode(buffers, w, h, 0, delays));
}

/** A 24-px red square moving left to right over `n` frames, across the middle. */
function movingSquare(n: number, w = 320, h = 180): Buffer[] {
  return Array.from({ length: n }, (_, i) => fillRect(canvas(w, h), w, squareX(i, n, w), Math.floor(h / 2) - 12, 24, 24, [204, 0, 0]));
}
const squareX = (i: number, n: number, w: number) => 8 + Math.round(((w - 40) * i) / (n - 1));

/** A UI: header bar and a few lines of "text". */
function ui(w: number, h: number): Buffer {
  const f = fillRect(canvas(w, h, [250, 250, 250]), w, 0, 0, w, 16, [50, 50, 50]);
  for (let k = 0; k < 5; k++) fillRect(f, w, 20, 40 + k * 18, 120 + ((k * 37) % 90), 8, [90, 90, 90]);
  return f;
}

/** 40 frames of the same UI, then 5 with a dialog open. */
function stillThenChange(w = 320, h = 180): Buffer[] {
  const still = ui(w, h);
  const dialog = fillRect(fillRect(Buffer.from(still), w, 90, 50, 140, 80, [255, 255, 255]), w, 100, 60, 120, 12, [30, 90, 200]);
  return keepEveryFrame([...Array.from({ length: 40 }, () => still), ...Array.from({ length: 5 }, () => dialog)], w, h);
}

const TYPED = 'Describe the recording';
/** Text typed letter by letter (DejaVu via resvg): 5 blank frames, each letter held 2 frames, then 10 frames. */
async function typing(w = 640, h = 360, fontSize = 10): Promise<{ frames: Buffer[]; letterFrame: (k: number) => number }> {
  const render = async (text: string) => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="#ffffff"/><rect width="100%" height="20" fill="#333333"/><text x="30" y="80" font-family="DejaVu Sans Mono" font-size="${fontSize}" fill="#111111">${text}</text></svg>`;
    const { png } = await rasteriseSvg(Buffer.from(svg), 'high');
    return sharp(png).resize(w, h, { fit: 'fill' }).ensureAlpha().raw().toBuffer();
  };
  const frames: Buffer[] = [];
  const blank = await render('');
  for (let i = 0; i < 5; i++) frames.push(blank);
  for (let k = 1; k <= TYPED.length; k++) {
    const f = await render(TYPED.slice(0, k));
    frames.push(f, f);
  }
  for (let i = 0; i < 10; i++) frames.push(frames[frames.length - 1] as Buffer);
  return { frames: keepEveryFrame(frames, w, h), letterFrame: (k) => 5 + 2 * (k - 1) };
}

function local(bytes: Buffer, name: string): LocalImage {
  return loadImageBytes({ name, bytes }, { convertible: () => true, allowOversize: true });
}

const decode = (dataUrl: string) => Buffer.from(dataUrl.split(',')[1] ?? '', 'base64');
const tileTokens = (w: number, h: number, detail: 'low' | 'high') => {
  if (detail === 'low') return 85;
  const t = targetSize(w, h, detail);
  return 85 + 170 * Math.ceil(t.width / 512) * Math.ceil(t.height / 512);
};

async function thumbsOf(bytes: Buffer, mime: string) {
  const anim = await readAnimation(bytes, mime);
  const t = await anim.thumbnails();
  return { anim, thumbs: t.frames, minChange: t.minChange };
}

function assertNoNearDuplicates(thumbs: readonly Uint8Array[], chosen: readonly FrameChoice[], minChange: number): void {
  for (let a = 0; a < chosen.length; a++) {
    for (let b = a + 1; b < chosen.length; b++) {
      const ia = (chosen[a] as FrameChoice).index;
      const ib = (chosen[b] as FrameChoice).index;
      assert.ok(!isNearDuplicate(thumbs[ia] as Uint8Array, thumbs[ib] as Uint8Array, minChange), `frames ${ia} and ${ib} are near-duplicates`);
    }
  }
}

function assertInTimeOrder(chosen: readonly FrameChoice[], startsMs: readonly number[]): void {
  for (let k = 0; k < chosen.length; k++) {
    const c = chosen[k] as FrameChoice;
    assert.equal(c.timeMs, startsMs[c.index], `time of frame ${c.index}`);
    if (k > 0) assert.ok(c.index > (chosen[k - 1] as FrameChoice).index, 'in time order, no repeats');
  }
}

// ---- a hand-written APNG, for blend and dispose cases upng-js's encoder never writes --------------------------------

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0); // checked, as PNG decoders check it
  return Buffer.concat([head, data, crc]);
}

interface HandFrame {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly rgba: Buffer;
  readonly delay: number;
  readonly dispose: 0 | 1 | 2;
  readonly blend: 0 | 1;
}

function handApng(w: number, h: number, frames: readonly HandFrame[], options: { defaultImageSeparate?: boolean } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const actl = Buffer.alloc(8);
  actl.writeUInt32BE(frames.length, 0);
  const pixels = (f: { w: number; h: number; rgba: Buffer }) => {
    const rows = Buffer.alloc((f.w * 4 + 1) * f.h);
    for (let y = 0; y < f.h; y++) f.rgba.copy(rows, y * (f.w * 4 + 1) + 1, y * f.w * 4, (y + 1) * f.w * 4);
    return deflateSync(rows);
  };
  const chunks = [pngChunk('IHDR', ihdr), pngChunk('acTL', actl)];
  let seq = 0;
  if (options.defaultImageSeparate) chunks.push(pngChunk('IDAT', pixels({ w, h, rgba: canvas(w, h, [0, 0, 0]) })));
  frames.forEach((f, i) => {
    const fctl = Buffer.alloc(26);
    fctl.writeUInt32BE(seq++, 0);
    fctl.writeUInt32BE(f.w, 4);
    fctl.writeUInt32BE(f.h, 8);
    fctl.writeUInt32BE(f.x, 12);
    fctl.writeUInt32BE(f.y, 16);
    fctl.writeUInt16BE(f.delay, 20);
    fctl.writeUInt16BE(1000, 22);
    fctl[24] = f.dispose;
    fctl[25] = f.blend;
    chunks.push(pngChunk('fcTL', fctl));
    if (i === 0 && !options.defaultImageSeparate) chunks.push(pngChunk('IDAT', pixels(f)));
    else {
      const s = Buffer.alloc(4);
      s.writeUInt32BE(seq++, 0);
      chunks.push(pngChunk('fdAT', Buffer.concat([s, pixels(f)])));
    }
  });
  chunks.push(pngChunk('IEND', Buffer.alloc(0)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks]);
}

/** The RGBA values of one pixel of a decoded frame. */
function px(raw: { width: number; data: Buffer } | undefined, x: number, y: number): number[] {
  assert.ok(raw, 'a frame was decoded');
  return [...raw.data.subarray((y * raw.width + x) * 4, (y * raw.width + x) * 4 + 4)];
}

// ---- tests -------------------------------------------------------------------------------------------------------

describe('reading animations', () => {
  const delays = [100, 200, 300, 50, 250];
  const frames = () => keepEveryFrame(movingSquare(5, 64, 48), 64, 48);

  for (const [format, make, mime] of [
    ['gif', () => gif(frames(), 64, 48, delays), 'image/gif'],
    ['webp', () => webp(frames(), 64, 48, delays), 'image/webp'],
    ['apng', async () => apng(frames(), 64, 48, delays), 'image/png'],
  ] as const) {
    it(`reads an animated ${format.toUpperCase()}: frames, size, delays, times`, async () => {
      const bytes = await make();
      assert.ok(isAnimatedImage(bytes, mime), 'recognised as animated from its headers');
      const anim = await readAnimation(bytes, mime);
      assert.equal(anim.format, format);
      assert.equal(anim.frameCount, 5);
      assert.deepEqual([anim.width, anim.height], [64, 48]);
      assert.deepEqual(anim.delaysMs, delays);
      assert.deepEqual(anim.startsMs, [0, 100, 300, 600, 650]);
      assert.equal(anim.durationMs, 900);
      const [first, last] = await anim.frames([0, 4]);
      assert.deepEqual([first?.width, first?.height, first?.data.length], [64, 48, 64 * 48 * 4]);
      const source = frames();
      for (const [k, raw] of [[0, first], [4, last]] as const) {
        const want = source[k] as Buffer;
        let differing = 0;
        for (let i = 0; i < want.length; i++) if (Math.abs((want[i] ?? 0) - (raw?.data[i] ?? 0)) > 2) differing++;
        assert.ok(differing <= 8, `frame ${k} decoded as written (${differing} bytes differ)`);
        assert.deepEqual(px(raw, squareX(k, 5, 64) + 12, 24), [204, 0, 0, 255], `the square of frame ${k}`);
      }
      const thumbs = await anim.thumbnails();
      assert.equal(thumbs.frames.length, 5);
      assert.deepEqual([thumbs.width, thumbs.height], [64, 48], 'thumbnails are never enlarged');
    });
  }

  it('reads a still image as one frame', async () => {
    const png = await sharp(canvas(40, 30), { raw: { width: 40, height: 30, channels: 4 } }).png().toBuffer();
    assert.equal(isAnimatedImage(png, 'image/png'), false);
    assert.equal(isApng(png), false);
    const anim = await readAnimation(png, 'image/png');
    assert.deepEqual([anim.format, anim.frameCount, anim.durationMs], ['still', 1, 0]);
    const still = await gif([canvas(40, 30)], 40, 30, [100]);
    assert.equal(isAnimatedImage(still, 'image/gif'), false);
    const stillWebp = await sharp(png).webp().toBuffer();
    assert.equal(isAnimatedImage(stillWebp, 'image/webp'), false);
  });

  it('plays delays of 10 ms or less as 100 ms, as browsers do', async () => {
    const bytes = await gif(frames(), 64, 48, [0, 10, 20, 100, 30]);
    const anim = await readAnimation(bytes, 'image/gif');
    assert.deepEqual(anim.delaysMs, [100, 100, 20, 100, 30]);
    assert.equal(anim.durationMs, 350);
  });

  it('composites APNG frames exactly as upng-js does (partial frames, blend and dispose)', async () => {
    const w = 96;
    const h = 64;
    const source = keepEveryFrame(movingSquare(12, w, h).map((f, i) => fillRect(f, w, (i * 7) % 80, 5, 10, 10, [0, 120, 0])), w, h);
    const bytes = apng(source, w, h, Array(12).fill(80) as number[]);
    const decoded = UPNG.decode(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    assert.ok(decoded.frames.some((f) => f.rect.width < w || f.rect.height < h), 'upng-js wrote partial frames');
    const reference = UPNG.toRGBA8(decoded).map((b) => Buffer.from(b));
    const anim = await readAnimation(bytes, 'image/png');
    const ours = await anim.frames(Array.from({ length: 12 }, (_, i) => i));
    for (let i = 0; i < 12; i++) assert.ok((ours[i] as { data: Buffer }).data.equals(reference[i] as Buffer), `frame ${i} matches upng-js`);
  });

  it('APNG: dispose to background, dispose to previous, blend over, and a default image outside the animation', async () => {
    const red = canvas(4, 4, [255, 0, 0]);
    const blue = canvas(2, 2, [0, 0, 255]);
    const halfGreen = Buffer.from([0, 255, 0, 128]);
    const bytes = handApng(
      4,
      4,
      [
        { x: 0, y: 0, w: 4, h: 4, rgba: red, delay: 100, dispose: 0, blend: 0 },
        { x: 1, y: 1, w: 2, h: 2, rgba: blue, delay: 100, dispose: 2, blend: 0 }, // then restore what was there
        { x: 0, y: 0, w: 1, h: 1, rgba: halfGreen, delay: 100, dispose: 1, blend: 1 }, // then clear to transparent
        { x: 3, y: 3, w: 1, h: 1, rgba: Buffer.from([9, 9, 9, 255]), delay: 100, dispose: 0, blend: 0 },
      ],
      { defaultImageSeparate: true },
    );
    assert.ok(isApng(bytes));
    const anim = await readAnimation(bytes, 'image/png');
    assert.equal(anim.frameCount, 4, 'the default image is not a frame');
    const [f0, f1, f2, f3] = await anim.frames([0, 1, 2, 3]);
    assert.deepEqual(px(f0, 1, 1), [255, 0, 0, 255]);
    assert.deepEqual(px(f1, 1, 1), [0, 0, 255, 255], 'frame 1 draws blue');
    assert.deepEqual(px(f2, 1, 1), [255, 0, 0, 255], 'disposed to previous: red again');
    const [r, g, b, a] = px(f2, 0, 0);
    assert.ok(Math.abs((r ?? 0) - 127) <= 1 && Math.abs((g ?? 0) - 128) <= 1 && b === 0 && a === 255, `half green over red: ${[r, g, b, a].join(',')}`);
    assert.deepEqual(px(f3, 0, 0), [0, 0, 0, 0], 'disposed to background: transparent');
    assert.deepEqual(px(f3, 3, 3), [9, 9, 9, 255]);
    assert.deepEqual(px(f3, 2, 2), [255, 0, 0, 255]);
  });

  it('refuses more than 5,000 frames, or too many pixels in all, with a clear bad-input error', async () => {
    const tiny = (n: number, w: number, h: number) =>
      handApng(
        w,
        h,
        Array.from({ length: n }, (_, i) => ({ x: 0, y: 0, w: 1, h: 1, rgba: Buffer.from([i & 255, 0, 0, 255]), delay: 40, dispose: 0 as const, blend: 0 as const })),
      );
    await assert.rejects(readAnimation(tiny(MAX_ANIMATION_FRAMES + 1, 2, 2), 'image/png', 'long.png'), (e: unknown) => {
      assert.ok(e instanceof DescribeError && e.code === 'bad-input', String(e));
      assert.match(e.message, /long\.png has 5,001 frames; animations of more than 5,000 frames are not read/);
      return true;
    });
    const ok = await readAnimation(tiny(MAX_ANIMATION_FRAMES, 2, 2), 'image/png');
    assert.equal(ok.frameCount, MAX_ANIMATION_FRAMES);
    await assert.rejects(readAnimation(tiny(1500, 3840, 2160), 'image/png', 'huge.png'), /huge\.png is 1,500 frames of 3840×2160, too much to read here/);
  });

  it('turns undecodable bytes into a bad-input error', async () => {
    const good = await gif(frames(), 64, 48, delays);
    await assert.rejects(readAnimation(good.subarray(0, 40), 'image/gif', 'cut.gif'), (e: unknown) => e instanceof DescribeError && e.code === 'bad-input' && /cut\.gif/.test(e.message));
    const png = apng(frames(), 64, 48, delays);
    await assert.rejects(readAnimation(png.subarray(0, 200), 'image/png', 'cut.png'), (e: unknown) => e instanceof DescribeError && e.code === 'bad-input');
  });
});

describe('choosing frames', () => {
  it('a long still followed by a change picks the change (and only one frame of each)', async () => {
    for (const [mime, bytes] of [
      ['image/gif', await gif(stillThenChange(), 320, 180, Array(45).fill(100) as number[])],
      ['image/webp', await webp(stillThenChange(), 320, 180, Array(45).fill(100) as number[], false)],
      ['image/png', apng(stillThenChange(), 320, 180, Array(45).fill(100) as number[])],
    ] as const) {
      const { anim, thumbs, minChange } = await thumbsOf(bytes, mime);
      assert.equal(anim.frameCount, 45, `${mime}: every frame kept`);
      const chosen = chooseFrames(thumbs, anim.delaysMs, { maxFrames: 6, minChange });
      assert.deepEqual(chosen, [
        { index: 0, timeMs: 0 },
        { index: 40, timeMs: 4000 },
      ], mime);
    }
  });

  it('typing: frames spread along the typing, the finished text last', async () => {
    const { frames, letterFrame } = await typing();
    const bytes = await gif(frames, 640, 360, Array(frames.length).fill(100) as number[]);
    const { anim, thumbs, minChange } = await thumbsOf(bytes, 'image/gif');
    const chosen = chooseFrames(thumbs, anim.delaysMs, { maxFrames: 6, minChange });
    assert.equal(chosen.length, 6);
    assert.equal(chosen[0]?.index, 0, 'the blank start');
    assert.equal(chosen[5]?.index, letterFrame(TYPED.length), 'the moment the last letter appears');
    assertInTimeOrder(chosen, anim.startsMs);
    assertNoNearDuplicates(thumbs, chosen, minChange);
    // Between the first and last letter, the picks are spread: no gap more than twice the even spacing.
    const letters = chosen.slice(1).map((c) => (c.index - 5) / 2 + 1);
    for (const l of letters) assert.ok(Number.isInteger(l) && l >= 1 && l <= TYPED.length, `pick on a letter: ${l}`);
    const even = TYPED.length / 5;
    for (let k = 1; k < letters.length; k++) assert.ok((letters[k] as number) - (letters[k - 1] as number) <= 2 * even, `letters ${letters.join(', ')} are spread`);
  });

  it('every typed letter is a change, even small text in a wide frame', async () => {
    const { frames, letterFrame } = await typing(1280, 720, 14);
    const bytes = await gif(frames, 1280, 720, Array(frames.length).fill(100) as number[]);
    const { thumbs, minChange } = await thumbsOf(bytes, 'image/gif');
    for (let k = 1; k <= TYPED.length; k++) {
      const before = thumbs[letterFrame(k) - 1] as Uint8Array;
      const after = thumbs[letterFrame(k)] as Uint8Array;
      if (TYPED[k - 1] === ' ') assert.ok(isNearDuplicate(before, after, minChange), 'a space changes nothing');
      else assert.ok(!isNearDuplicate(before, after, minChange), `letter ${k} (${TYPED[k - 1]}) is seen`);
      assert.ok(isNearDuplicate(after, thumbs[letterFrame(k) + 1] as Uint8Array, minChange), 'a held frame is a near-duplicate');
    }
  });

  it('a moving square: picks spread evenly over the motion, first and last included', async () => {
    const frames = movingSquare(30);
    const bytes = await gif(frames, 320, 180, Array(30).fill(50) as number[]);
    const { anim, thumbs, minChange } = await thumbsOf(bytes, 'image/gif');
    const chosen = chooseFrames(thumbs, anim.delaysMs, { maxFrames: 6, minChange });
    assert.deepEqual(chosen.map((c) => c.index), [0, 6, 12, 18, 24, 29]);
    assertInTimeOrder(chosen, anim.startsMs);
    assert.equal(chosen[5]?.timeMs, 29 * 50);
  });

  it('near-duplicates are never picked twice: a panel opened, closed, opened again', async () => {
    const w = 320;
    const h = 180;
    const a = ui(w, h);
    const b = fillRect(Buffer.from(a), w, 200, 60, 100, 90, [30, 90, 200]); // a panel, seen 1.2 s each time
    const c = fillRect(Buffer.from(a), w, 20, 140, 200, 20, [200, 30, 30]); // an error bar
    const seq = [...Array(12).fill(a), ...Array(12).fill(b), ...Array(12).fill(a), ...Array(12).fill(b), ...Array(12).fill(a), ...Array(12).fill(c)] as Buffer[];
    const bytes = await gif(keepEveryFrame(seq, w, h), w, h, Array(seq.length).fill(100) as number[]);
    const { anim, thumbs, minChange } = await thumbsOf(bytes, 'image/gif');
    const chosen = chooseFrames(thumbs, anim.delaysMs, { maxFrames: 6, minChange });
    assert.deepEqual(chosen.map((x) => x.index), [0, 12, 60]);
    assertNoNearDuplicates(thumbs, chosen, minChange);
  });

  it('a blinking caret or a hover that comes and goes within a second is not a state of its own', async () => {
    const w = 320;
    const h = 180;
    const a = ui(w, h);
    const caretOff = fillRect(Buffer.from(a), w, 141, 112, 2, 12, [250, 250, 250]);
    const caretOn = fillRect(Buffer.from(a), w, 141, 112, 2, 12, [20, 20, 20]);
    const hover = fillRect(Buffer.from(caretOn), w, 200, 60, 100, 24, [210, 225, 245]);
    const done = fillRect(Buffer.from(caretOn), w, 20, 140, 200, 20, [30, 160, 60]);
    // 6 s of a caret blinking every 500 ms, a 300-ms hover in the middle, then a change held 1 s.
    const seq: Buffer[] = [];
    for (let k = 0; k < 12; k++) seq.push(...Array(5).fill(k % 2 ? caretOff : caretOn), ...(k === 6 ? [hover, hover, hover] : []));
    seq.push(...Array(10).fill(done));
    const bytes = await gif(keepEveryFrame(seq, w, h), w, h, Array(seq.length).fill(100) as number[]);
    const { anim, thumbs, minChange } = await thumbsOf(bytes, 'image/gif');
    assert.ok(!isNearDuplicate(thumbs[0] as Uint8Array, thumbs[5] as Uint8Array, minChange), 'the caret is a visible change');
    assert.deepEqual(chooseFrames(thumbs, anim.delaysMs, { maxFrames: 6, minChange }).map((x) => x.index), [0, seq.length - 10]);
  });

  it('the budget holds; a budget of 1 is the first frame only', async () => {
    const bytes = await gif(movingSquare(30), 320, 180, Array(30).fill(100) as number[]);
    const { anim, thumbs, minChange } = await thumbsOf(bytes, 'image/gif');
    for (let budget = 1; budget <= 12; budget++) {
      const chosen = chooseFrames(thumbs, anim.delaysMs, { maxFrames: budget, minChange });
      assert.equal(chosen.length, budget, `budget ${budget}`);
      assert.equal(chosen[0]?.index, 0);
      if (budget > 1) assert.equal(chosen[chosen.length - 1]?.index, 29, 'the last state');
      assertInTimeOrder(chosen, anim.startsMs);
    }
    assert.deepEqual(chooseFrames(thumbs, anim.delaysMs, { maxFrames: 1 }), [{ index: 0, timeMs: 0 }]);
  });

  it('frame times follow the delays', () => {
    const t = (v: number) => new Uint8Array(16).fill(v);
    const thumbs = [t(0), t(0), t(100), t(100), t(200)];
    const chosen = chooseFrames(thumbs, [120, 30, 500, 40, 70], { maxFrames: 6 });
    assert.deepEqual(chosen, [
      { index: 0, timeMs: 0 },
      { index: 2, timeMs: 150 },
      { index: 4, timeMs: 690 },
    ]);
  });

  it('when the animation comes back to where it started, the end is not sent again', () => {
    const t = (v: number) => new Uint8Array(16).fill(v);
    const chosen = chooseFrames([t(0), t(0), t(120), t(120), t(0), t(0)], Array(6).fill(500) as number[], { maxFrames: 6 });
    assert.deepEqual(chosen.map((c) => c.index), [0, 2]);
    assert.deepEqual(chooseFrames([t(50), t(50), t(52)], [100, 100, 100]), [{ index: 0, timeMs: 0 }], 'noise is no change');
  });

  it('key screens (seen for a second or more) come first; the rest of the budget goes by time spent changing', () => {
    // A still, a 10-frame slide of a big panel, a still, 12 quick small changes, a final still.
    const n = 16 * 16;
    const frame = (fill: (i: number) => number) => Uint8Array.from({ length: n }, (_, i) => fill(i));
    const thumbs: Uint8Array[] = [];
    const delays: number[] = [];
    const push = (f: Uint8Array, d: number) => {
      thumbs.push(f);
      delays.push(d);
    };
    push(frame(() => 240), 2000); // 0: start
    for (let s = 1; s <= 10; s++) push(frame((i) => (i % 16 < s ? 40 : 240)), 40); // 1..10: slide in
    push(frame((i) => (i % 16 < 11 ? 40 : 240)), 3000); // 11: panel open
    for (let s = 1; s <= 12; s++) push(frame((i) => (i % 16 < 11 ? 40 : Math.floor(i / 16) < s ? 200 : 240)), 100); // 12..23: small changes
    push(frame((i) => (i % 16 < 11 ? 40 : Math.floor(i / 16) < 13 ? 200 : 240)), 3000); // 24: final
    const chosen = chooseFrames(thumbs, delays, { maxFrames: 3 });
    assert.deepEqual(chosen.map((c) => c.index), [0, 11, 24], 'the three states a viewer reads');
    const more = chooseFrames(thumbs, delays, { maxFrames: 6 }).map((c) => c.index);
    for (const k of [0, 11, 24]) assert.ok(more.includes(k), `key state ${k} kept in ${more.join(', ')}`);
    assert.equal(more.length, 6);
    // The small changes took 1.2 s, the slide 0.4 s: more of the remaining frames go to the small changes.
    const inSmall = more.filter((k) => k >= 12 && k <= 23).length;
    const inSlide = more.filter((k) => k >= 1 && k <= 10).length;
    assert.ok(inSmall > inSlide, `${more.join(', ')}`);
    // Too many key screens: those that differ most from the one before are kept.
    const slides = [0, 200, 0, 10, 0, 200, 0].map((v, k) => Uint8Array.from({ length: n }, (_, i) => (i < 128 ? v : 255 - k * 30)));
    assert.deepEqual(chooseFrames(slides, Array(7).fill(2000) as number[], { maxFrames: 3 }).length, 3);
  });

  it('measures change on grey thumbnails, above the noise', () => {
    const a = new Uint8Array(100).fill(100);
    const b = Uint8Array.from(a, (v, i) => (i < 10 ? v + 8 : v));
    assert.ok(isNearDuplicate(a, b), 'within the noise');
    assert.equal(frameChange(a, b), 0);
    const c = Uint8Array.from(a, (v, i) => (i < 10 ? 255 : v));
    assert.ok(!isNearDuplicate(a, c));
    assert.ok(Math.abs(frameChange(a, c) - (10 * (155 - 8)) / (100 * (255 - 8))) < 1e-12);
  });
});

describe('frames or one contact sheet', () => {
  it('follows the tile formula for both, at the size the service gives one frame', () => {
    const big = compareSendModes(1280, 720, 6, 'high');
    assert.deepEqual(big.frame, { width: 1280, height: 720 });
    assert.equal(big.framesTokens, 6 * tileTokens(1280, 720, 'high'));
    assert.equal(big.framesTokens, 6630);
    assert.equal(big.sheetLegible, false, 'two cells side by side are wider than 2048 px');
    assert.equal(big.choice, 'frames');

    const small = compareSendModes(320, 180, 6, 'high');
    assert.equal(small.framesTokens, 6 * tileTokens(320, 180, 'high'));
    assert.deepEqual([small.sheet.cols, small.sheet.rows, small.sheet.width, small.sheet.height], [3, 2, 3 * 320 + 2 * SHEET_GUTTER, 2 * 180 + SHEET_GUTTER]);
    assert.equal(small.sheetTokens, tileTokens(968, 364, 'high'));
    assert.equal(small.sheetTokens, 425);
    assert.equal(small.choice, 'sheet');

    assert.equal(compareSendModes(320, 180, 6, undefined).choice, 'sheet', 'auto counts as high');
    const low = compareSendModes(320, 180, 6, 'low');
    assert.deepEqual([low.framesTokens, low.sheetLegible, low.choice], [6 * 85, false, 'frames']);
    const tinyLow = compareSendModes(160, 90, 6, 'low');
    assert.deepEqual([tinyLow.framesTokens, tinyLow.sheetTokens, tinyLow.sheetLegible, tinyLow.choice], [510, 85, true, 'sheet']);
    const scaled = compareSendModes(3840, 2160, 4, 'high');
    assert.deepEqual(scaled.frame, targetSize(3840, 2160, 'high'), 'a 4K frame counts at the size the service uses');
    assert.equal(compareSendModes(320, 180, 1, 'high').choice, 'frames', 'one frame is just an image');
  });

  it('prepares frames: one image per chosen frame, at the service size, never enlarged', async () => {
    const { frames } = await typing();
    const bytes = await gif(frames, 640, 360, Array(frames.length).fill(100) as number[]);
    const low = await prepareAnimation(local(bytes, 'typing.gif'), { detail: 'low', maxFrames: 6 });
    assert.equal(low.mode, 'frames');
    assert.equal(low.images.length, 6);
    assert.equal(low.estimatedTokens, 6 * 85);
    for (const img of low.images) {
      assert.deepEqual([img.sentWidth, img.sentHeight], [512, 288]);
      const meta = await sharp(decode(img.url)).metadata();
      assert.deepEqual([meta.width, meta.height], [512, 288]);
      assert.equal(img.estimatedTokens, 85);
    }
    const t = await (await readAnimation(bytes, 'image/gif')).thumbnails();
    assert.deepEqual(low.frames.map((f) => f.index), chooseFrames(t.frames, Array(frames.length).fill(100) as number[], { maxFrames: 6, minChange: t.minChange }).map((f) => f.index));
    assert.match(low.images[1]?.notes.join(' ') ?? '', /^Frame \d+ of 59, at \d+\.\d s\.$/);

    const small = await gif(movingSquare(8, 160, 90), 160, 90, Array(8).fill(100) as number[]);
    const kept = await prepareAnimation(local(small, 'small.gif'), { detail: 'high', maxFrames: 3, mode: 'frames' });
    assert.deepEqual(kept.images.map((i) => [i.sentWidth, i.sentHeight]), [[160, 90], [160, 90], [160, 90]], 'never enlarged');
    assert.equal(kept.estimatedTokens, 3 * 255);
  });

  it('prepares a numbered contact sheet when it costs fewer tokens, with the numbers really drawn', async () => {
    const w = 320;
    const h = 180;
    const source = movingSquare(30, w, h);
    const bytes = await gif(source, w, h, Array(30).fill(100) as number[]);
    const result = await prepareAnimation(local(bytes, 'square.gif'), { detail: 'high', maxFrames: 6 });
    assert.equal(result.mode, 'sheet');
    assert.equal(result.images.length, 1);
    const [img] = result.images;
    assert.deepEqual([img?.sentWidth, img?.sentHeight], [968, 364]);
    assert.equal(result.estimatedTokens, 425);
    assert.equal(result.estimatedTokens, result.costs.sheetTokens);
    assert.ok(result.estimatedTokens < result.costs.framesTokens);
    const { data, info } = await sharp(decode(img?.url ?? '')).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height], [968, 364]);
    const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    const cellLeft = (k: number) => (k % 3) * (w + SHEET_GUTTER);
    const cellTop = (k: number) => Math.floor(k / 3) * (h + SHEET_GUTTER);
    // Each cell shows its frame: the red square where the chosen frame has it.
    result.frames.forEach((f, k) => {
      const [r, g, b] = at(cellLeft(k) + squareX(f.index, 30, w) + 12, cellTop(k) + 90);
      assert.ok((r ?? 0) > 150 && (g ?? 255) < 80 && (b ?? 255) < 80, `cell ${k + 1} shows frame ${f.index + 1}'s square`);
      const [br, bg, bb] = at(cellLeft(k) + 300, cellTop(k) + 150);
      assert.ok((br ?? 0) > 200 && (bg ?? 0) > 200 && (bb ?? 0) > 200, `cell ${k + 1} background`);
    });
    // Gutters between cells.
    assert.ok((at(w + 1, 50)[0] ?? 255) < 100, 'a dark gutter');
    // The numbers: a dark badge in each cell's top-left corner, with light glyph pixels, different for each number.
    const badge = (k: number) => {
      const cells: number[] = [];
      for (let y = 0; y < 20; y++) for (let x = 0; x < 18; x++) cells.push((at(cellLeft(k) + x, cellTop(k) + y)[0] ?? 0) > 128 ? 1 : 0);
      return cells;
    };
    const badges = result.frames.map((_, k) => badge(k));
    for (const [k, b] of badges.entries()) {
      const light = b.reduce((s, v) => s + v, 0);
      assert.ok(light > 0.06 * b.length && light < 0.5 * b.length, `badge ${k + 1} has a glyph (${light} light pixels of ${b.length})`);
    }
    for (let a = 0; a < badges.length; a++) for (let b = a + 1; b < badges.length; b++) assert.notDeepEqual(badges[a], badges[b], `numbers ${a + 1} and ${b + 1} differ`);
    // Without the badge, the frame's own pixels there are background (light): the badge really covers them.
    assert.ok((at(cellLeft(0) + 1, cellTop(0) + 1)[0] ?? 255) < 60, 'the badge is drawn over the frame');
    assert.match(result.note, /^frames 1, \d+, \d+, \d+, \d+ and 30 of 30 \(0\.0 s … 2\.9 s\) of a 3\.0-second animated GIF, sent as a contact sheet$/);
  });

  it('maxFrames 1 sends the first frame only, as before', async () => {
    const bytes = await gif(stillThenChange(), 320, 180, Array(45).fill(100) as number[]);
    const one = await prepareAnimation(local(bytes, 'still.gif'), { detail: 'high', maxFrames: 1 });
    assert.deepEqual(one.frames, [{ index: 0, timeMs: 0 }]);
    assert.equal(one.images.length, 1);
    assert.equal(one.mode, 'frames');
    assert.equal(one.totalFrames, 45);
    assert.equal(one.estimatedTokens, 255);
    assert.equal(one.note, 'frame 1 of 45 (0.0 s) of a 4.5-second animated GIF, sent as 1 image');
    assert.equal(animationPrompt(one), 'This image is the first frame (0.0 s) of a 4.5-second animated GIF of 45 frames; the other frames are not shown.');
    const { data } = await sharp(decode(one.images[0]?.url ?? '')).raw().toBuffer({ resolveWithObject: true });
    assert.ok(data.length > 0);
    const two = await prepareAnimation(local(bytes, 'still.gif'), { detail: 'high', maxFrames: 6 });
    assert.deepEqual(two.frames.map((f) => f.index), [0, 40]);
  });

  it('WebP and APNG go through the same preparation', async () => {
    const frames = stillThenChange();
    const delays = Array(45).fill(100) as number[];
    for (const [name, bytes, format] of [
      ['rec.webp', await webp(frames, 320, 180, delays), 'webp'],
      ['rec.png', apng(frames, 320, 180, delays), 'apng'],
    ] as const) {
      const r = await prepareAnimation(local(bytes, name), { detail: 'high', maxFrames: 6, mode: 'frames' });
      assert.equal(r.format, format);
      assert.deepEqual(r.frames, [
        { index: 0, timeMs: 0 },
        { index: 40, timeMs: 4000 },
      ]);
      assert.equal(r.images.length, 2);
      const sheet = await prepareAnimation(local(bytes, name), { detail: 'high', maxFrames: 6 });
      assert.equal(sheet.mode, 'sheet', '2 frames of 320×180, one above the other, fit one tile: 255 tokens instead of 2 × 255');
      assert.deepEqual([sheet.costs.sheet.cols, sheet.costs.sheet.rows], [1, 2]);
      assert.deepEqual([sheet.images[0]?.sentWidth, sheet.images[0]?.sentHeight], [320, 2 * 180 + SHEET_GUTTER]);
      assert.equal(sheet.estimatedTokens, tileTokens(320, 2 * 180 + SHEET_GUTTER, 'high'));
      assert.equal(sheet.estimatedTokens, 255);
    }
  });

  it('a forced sheet that would not fit is sent at the size the service would use', async () => {
    const w = 1280;
    const h = 720;
    const bytes = await gif(keepEveryFrame([ui(w, h), fillRect(ui(w, h), w, 400, 300, 300, 200, [30, 90, 200])], w, h), w, h, [1000, 1000]);
    const r = await prepareAnimation(local(bytes, 'big.gif'), { detail: 'high', maxFrames: 6, mode: 'sheet' });
    assert.equal(r.mode, 'sheet');
    assert.equal(r.costs.sheetLegible, false);
    assert.deepEqual([r.images[0]?.sentWidth, r.images[0]?.sentHeight], [r.costs.sheetSent.width, r.costs.sheetSent.height]);
    assert.deepEqual(targetSize(r.costs.sheetSent.width, r.costs.sheetSent.height, 'high'), r.costs.sheetSent, 'the service would not shrink it again');
    const auto = await prepareAnimation(local(bytes, 'big.gif'), { detail: 'high', maxFrames: 6 });
    assert.equal(auto.mode, 'frames', '1280×720 frames are not legible in one sheet');
    assert.equal(auto.estimatedTokens, 2 * 1105);
  });
});

describe('telling the model and the user', () => {
  const base = { totalFrames: 45, durationMs: 4500, format: 'gif' as const };
  const frames = [0, 11, 29, 30, 43, 44].map((index) => ({ index, timeMs: index * 100 }));

  it('says which frames, when, and how they are sent', () => {
    const images = [{}] as PreparedAnimation['images'];
    assert.equal(animationNote({ ...base, frames, mode: 'sheet', images }), 'frames 1, 12, 30, 31, 44 and 45 of 45 (0.0 s … 4.4 s) of a 4.5-second animated GIF, sent as a contact sheet');
    assert.equal(animationNote({ ...base, frames, mode: 'frames', images: Array(6).fill({}) as PreparedAnimation['images'] }), 'frames 1, 12, 30, 31, 44 and 45 of 45 (0.0 s … 4.4 s) of a 4.5-second animated GIF, sent as 6 images');
  });

  it('says nothing special about a still image', async () => {
    const png = await sharp(canvas(40, 30), { raw: { width: 40, height: 30, channels: 4 } }).png().toBuffer();
    const r = await prepareAnimation(local(png, 'still.png'), { detail: 'high', maxFrames: 6 });
    assert.deepEqual([r.format, r.totalFrames, r.images.length, r.mode, r.estimatedTokens], ['still', 1, 1, 'frames', 255]);
    assert.equal(r.note, 'a still image (one frame), sent as 1 image');
    assert.equal(animationPrompt(r), '');
  });

  it('tells the model what it gets, in order', () => {
    assert.equal(
      animationPrompt({ ...base, frames, mode: 'frames' }),
      'These 6 images are frames 1, 12, 30, 31, 44 and 45 of a 4.5-second animated GIF of 45 frames, in time order (at 0.0 s, 1.1 s, 2.9 s, 3.0 s, 4.3 s and 4.4 s).',
    );
    assert.equal(
      animationPrompt({ ...base, format: 'webp', frames: frames.slice(0, 3), mode: 'sheet' }),
      'This image is a contact sheet of 3 frames (frames 1, 12 and 30) of a 4.5-second animated WebP of 45 frames, numbered 1–3 in reading order (left to right, top to bottom), in time order: 1 at 0.0 s, 2 at 1.1 s and 3 at 2.9 s.',
    );
  });
});
