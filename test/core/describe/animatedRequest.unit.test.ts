/**
 * Animated images through the whole describe path, against the Azure-like server: a screen recording goes as its
 * chosen frames (each at the size the service uses) after a text part that says which frames they are; small frames
 * as one contact sheet; several animations share the 10 images a request takes; --frames 1 and --no-resize keep the
 * old behaviour. The recordings are made here: a UI that opens a dialog, like a docs GIF.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { apiKeyCredential } from '../../../src/core/net';
import { nodeTransport } from '../../../src/core/nodeHttp';
import { ChatClient } from '../../../src/core/net';
import { describeImages, prepareImages } from '../../../src/core/describe';
import { ANIMATION_ALT_ASK, generateAltTexts } from '../../../src/core/docs';
import { buildChatBody, wireImageCount } from '../../../src/core/net';
import { resolveSettings } from '../../../src/core/base';
import { AzureLikeServer } from '../../support/azureServer';
import { image } from '../../support/paths';
import { renderFooter } from '../../../src/core/describe';

const server = new AzureLikeServer();
before(() => server.start());
after(() => server.stop());
beforeEach(() => {
  server.requests.length = 0;
});
const settings = () => resolveSettings({ endpoint: server.url, deployment: 'gpt-4o' });

type Rgb = readonly [number, number, number];
function rect(f: Buffer, w: number, x: number, y: number, rw: number, rh: number, rgb: Rgb): Buffer {
  for (let yy = y; yy < y + rh; yy++) for (let xx = x; xx < x + rw; xx++) f.set([rgb[0], rgb[1], rgb[2], 255], (yy * w + xx) * 4);
  return f;
}

/**
 * A recording of `w`×`h`: the app idle for 2 s, a dialog opening, the dialog held 1.5 s, a toast for 1 s. Each frame
 * differs by one pixel in the bottom row (as real recorders' noise), so encoders keep every frame.
 */
async function recording(w: number, h: number): Promise<Buffer> {
  const base = rect(Buffer.alloc(w * h * 4, 245), w, 0, 0, w, Math.round(h / 20), [40, 40, 40]);
  for (let k = 0; k < 8; k++) rect(base, w, Math.round(w / 30), Math.round(h / 8) + k * Math.round(h / 20), Math.round(w / 3) + ((k * 53) % Math.round(w / 5)), Math.max(2, Math.round(h / 60)), [90, 90, 90]);
  const dialog = rect(rect(Buffer.from(base), w, Math.round(w / 3), Math.round(h / 3), Math.round(w / 3), Math.round(h / 3), [255, 255, 255]), w, Math.round(w / 3) + 10, Math.round(h / 3) + 10, Math.round(w / 4), Math.max(3, Math.round(h / 40)), [20, 90, 200]);
  const toast = rect(Buffer.from(dialog), w, Math.round(w * 0.65), Math.round(h * 0.85), Math.round(w / 3.2), Math.round(h / 12), [30, 120, 60]);
  const frames = [...Array<Buffer>(20).fill(base), ...Array<Buffer>(15).fill(dialog), ...Array<Buffer>(10).fill(toast)].map((f, i) => {
    const c = Buffer.from(f);
    const o = ((h - 1) * w + (i % w)) * 4;
    c[o] = c[o + 1] = c[o + 2] = 0;
    return c;
  });
  return sharp(Buffer.concat(frames), { raw: { width: w, height: h * frames.length, channels: 4, pageHeight: h } })
    .gif({ delay: frames.map(() => 100), loop: 0 })
    .toBuffer();
}

let wide: Buffer;
let small: Buffer;
before(async () => {
  [wide, small] = await Promise.all([recording(1280, 720), recording(320, 180)]);
});
const source = (bytes: Buffer, name: string) => ({ name, bytes });

