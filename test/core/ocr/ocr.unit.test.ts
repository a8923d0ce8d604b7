/**
 * Offline text extraction: screenshots with known text (test/support/screens.ts: SVG rendered by the project's own
 * resvg with the bundled DejaVu fonts) are read by the engine, and the words compared. Also: boxes in the original
 * image's pixels, reading order, cancel, bad input, the Markdown, and that no network request is ever made (a child
 * process with every network API disabled in every thread). The preparation steps on their own: prepare.unit.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeError } from '../../../src/core/base';
import { OcrEngine, ocrFiles, renderOcrMarkdown, type OcrResult } from '../../../src/core/ocr';
import { buttons, codeLines, render, SETTINGS, settingsPage, wordsFound, type Scene } from '../../support/screens';
import { animatedGif } from '../../support/damaged';

// ---- the engine ----------------------------------------------------------------------------------------------------

describe('reading text from screenshots', () => {
  let engine: OcrEngine;
  let tmp = '';
  const results = new Map<string, OcrResult>();
  const scenes: Record<string, Scene> = {
    light: settingsPage('light'),
    dark: settingsPage('dark'),
    small: settingsPage('light', 10.5),
    buttons: buttons(),
    code: codeLines(),
  };
  const read = async (name: string): Promise<OcrResult> => {
    const cached = results.get(name);
    if (cached) return cached;
    const scene = scenes[name];
    assert.ok(scene);
    const r = await engine.recognize(await render(scene), { name: `${name}.png` });
    results.set(name, r);
    return r;
  };

  before(async () => {
    engine = new OcrEngine();
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'di-ocr-'));
  });
  after(async () => {
    await engine.dispose();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  for (const [name, goal] of [['light', 0.98], ['dark', 0.98], ['small', 0.95], ['buttons', 0.95], ['code', 0.9]] as const) {
    it(`finds ≥ ${goal * 100} % of the words: ${name}`, async () => {
      const r = await read(name);
      const { share, missed } = wordsFound(scenes[name]?.lines ?? [], r.text);
      assert.ok(share >= goal, `${(share * 100).toFixed(1)} % found; missed: ${missed.join(' | ')}\n${r.text}`);
      assert.ok(r.meanConfidence > 70, `mean confidence ${r.meanConfidence}`);
    });
  }

  it('reads every button label, each as it is written', async () => {
    const r = await read('buttons');
    for (const label of ['Save Changes', 'Sign in', 'Delete Repository', 'Install Now', 'Open Settings', 'Retry Upload', 'Show Log', 'Cancel']) {
      assert.ok(r.lines.some((l) => l.text.includes(label)), `${label} not in:\n${r.text}`);
    }
  });

  it('keeps URLs and paths exact', async () => {
    const r = await read('code');
    for (const exact of ['https://api.github.com/repos/microsoft/vscode/issues?state=open&per_page=100', 'git@github.com:describe-image/describe-image.git', 'C:\\Users\\dev\\AppData\\Roaming\\Code\\User\\settings.json']) {
      assert.ok(r.text.includes(exact), `${exact} not in:\n${r.text}`);
    }
    const light = await read('light');
    assert.ok(light.text.includes('http://proxy.internal:3128'), light.text);
  });

  it('keeps reading order and line breaks: the sidebar, then each setting as title, description, value', async () => {
    const r = await read('light');
    const lines = r.lines.map((l) => l.text.trim());
    const at = (t: string): number => lines.findIndex((l) => l.includes(t));
    for (const [title, description, value] of SETTINGS) {
      const a = at(title);
      const b = at(description);
      assert.ok(a >= 0 && b === a + 1, `${title} then ${description}:\n${lines.join('\n')}`);
      assert.ok(lines[b + 1]?.includes(value), `${value} after ${description}:\n${lines.join('\n')}`);
    }
    assert.ok(at('Commonly Used') < at('Extensions') && at('Extensions') < at('Editor: Font Size'));
    // Lines of a block are separated by one line break, blocks by a blank line (the value sits in its own box).
    assert.match(r.text, /\nEditor: Font Size\nControls the font size in pixels\.\n\n14\n/);
  });

  it('gives boxes in the original image’s pixels', async () => {
    for (const name of ['buttons', 'small'] as const) {
      const r = await read(name);
      assert.ok(r.preparation.scale > 1.5, `${name} was enlarged (${r.preparation.scale})`);
      let checked = 0;
      const placed = scenes[name]?.placed ?? [];
      for (const [text, x, baseline, size] of placed) {
        const first = text.split(' ')[0] ?? '';
        const candidates = r.lines.flatMap((l) => l.words).filter((w) => w.text === first && Math.abs(w.box.y + w.box.height - baseline) < size);
        const word = candidates.sort((a, b) => Math.abs(a.box.x - x) - Math.abs(b.box.x - x))[0];
        if (!word) continue;
        assert.ok(Math.abs(word.box.x - x) <= 3, `${name} "${first}": x ${word.box.x}, drawn at ${x}`);
        assert.ok(Math.abs(word.box.y + word.box.height - baseline) <= size * 0.4, `${name} "${first}": bottom ${word.box.y + word.box.height}, baseline ${baseline}`);
        assert.ok(word.box.height >= size * 0.5 && word.box.height <= size * 1.4, `${name} "${first}": height ${word.box.height}`);
        checked++;
      }
      assert.ok(checked >= placed.length * 0.8, `${name}: ${checked} of ${placed.length} texts found where they were drawn`);
      assert.equal(r.width, name === 'buttons' ? 1024 : 1280);
    }
  });

  it('keeps the worker warm between calls', async () => {
    await read('light');
    const again = await engine.recognize(await render(scenes.buttons as Scene), { name: 'again.png' });
    assert.equal(again.coldStart, false);
    assert.ok(engine.warm);
  });

  it('cancels a running recognition at once, and the next call works', async () => {
    const big = await render(settingsPage('light', 10.5));
    await engine.warmUp();
    const controller = new AbortController();
    const started = performance.now();
    const running = engine.recognize(big, { signal: controller.signal, name: 'big.png' });
    setTimeout(() => controller.abort(), 150);
    await assert.rejects(running, (e: unknown) => e instanceof DescribeError && e.code === 'cancelled');
    assert.ok(performance.now() - started < 1500, 'the cancel answered quickly');
    assert.equal(engine.warm, false, 'the worker was ended');
    const r = await engine.recognize(await render(scenes.buttons as Scene), { name: 'after.png' });
    assert.equal(r.coldStart, true);
    assert.ok(r.text.includes('Save Changes'));
  });

  it('cancels a call that waits in the queue without stopping the one that runs', async () => {
    const png = await render(scenes.buttons as Scene);
    const first = engine.recognize(png, { name: 'first.png' });
    const controller = new AbortController();
    const second = engine.recognize(png, { name: 'second.png', signal: controller.signal });
    controller.abort();
    await assert.rejects(second, (e: unknown) => e instanceof DescribeError && e.code === 'cancelled');
    assert.ok((await first).text.includes('Sign in'));
    const already = new AbortController();
    already.abort();
    await assert.rejects(engine.recognize(png, { signal: already.signal }), (e: unknown) => e instanceof DescribeError && e.code === 'cancelled');
  });

  it('refuses what is not an image, and an image it cannot decode, with clear messages', async () => {
    await assert.rejects(engine.recognize(Buffer.from('just some text, not pixels'), { name: 'notes.png' }), (e: unknown) => e instanceof DescribeError && e.code === 'bad-input' && /notes\.png is not an image/.test(e.message));
    const png = await render(scenes.buttons as Scene);
    await assert.rejects(engine.recognize(png.subarray(0, 200), { name: 'cut.png' }), (e: unknown) => e instanceof DescribeError && e.code === 'bad-input' && /^cut\.png: the image is damaged or cut short \(.*\); its text was not read\.$/.test(e.message));
    // A GIF cut short decodes without a word in libvips: its missing trailer tells.
    const gif = await animatedGif(2);
    await assert.rejects(engine.recognize(gif.subarray(0, gif.length - 40), { name: 'cut.gif' }), (e: unknown) => e instanceof DescribeError && /^cut\.gif: the image is damaged or cut short \(it ends after \d+ bytes, before its trailer\); its text was not read\.$/.test(e.message));
    // The engine still works after refusing.
    assert.ok((await engine.recognize(png, { name: 'ok.png' })).text.includes('Install Now'));
  });

  it('reads an SVG, with boxes in its own units', async () => {
    const scene = buttons();
    const r = await engine.recognize(new TextEncoder().encode(scene.svg), { name: 'buttons.svg' });
    assert.equal(r.width, 1024);
    assert.ok(r.text.includes('Delete Repository'));
  });

  it('ends an idle worker, and starts it again when needed', async () => {
    const brief = new OcrEngine({ idleMs: 50 });
    try {
      await brief.recognize(await render(scenes.buttons as Scene), { name: 'idle.png' });
      assert.ok(brief.warm);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(brief.warm, false);
      assert.equal((await brief.recognize(await render(scenes.buttons as Scene), { name: 'again.png' })).coldStart, true);
    } finally {
      await brief.dispose();
    }
  });

  it('does not keep a process alive when the caller forgets to dispose', async () => {
    const png = path.join(tmp, 'buttons.png');
    await fs.writeFile(png, await render(scenes.buttons as Scene));
    const script = `const { OcrEngine } = require(${JSON.stringify(require.resolve('../../../src/core/ocr/engine'))});
new OcrEngine().recognize(require('node:fs').readFileSync(${JSON.stringify(png)})).then((r) => process.stdout.write(r.text));`;
    const started = performance.now();
    const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const p = spawn(process.execPath, ['-e', script]);
      let text = '';
      p.stdout.on('data', (d: Buffer) => (text += d.toString()));
      p.on('close', (code) => resolve({ code, stdout: text }));
    });
    assert.equal(out.code, 0);
    assert.ok(out.stdout.includes('Save Changes'), out.stdout);
    assert.ok(performance.now() - started < 30_000);
  });

  it('refuses to start after dispose', async () => {
    const other = new OcrEngine();
    await other.dispose();
    await assert.rejects(other.recognize(await render(scenes.buttons as Scene)), (e: unknown) => e instanceof DescribeError && e.code === 'cancelled');
  });

  it('uses one core build and the English model, from node_modules when not bundled', () => {
    const files = ocrFiles();
    assert.match(files.core, /tesseract\.js-core[\\/]tesseract-core-simd-lstm\.wasm$/);
    assert.match(files.languageDir, /@tesseract\.js-data[\\/]eng[\\/]4\.0\.0_best_int$/);
    assert.equal(path.basename(files.worker), 'worker.js');
  });

  it('never uses the network: every network API disabled in every thread, zero attempts, and nothing on stdout', async () => {
    const png = path.join(tmp, 'light.png');
    await fs.writeFile(png, await render(scenes.light as Scene));
    const log = path.join(tmp, 'network.log');
    const preload = path.join(tmp, 'no-network.cjs');
    await fs.writeFile(preload, NO_NETWORK_PRELOAD);
    const child = path.join(tmp, 'child.cjs');
    await fs.writeFile(
      child,
      `const fs = require('node:fs');
const { OcrEngine } = require(${JSON.stringify(require.resolve('../../../src/core/ocr/engine'))});
(async () => {
  const engine = new OcrEngine();
  const r = await engine.recognize(fs.readFileSync(${JSON.stringify(png)}), { name: 'light.png' });
  await engine.dispose();
  fs.appendFileSync(process.env.OCR_NETWORK_LOG, 'ocr done\\n');
  // The guard works: this must be refused and counted.
  let refused = false;
  try { await fetch('http://127.0.0.1:9/'); } catch { refused = true; }
  process.stdout.write(JSON.stringify({ text: r.text, refused }));
})().catch((e) => { console.error(e); process.exit(1); });
`,
    );
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, ['--require', preload, child], { env: { ...process.env, OCR_NETWORK_LOG: log } });
      let out = '';
      let err = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr.on('data', (d: Buffer) => (err += d.toString()));
      p.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout) as { text: string; refused: boolean };
    assert.ok(wordsFound(scenes.light?.lines ?? [], result.text).share >= 0.98, result.text);
    const events = (await fs.readFile(log, 'utf8')).trim().split('\n');
    const done = events.indexOf('ocr done');
    assert.ok(done > 0, events.join('\n'));
    assert.ok(events.slice(0, done).includes('guard installed in a worker thread'), `the worker thread was guarded too:\n${events.join('\n')}`);
    assert.deepEqual(events.slice(0, done).filter((e) => e.startsWith('attempt')), [], 'no network attempt while reading');
    assert.ok(result.refused && events.slice(done).some((e) => e.startsWith('attempt')), 'the guard refuses and counts (control)');
  });
});

/** Preloaded into every thread of the child process: every way to reach the network throws and is counted. */
const NO_NETWORK_PRELOAD = `'use strict';
const fs = require('node:fs');
const { isMainThread } = require('node:worker_threads');
const note = (line) => fs.appendFileSync(process.env.OCR_NETWORK_LOG, line + '\\n');
note(isMainThread ? 'guard installed in the main thread' : 'guard installed in a worker thread');
const refuse = (what) => function refused() { note('attempt ' + what); throw new Error('network disabled: ' + what); };
const net = require('node:net');
net.connect = net.createConnection = refuse('net.connect');
net.Socket.prototype.connect = refuse('net.Socket.connect');
require('node:tls').connect = refuse('tls.connect');
for (const name of ['http', 'https', 'http2']) {
  const m = require('node:' + name);
  for (const f of ['request', 'get', 'connect']) if (typeof m[f] === 'function') m[f] = refuse(name + '.' + f);
}
const dns = require('node:dns');
for (const f of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveTxt']) {
  dns[f] = refuse('dns.' + f);
  dns.promises[f] = refuse('dns.promises.' + f);
}
globalThis.fetch = refuse('fetch');
if (typeof globalThis.WebSocket === 'function') globalThis.WebSocket = refuse('WebSocket');
`;

