/**
 * Bulk alt-text generation against the Azure-like server: one bad image never stops the rest, a wrong key stops the
 * run after one request with one error, a cancel is a cancel, duplicates are sent once, the prompt carries the
 * context, and the cache key holds everything that changes the answer (shared safely by two runs).
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { altCacheKey, altPrompt, FileAltCache, generateAltTexts, type AltCacheKeyParts } from '../../../src/core/docs';
import { altRunSetup } from '../../support/altRun';
import { image } from '../../support/paths';

const { server, dir, settings, client: clientOf, withClient } = altRunSetup({
  answer: (req) => `Image of a ${req.images[0]?.width}x${req.images[0]?.height} picture.`,
  prefix: 'di-gen-',
  fill: async (dir) => {
    await fs.copyFile(image('ui.png'), path.join(dir, 'a.png'));
    await fs.copyFile(image('ui.png'), path.join(dir, 'a-copy.png'));
    await fs.copyFile(image('photo.jpg'), path.join(dir, 'b.jpg'));
    await fs.copyFile(image('not-an-image.png'), path.join(dir, 'bad.png'));
  },
});
// Every use in the same context (the same heading and text): copies of one image are one request.
const jobs = (...names: string[]) => names.map((n, i) => ({ id: `${i}`, source: path.join(dir, n), context: { heading: 'Setup', text: 'Step 1: open the dialog.' } }));

describe('generating alt text in bulk', () => {
  it('sends each distinct image once, with its context; one bad image does not stop the rest', async () => {
    const run = await withClient((client) => generateAltTexts(jobs('a.png', 'bad.png', 'a-copy.png', 'b.jpg'), { settings: settings(), client }));
    assert.equal(run.fatal, undefined);
    assert.deepEqual(
      [...run.results.entries()].sort().map(([id, o]) => [id, o.ok ? o.alt : o.status]),
      [
        ['0', 'A 160x100 picture.'],
        ['1', 'failed'],
        ['2', 'A 160x100 picture.'],
        ['3', 'A 120x80 picture.'],
      ],
    );
    assert.equal(server.requests.length, 2, 'a.png and its copy are one request; bad.png is refused before sending');
    const prompt = JSON.stringify(server.requests[0]?.body);
    assert.match(prompt, /Section: \\"Setup\\"/);
    assert.match(prompt, /Text nearby: \\"Step 1: open the dialog\.\\"/);
  });

  it('an image that is not a file yet (a pasted screenshot) goes the same way: sent once, cached, the same as its file', async () => {
    const client = clientOf();
    const cache = await FileAltCache.load(path.join(dir, 'pasted-cache.json'));
    const bytes = await fs.readFile(path.join(dir, 'a.png'));
    const pasted = [{ id: 'p1', source: 'image.png', bytes }, { id: 'p2', source: 'image-1.png', bytes }];
    const first = await generateAltTexts(pasted, { settings: settings(), client, cache });
    assert.equal(server.requests.length, 1, 'two pastes of the same screenshot are one request');
    assert.equal(server.requests[0]?.images[0]?.declaredMime, 'image/png');
    assert.deepEqual([...first.results.values()].map((o) => (o.ok ? o.alt : o.status)), ['A 160x100 picture.', 'A 160x100 picture.']);
    const asFile = await generateAltTexts(jobs('a-copy.png').map((j) => ({ ...j, context: undefined })), { settings: settings(), client, cache });
    await client.close();
    assert.equal(server.requests.length, 1, 'the same image saved as a file is answered from the cache');
    assert.deepEqual([...asFile.results.values()].map((o) => (o.ok ? o.cached : o.status)), [true]);
  });

  it('a wrong key stops the whole run after one request, with one error', async () => {
    const run = await withClient((client) => generateAltTexts(jobs('a.png', 'b.jpg', 'bad.png'), { settings: settings(), client, maxConcurrency: 1 }), 'wrong-key-1234');
    assert.equal(run.fatal?.code, 'auth');
    assert.equal(server.requests.length, 1);
    assert.deepEqual(
      [...run.results.values()].map((o) => (o.ok ? 'ok' : o.status)).sort(),
      ['failed', 'stopped', 'stopped'],
    );
  });

  it('a cancel is reported as cancelled, not as errors', async () => {
    server.latencyMs = 400;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const client = clientOf();
    try {
      const run = await generateAltTexts(jobs('a.png', 'b.jpg'), { settings: settings(), client, signal: controller.signal });
      assert.equal(run.cancelled, true);
      assert.equal(run.fatal, undefined);
      assert.deepEqual([...run.results.values()].map((o) => (o.ok ? 'ok' : o.status)), ['cancelled', 'cancelled']);
    } finally {
      server.latencyMs = 0;
      await client.close();
    }
  });
});

describe('the alt-text cache', () => {
  const base: AltCacheKeyParts = { contentHash: 'h', endpoint: 'https://a.openai.azure.com', model: 'gpt-4o', systemPrompt: 's', userPrompt: 'u', detail: undefined, resize: true, maxLength: 125, maxFrames: 6 };

  it('has a different key for anything that changes the answer', () => {
    const variants: Partial<AltCacheKeyParts>[] = [{ contentHash: 'h2' }, { endpoint: 'https://b.openai.azure.com' }, { model: 'gpt-4.1' }, { systemPrompt: 's2' }, { userPrompt: 'u2' }, { detail: 'low' }, { resize: false }, { maxLength: 80 }, { maxFrames: 1 }];
    const keys = new Set([altCacheKey(base), ...variants.map((v) => altCacheKey({ ...base, ...v }))]);
    assert.equal(keys.size, variants.length + 1);
    assert.equal(altCacheKey({ ...base }), altCacheKey(base));
  });

  it('is shared safely by two runs at once, and keeps the newest entries under its cap', async () => {
    const file = path.join(dir, 'cache.json');
    const one = await FileAltCache.load(file, 3);
    const two = await FileAltCache.load(file, 3);
    one.set('k1', 'from one');
    two.set('k2', 'from two');
    await Promise.all([one.save(), two.save()]);
    const merged = await FileAltCache.load(file, 3);
    assert.equal(merged.get('k1'), 'from one');
    assert.equal(merged.get('k2'), 'from two');
    for (const k of ['k3', 'k4', 'k5']) {
      merged.set(k, k);
      await new Promise((r) => setTimeout(r, 5));
    }
    await merged.save();
    const capped = await FileAltCache.load(file, 3);
    assert.equal(capped.size, 3);
    assert.equal(capped.get('k5'), 'k5');
    assert.equal(capped.get('k1'), undefined, 'the oldest went');
    assert.deepEqual((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp')), []);
  });

  it('the prompt asks to complement the text, only when there is context', () => {
    assert.doesNotMatch(altPrompt(125), /Where the image is used|do not repeat/);
    assert.match(altPrompt(100, { heading: 'Install', text: 'Run the installer.' }), /at most 100 characters[\s\S]*"Install"[\s\S]*"Run the installer\."[\s\S]*do not repeat/);
  });
});