describe('animated images on the wire', () => {
  it('a 1280×720 recording goes as its chosen frames after a caption that names them, each at the service size', async () => {
    const result = await describeImages({ settings: settings(), credential: apiKeyCredential(server.key), sources: [source(wide, 'dialog.gif')] });
    const [req] = server.requests;
    assert.ok(req);
    const parts = ((req.body?.['messages'] as { content: unknown }[])[1]?.content ?? []) as { type: string; text?: string }[];
    assert.equal(parts[0]?.text, 'Describe this image in detail.', "the user's prompt stays first");
    assert.equal(parts[1]?.type, 'text');
    // Exactly the three screens a viewer reads: idle, the dialog (frame 21, at 2 s), the toast (frame 36); the last
    // frame shows the toast again, so it is not sent twice.
    assert.equal(parts[1]?.text, 'These 3 images are frames 1, 21 and 36 of a 4.5-second animated GIF of 45 frames, in time order (at 0.0 s, 2.0 s and 3.5 s). Describe what happens.', 'what they are, then what to do with them');
    assert.ok(parts.slice(2).every((p) => p.type === 'image_url'));
    const frames = result.images[0]?.animation?.frames.map((f) => f.index + 1) ?? [];
    assert.deepEqual(frames, [1, 21, 36]);
    assert.equal(req.images.length, 3);
    for (const i of req.images) assert.deepEqual([i.width, i.height], [1280, 720]);
    assert.deepEqual(result.warnings, []);
    assert.match(renderFooter(result), /- \*\*Frames sent:\*\* dialog\.gif: frames 1, 21 and 36 of 45 \(0\.0 s … 3\.5 s\) of a 4\.5-second animated GIF, sent as 3 images\n/);
    assert.equal(result.estimatedImageTokens, frames.length * 1105);
  });

  it('small frames go as one numbered contact sheet when it costs fewer tokens', async () => {
    await describeImages({ settings: settings(), credential: apiKeyCredential(server.key), sources: [source(small, 'small.gif')] });
    const [req] = server.requests;
    assert.equal(req?.images.length, 1);
    assert.match(JSON.stringify(req?.body), /contact sheet of \d frames .* numbered 1–\d in reading order/);
  });

  it('several animations share the 10 images of a request; a still keeps its place', async () => {
    const images = await prepareImages([source(wide, 'a.gif'), source(wide, 'b.gif'), image('ui.png')], { maxFrames: 6 });
    assert.ok(wireImageCount(images) <= 10, String(wireImageCount(images)));
    assert.equal(images[2]?.animation, undefined);
    assert.deepEqual(images[0]?.warnings, ['a.gif: at most 4 of the 6 frames asked could be sent (a request takes 10 images, shared among the animations).']);
    const body = buildChatBody(settings(), images, { tokenParam: 'max_tokens', stream: false });
    const kinds = body.messages[1].content.map((p) => p.type);
    const sent = images.map((i) => i.animation?.sentImages ?? 1);
    assert.ok((sent[0] ?? 0) >= 3 && (sent[0] ?? 0) <= 4, 'the three screens, within the shared budget of 4');
    const expected = ['text', 'text', ...Array<string>(sent[0] ?? 0).fill('image_url'), 'text', ...Array<string>(sent[1] ?? 0).fill('image_url'), 'image_url'];
    assert.deepEqual(kinds, expected, 'each animation: its caption, then its frames; the still last');
  });

  it('maxFrames 1 sends the first frame only and says so; without resizing an animated GIF is refused before sending', async () => {
    const [one] = await prepareImages([source(wide, 'dialog.gif')], { maxFrames: 1 });
    assert.ok(one);
    assert.equal(wireImageCount([one]), 1);
    assert.match(one.caption ?? '', /the first frame \(0\.0 s\) of a 4\.5-second animated GIF of 45 frames; the other frames are not shown/);
    await assert.rejects(prepareImages([source(wide, 'dialog.gif')], { resize: false }), /dialog\.gif is an animated GIF \(45 frames\); the service takes only non-animated GIFs/);
  });

  it('a recording whose frames cannot be read (over 5,000 of them) goes as its first frame, with a note saying why', async () => {
    // 5,001 different 4×4 frames (each a different pattern, so the encoder keeps every one).
    const frames = Array.from({ length: 5001 }, (_, i) => {
      const f = Buffer.alloc(4 * 4 * 4, 255);
      for (let b = 0; b < 13; b++) if ((i >> b) & 1) f.fill(0, b * 4, b * 4 + 3);
      return f;
    });
    const long = await sharp(Buffer.concat(frames), { raw: { width: 4, height: 4 * frames.length, channels: 4, pageHeight: 4 } })
      .gif({ delay: frames.map(() => 20), loop: 0 })
      .toBuffer();
    const [one] = await prepareImages([source(long, 'long.gif')]);
    assert.ok(one);
    assert.equal(wireImageCount([one]), 1);
    assert.equal(one.animation, undefined);
    assert.deepEqual(one.warnings, ['long.gif: the frames could not be chosen (long.gif has 5,001 frames; animations of more than 5,000 frames are not read. Trim the recording or send a still.); only the first frame was sent.']);
  });

  it('alt text for a recording asks what happens in it, in one sentence; the frame count is part of the cache key', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'di-anim-'));
    try {
      const file = path.join(dir, 'dialog.gif');
      await fs.writeFile(file, wide);
      const client = new ChatClient({ credential: apiKeyCredential(server.key), transport: nodeTransport() });
      const run = await generateAltTexts([{ id: 'one', source: file }], { settings: settings(), client, maxFrames: 3 });
      await client.close();
      assert.equal(run.results.get('one')?.ok, true, JSON.stringify(run.results.get('one')));
      const parts = ((server.requests[0]?.body?.['messages'] as { content: unknown }[])[1]?.content ?? []) as { type: string; text?: string }[];
      assert.match(parts[0]?.text ?? '', /^Write alt text for this image/);
      assert.equal(parts[1]?.text, `These 3 images are frames 1, 21 and 36 of a 4.5-second animated GIF of 45 frames, in time order (at 0.0 s, 2.0 s and 3.5 s). ${ANIMATION_ALT_ASK}`);
      assert.equal(server.requests[0]?.images.length, 3);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('a still GIF is not an animation', async () => {
    const [still] = await prepareImages([image('still.gif')]);
    assert.equal(still?.animation, undefined);
    assert.equal(still?.caption, undefined);
  });
});
