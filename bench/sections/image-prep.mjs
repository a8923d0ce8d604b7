// Image preparation: bytes on the wire and end-to-end time against the local Azure-like server, naive (the original
// file as base64) versus prepared (resized to the service's size, converted, re-encoded), with the token estimate.
// Fixtures are generated into bench/.work/: a 4K UI screenshot, a 12-MP photo, a large SVG diagram, a 30 MB PNG.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fmtBytes, fmtMs, median, repoRoot, requireOut, table } from '../lib.mjs';

const RUNS = 3;
const work = path.join(repoRoot, 'bench', '.work');
const sharp = requireOut('sharp');
const { Resvg, initWasm } = requireOut('@resvg/resvg-wasm');
const { describeImages, prepareImages } = requireOut('./src/core/describe/engine.js');
const { apiKeyCredential } = requireOut('./src/core/net/auth.js');
const { buildChatBody } = requireOut('./src/core/net/request.js');
const { resolveSettings } = requireOut('./src/core/base/settings.js');
const { estimateImageTokens } = requireOut('./src/core/images/pipeline.js');
const { sniffImage } = requireOut('./src/core/images/load.js');
const { AzureLikeServer } = requireOut('./test/support/azureServer.js');

function uiSvg(w, h) {
  const rows = [];
  for (let i = 0; i < 40; i++) {
    rows.push(`<text x="${w * 0.22}" y="${200 + i * 44}" font-family="sans-serif" font-size="26" fill="#222">src/components/Panel${i}.tsx — export function render${i}(props: Props): Element { return layout(props.items[${i}]) }</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
  <rect width="100%" height="100%" fill="#1e1e1e"/><rect width="${w * 0.2}" height="${h}" fill="#252526"/>
  <rect width="${w}" height="60" fill="#3c3c3c"/>${Array.from({ length: 30 }, (_, i) => `<text x="30" y="${130 + i * 40}" font-family="sans-serif" font-size="24" fill="#ccc">file-${i}.ts</text>`).join('')}
  <rect x="${w * 0.22}" y="120" width="${w * 0.75}" height="${h * 0.85}" fill="#ffffff" opacity="0.97"/>${rows.join('')}
  <rect x="${w * 0.7}" y="${h * 0.6}" width="${w * 0.25}" height="${h * 0.3}" fill="url(#g)"/>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#d97706"/><stop offset="1" stop-color="#2563eb"/></linearGradient></defs></svg>`;
}

async function fixtures() {
  mkdirSync(work, { recursive: true });
  const files = {
    screenshot: path.join(work, 'screenshot-4k.png'),
    uiOnly: path.join(work, 'screenshot-4k-ui-only.png'),
    photo: path.join(work, 'photo-12mp.jpg'),
    svg: path.join(work, 'diagram-large.svg'),
    huge: path.join(work, 'noise-30mb.png'),
  };
  if (!existsSync(files.screenshot)) {
    await initWasm(readFileSync(requireOut.resolve('@resvg/resvg-wasm/index_bg.wasm')));
    const font = readFileSync(requireOut.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
    const png = new Resvg(uiSvg(3840, 2160), { font: { fontBuffers: [font], defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' } }).render().asPng();
    // Like the screenshot measured in shared/reference/image-libraries.md: UI panels and text plus a photo-like
    // region (an image preview of 1600×1000 with texture).
    const pw = 1600;
    const ph = 1000;
    const photo = Buffer.alloc(pw * ph * 3);
    let seed = 3;
    for (let y = 0; y < ph; y++) {
      for (let x = 0; x < pw; x++) {
        const n = ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 26) - 32;
        const i = (y * pw + x) * 3;
        photo[i] = Math.max(0, Math.min(255, 140 + 90 * Math.sin(x / 90) * Math.cos(y / 130) + n));
        photo[i + 1] = Math.max(0, Math.min(255, 120 + 70 * Math.cos(x / 170) + n));
        photo[i + 2] = Math.max(0, Math.min(255, 100 + 80 * Math.sin((x - y) / 210) + n));
      }
    }
    writeFileSync(files.uiOnly, png);
    const region = await sharp(photo, { raw: { width: pw, height: ph, channels: 3 } }).png().toBuffer();
    await sharp(Buffer.from(png)).composite([{ input: region, left: 2100, top: 1050 }]).png().toFile(files.screenshot);
  }
  if (!existsSync(files.photo)) {
    const w = 4000;
    const h = 3000;
    const raw = Buffer.alloc(w * h * 3);
    let seed = 1;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const n = ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 27) - 16;
        const i = (y * w + x) * 3;
        raw[i] = Math.max(0, Math.min(255, 120 + 100 * Math.sin(x / 300) + n));
        raw[i + 1] = Math.max(0, Math.min(255, 110 + 80 * Math.cos(y / 200) + n));
        raw[i + 2] = Math.max(0, Math.min(255, 90 + 60 * Math.sin((x + y) / 500) + n));
      }
    }
    await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toFile(files.photo);
  }
  if (!existsSync(files.svg)) {
    const boxes = Array.from({ length: 60 }, (_, i) => {
      const x = 100 + (i % 10) * 380;
      const y = 100 + Math.floor(i / 10) * 450;
      return `<rect x="${x}" y="${y}" width="300" height="160" rx="12" fill="#eef" stroke="#335" stroke-width="3"/><text x="${x + 20}" y="${y + 90}" font-family="sans-serif" font-size="34">service-${i}</text><line x1="${x + 300}" y1="${y + 80}" x2="${x + 380}" y2="${y + 80}" stroke="#335" stroke-width="3"/>`;
    });
    writeFileSync(files.svg, `<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="2900"><rect width="100%" height="100%" fill="#fff"/>${boxes.join('')}</svg>`);
  }
  if (!existsSync(files.huge)) {
    const w = 3300;
    const raw = Buffer.alloc(w * w * 3);
    let seed = 7;
    for (let i = 0; i < raw.length; i++) raw[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    await sharp(raw, { raw: { width: w, height: w, channels: 3 } }).png({ compressionLevel: 0 }).toFile(files.huge);
  }
  return files;
}

const LINK_BPS = 20e6;
const uploadMs = (bytes) => (bytes * 8 * 1000) / LINK_BPS;

export async function run() {
  const files = await fixtures();
  const server = new AzureLikeServer();
  await server.start();
  const settings = resolveSettings({ endpoint: server.url, deployment: 'gpt-4o', detail: 'high' });
  const rows = [];
  const notes = [];
  try {
    for (const [label, file] of [['4K UI screenshot', files.screenshot], ['4K UI screenshot, text only', files.uiOnly], ['12-MP photo', files.photo], ['large SVG diagram', files.svg], ['30 MB PNG', files.huge]]) {
      const original = statSync(file).size;
      const sniffed = sniffImage(readFileSync(file));
      const tokens = sniffed?.width ? estimateImageTokens(sniffed.width, sniffed.height, 'high') : undefined;
      // Naive: the original file as base64, when the service would take it at all.
      let naiveBytes;
      let naiveMs;
      try {
        // Relative to the repository, so messages (and RESULTS.md) show no path of this machine.
        const [img] = await prepareImages([path.relative(repoRoot, file)], { cwd: repoRoot, resize: false, detail: 'high' });
        naiveBytes = JSON.stringify(buildChatBody(settings, [img], { tokenParam: 'max_tokens', stream: false })).length;
        const t = [];
        for (let i = 0; i < RUNS; i++) {
          const s = performance.now();
          await describeImages({ settings, credential: apiKeyCredential(server.key), sources: [file], resize: false });
          t.push(performance.now() - s);
        }
        naiveMs = median(t);
      } catch (e) {
        notes.push(`${label}: naive upload refused before sending (${e.message})`);
      }
      const prepTimes = [];
      let prepared;
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        [prepared] = await prepareImages([file], { detail: 'high' });
        prepTimes.push(performance.now() - s);
      }
      const preparedBytes = JSON.stringify(buildChatBody(settings, [prepared], { tokenParam: 'max_tokens', stream: false })).length;
      const e2e = [];
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        await describeImages({ settings, credential: apiKeyCredential(server.key), sources: [file] });
        e2e.push(performance.now() - s);
      }
      const prep = median(prepTimes);
      const saved = naiveBytes ? uploadMs(naiveBytes) - uploadMs(preparedBytes) : undefined;
      rows.push([
        label,
        `${fmtBytes(original)} ${sniffed?.width}×${sniffed?.height}`,
        naiveBytes ? fmtBytes(naiveBytes) : 'refused',
        `${fmtBytes(preparedBytes)} ${prepared.sentMime.replace('image/', '')} ${prepared.sentWidth}×${prepared.sentHeight}`,
        naiveBytes ? `${((preparedBytes / naiveBytes) * 100).toFixed(1)} %` : '—',
        naiveMs !== undefined ? fmtMs(naiveMs) : '—',
        fmtMs(median(e2e)),
        fmtMs(prep),
        saved !== undefined ? fmtMs(saved) : '—',
        `${tokens ?? '?'} → ${prepared.estimatedTokens}`,
      ]);
    }
  } finally {
    await server.stop();
  }
  return [
    '## Image preparation',
    '',
    `High detail, ${RUNS} runs each, medians. "Bytes" are the request body on the wire. End-to-end is describe against the local server (loopback, so it shows CPU cost, not network). The upload saving is what the smaller body saves on a 20 Mbit/s link. Tokens: the tile-formula estimate for the original (which the service itself shrinks) → for what is sent (an SVG has no raster size of its own; it is rendered at a legible size).`,
    '',
    table(['image', 'original', 'naive bytes', 'prepared bytes', 'prepared / naive', 'naive end-to-end', 'prepared end-to-end', 'prepare time', 'upload saved at 20 Mbit/s', 'tokens'], rows),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}