describe('the Markdown document', () => {
  const result = (text: string, lines = text ? 1 : 0): OcrResult => ({
    name: 'error [1].png',
    width: 100,
    height: 50,
    lines: Array.from({ length: lines }, () => ({ text, confidence: 90, box: { x: 0, y: 0, width: 10, height: 10 }, words: [], block: 0 })),
    text,
    meanConfidence: 87.6,
    elapsedMs: 812,
    coldStart: false,
    language: 'eng',
    preparation: { scale: 2, xHeight: 7, invertedShare: 0 },
    timings: { decode: 10, workerStart: 0, prepare: 100, recognize: 700, passes: 40 },
  });

  it('has the title, the image, the exact text in a code block, and the footer', () => {
    const md = renderOcrMarkdown(result('Error: *ENOENT* <b>x</b>\n    at open (node:fs:573:3)'), '../shots/error [1].png');
    assert.equal(
      md,
      [
        '# Text in error \\[1\\].png',
        '',
        '![error \\[1\\].png](../shots/error%20%5B1%5D.png)',
        '',
        '```text',
        'Error: *ENOENT* <b>x</b>',
        '    at open (node:fs:573:3)',
        '```',
        '',
        '---',
        '',
        'Read on this machine in 812 ms, mean confidence 88 %. Only English is bundled: text in other languages or scripts is not read correctly.',
        '',
      ].join('\n'),
    );
  });

  it('says in the footer when a large image was read smaller than it is, the name escaped', () => {
    const message = 'error [1].png is 20000×20000 (400.0 megapixels): its text was read at 4000×4000, the most read at once (16 megapixels), so text smaller than about 48 px may be missed.';
    const md = renderOcrMarkdown({ ...result('x'), reduced: { width: 4000, height: 4000, smallestTextPx: 48, message } }, 'a.png');
    assert.ok(md.endsWith(`not read correctly.\n\nerror \\[1\\].png is 20000×20000 (400.0 megapixels): its text was read at 4000×4000, the most read at once (16 megapixels), so text smaller than about 48 px may be missed.\n`), md);
    assert.ok(!renderOcrMarkdown(result('x'), 'a.png').includes('megapixels'));
  });

  it('uses a longer fence when the text has backticks, and says when no text was found', () => {
    assert.match(renderOcrMarkdown(result('run ```npm test``` now'), 'a.png'), /\n````text\nrun ```npm test``` now\n````\n/);
    assert.match(renderOcrMarkdown(result(''), 'a.png'), /\n\*No text found\.\*\n/);
  });
});
