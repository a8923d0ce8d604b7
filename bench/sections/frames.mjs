// Animated screen recordings: reading a long recording, choosing frames, and sending them as separate frames or as
// one numbered contact sheet — bytes, image tokens (tile formula), time and memory. The recording is generated into
// bench/.work/ (once; about a minute): 720 frames of 1280×720 at 80 ms (57.6 s) of an editor, mostly still, with
// bursts — typing a line, a command palette sliding in, a list scrolling, the pointer moving, a toast. Every frame
// carries one invisible pixel of its own so the encoders keep all 720 frames (as a recorder writing every frame does).
// An APNG of frames 61–300 (upng-js's encoder needs every frame in memory at once) measures the APNG reader.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fmtBytes, fmtMs, median, repoRoot, requireOut, table } from '../lib.mjs';

const work = path.join(repoRoot, 'bench', '.work');
const sharp = requireOut('sharp');
const frames = requireOut('./src/core/animation/index.js');
const { rasteriseSvg } = requireOut('./src/core/images/pipeline.js');
const { loadImageBytes } = requireOut('./src/core/images/load.js');
const UPNG = requireOut('upng-js');

const W = 1280;
const H = 720;
const N = 720;
const DELAY = 80;
const RUNS = 3;
const TYPED = 'const chosen = chooseFrames(thumbs, delays);';
const APNG_FIRST = 60;
const APNG_FRAMES = 240;

/** What the recording shows at frame i (the script the generator follows). */
function script(i) {
  const s = { typed: '', palette: 0, scroll: 0, pointer: [900, 600], toast: false, phase: 'editor, idle' };
  if (i >= 100) s.typed = TYPED.slice(0, Math.min(TYPED.length, Math.floor((i - 100) / 2) + 1));
  if (i >= 100 && i < 100 + 2 * TYPED.length) s.phase = `typing (${s.typed.length} of ${TYPED.length} characters)`;
  else if (i >= 100) s.phase = 'line typed';
  if (i >= 260 && i < 370) {
    s.palette = Math.min(1, (i - 259) / 10);
    s.phase = s.palette < 1 ? 'palette sliding in' : 'palette open';
  }
  if (i >= 370) {
    s.scroll = Math.min(20, i - 369) * 12;
    s.phase = s.scroll < 240 ? 'list scrolling' : 'list scrolled';
  }
  if (i >= 540) {
    const t = Math.min(1, (i - 539) / 40);
    s.pointer = [Math.round(900 + 280 * t), Math.round(600 - 560 * t)];
    s.phase = t < 1 ? 'pointer moving' : 'pointer on Run';
  }
  if (i >= 640) {
    s.toast = true;
    s.phase = 'toast: build succeeded';
  }
  return s;
}

function sceneSvg(s) {
  const esc = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const files = Array.from({ length: 40 }, (_, k) => `<text x="24" y="${120 + k * 26 - s.scroll}" font-family="DejaVu Sans" font-size="15" fill="#cccccc">${['src', 'test', 'bench', 'docs'][k % 4]}/module-${k}.ts</text>`).join('');
  const code = Array.from({ length: 22 }, (_, k) => (k === 11 ? '' : `<text x="300" y="${110 + k * 24}" font-family="DejaVu Sans Mono" font-size="15" fill="${k % 3 ? '#9cdcfe' : '#c586c0'}">${esc(`    line ${k + 1}: return frames.map((f) => f.index * ${k});`)}</text>`)).join('');
  const typed = `<text x="300" y="${110 + 11 * 24}" font-family="DejaVu Sans Mono" font-size="15" fill="#dcdcaa">${esc(s.typed)}</text>`;
  const py = Math.round(-320 + 380 * s.palette);
  const palette = s.palette > 0 ? `<g transform="translate(340 ${py})"><rect width="600" height="300" rx="6" fill="#252526" stroke="#454545"/><rect x="12" y="12" width="576" height="30" fill="#3c3c3c"/><text x="22" y="33" font-family="DejaVu Sans" font-size="15" fill="#ffffff">&gt; Describe Image: Describe</text>${Array.from({ length: 8 }, (_, k) => `<text x="22" y="${75 + k * 28}" font-family="DejaVu Sans" font-size="14" fill="#cccccc">Command ${k + 1}: describe image, paste, alt text</text>`).join('')}</g>` : '';
  const [px, py2] = s.pointer;
  const pointer = `<path d="M${px} ${py2} l0 22 l6 -5 l4 9 l4 -2 l-4 -9 l8 0 z" fill="#ffffff" stroke="#000000"/>`;
  const toast = s.toast ? `<rect x="900" y="600" width="360" height="70" rx="4" fill="#2d2d30" stroke="#007acc"/><text x="920" y="642" font-family="DejaVu Sans" font-size="17" fill="#ffffff">✔ Build succeeded in 4.2 s</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="#1e1e1e"/><rect x="0" y="40" width="260" height="${H - 62}" fill="#252526"/>${files}<rect width="100%" height="40" fill="#3c3c3c"/><text x="20" y="26" font-family="DejaVu Sans" font-size="15" fill="#cccccc">frames.ts — describe-image</text><rect x="1180" y="8" width="80" height="24" fill="#0e639c"/><text x="1200" y="25" font-family="DejaVu Sans" font-size="14" fill="#ffffff">Run</text>${code}${typed}${palette}<rect y="${H - 22}" width="100%" height="22" fill="#007acc"/><text x="12" y="${H - 6}" font-family="DejaVu Sans" font-size="13" fill="#ffffff">main  Ln 12, Col ${s.typed.length + 1}</text>${toast}${pointer}</svg>`;
}

async function recording() {
  mkdirSync(work, { recursive: true });
  const files = { gif: path.join(work, `recording-${N}.gif`), webp: path.join(work, `recording-${N}.webp`), apng: path.join(work, `recording-${APNG_FRAMES}.png`) };
  if (existsSync(files.gif) && existsSync(files.webp) && existsSync(files.apng)) return files;
  const states = new Map();
  const pngs = [];
  for (let i = 0; i < N; i++) {
    const s = script(i);
    const key = JSON.stringify({ ...s, phase: undefined });
    if (!states.has(key)) {
      const { png } = await rasteriseSvg(Buffer.from(sceneSvg(s)), 'high');
      states.set(key, await sharp(png).resize(W, H, { fit: 'fill' }).removeAlpha().raw().toBuffer());
    }
    const raw = Buffer.from(states.get(key));
    const o = ((H - 1) * W + (i % 64)) * 3; // the invisible pixel of this frame
    raw[o] = raw[o + 1] = raw[o + 2] = 255;
    pngs.push(await sharp(raw, { raw: { width: W, height: H, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer());
  }
  const delay = Array(N).fill(DELAY);
  writeFileSync(files.gif, await sharp(pngs, { join: { animated: true } }).gif({ delay, loop: 0 }).toBuffer());
  writeFileSync(files.webp, await sharp(pngs, { join: { animated: true } }).webp({ delay, loop: 0, lossless: true, effort: 0 }).toBuffer());
  const rgba = [];
  for (const png of pngs.slice(APNG_FIRST, APNG_FIRST + APNG_FRAMES)) {
    const d = await sharp(png).ensureAlpha().raw().toBuffer();
    rgba.push(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength));
  }
  writeFileSync(files.apng, Buffer.from(UPNG.encode(rgba, W, H, 0, Array(APNG_FRAMES).fill(DELAY))));
  return files;
}

/** Peak resident memory while `fn` runs, above what it was before. */
async function withPeakRss(fn) {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    const value = await fn();
    return { value, peak: Math.max(peak, process.memoryUsage().rss) - before };
  } finally {
    clearInterval(timer);
  }
}

const wireBytes = (images) => images.reduce((n, i) => n + i.url.length, 0);
const fmtBig = (n) => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GB` : fmtBytes(n));
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

export async function run() {
  const files = await recording();
  const out = [];

  // 1. Reading and choosing, per format.
  const readRows = [];
  let chosenGif;
  for (const [label, file, mime] of [
    ['GIF', files.gif, 'image/gif'],
    ['WebP (lossless)', files.webp, 'image/webp'],
    [`APNG (frames ${APNG_FIRST + 1}–${APNG_FIRST + APNG_FRAMES})`, files.apng, 'image/png'],
  ]) {
    const bytes = readFileSync(file);
    const times = { read: [], choose: [], prepare: [] };
    let peak = 0;
    let anim;
    let chosen;
    for (let r = 0; r < RUNS; r++) {
      let t = performance.now();
      const measured = await withPeakRss(async () => {
        anim = await frames.readAnimation(bytes, mime);
        return anim.thumbnails();
      });
      peak = Math.max(peak, measured.peak);
      times.read.push(performance.now() - t);
      t = performance.now();
      chosen = frames.chooseFrames(measured.value.frames, anim.delaysMs, { maxFrames: 6, minChange: measured.value.minChange });
      times.choose.push(performance.now() - t);
      t = performance.now();
      await frames.prepareAnimation(loadImageBytes({ name: path.basename(file), bytes }, { convertible: () => true, allowOversize: true }), { detail: 'high', maxFrames: 6 });
      times.prepare.push(performance.now() - t);
    }
    if (mime === 'image/gif') chosenGif = chosen;
    const offset = mime === 'image/png' ? APNG_FIRST : 0;
    readRows.push([label, `${fmtBytes(statSync(file).size)}, ${anim.frameCount} frames, ${secs(anim.durationMs)}`, fmtMs(median(times.read)), `${fmtMs(median(times.read) / anim.frameCount)}`, fmtMs(median(times.choose)), fmtMs(median(times.prepare)), fmtBytes(peak), fmtBig(anim.frameCount * W * H * 4), chosen.map((c) => c.index + 1 + offset).join(', ')]);
  }
  out.push(
    '## Animated recordings: choosing frames',
    '',
    `A generated screen recording, ${N} frames of ${W}×${H} at ${DELAY} ms. ${RUNS} runs, medians. "Read" is decoding every frame (in chunks of at most 16 Mpx) into 96-px grey thumbnails; "prepare" is the whole \`prepareAnimation\` at high detail (read, choose, decode the chosen frames again at the size sent, encode). Peak memory is the growth of the process's resident set while reading, against what all frames would take as RGBA at once.`,
    '',
    table(['recording', 'file', 'read', 'per frame', 'choose', 'prepare', 'peak memory while reading', 'all frames as RGBA', 'frames chosen (of 6; numbered as in the GIF)'], readRows),
    '',
    'What the chosen frames of the GIF show (the generator\'s script):',
    '',
    table(['frame', 'at', 'shows'], chosenGif.map((c) => [String(c.index + 1), secs(c.timeMs), script(c.index).phase])),
    '',
    `The last typed character, a 15-px ";" in a ${W}-px frame, moves the 96-px thumbnail by less than the noise, so the line with 43 characters and the finished line are one state, shown from its first frame.`,
    '',
  );

  // 2. This recording: frames versus one contact sheet, at each detail.
  const gifBytes = readFileSync(files.gif);
  const image = loadImageBytes({ name: 'recording.gif', bytes: gifBytes }, { convertible: () => true, allowOversize: true });
  const modeRows = [];
  const first = await frames.prepareAnimation(image, { detail: 'high', maxFrames: 1 });
  modeRows.push(['high', 'first frame only (before)', '1', fmtBytes(wireBytes(first.images)), String(first.estimatedTokens), `${first.costs.frame.width}×${first.costs.frame.height}`, '—']);
  for (const detail of ['low', 'high', 'auto']) {
    for (const mode of ['frames', 'sheet']) {
      const t = performance.now();
      const r = await frames.prepareAnimation(image, { detail, maxFrames: 6, mode });
      const ms = performance.now() - t;
      const cell = mode === 'frames' ? r.costs.frame : { width: Math.round((r.costs.sheet.cellWidth * r.costs.sheetSent.width) / r.costs.sheet.width), height: Math.round((r.costs.sheet.cellHeight * r.costs.sheetSent.height) / r.costs.sheet.height) };
      const layout = mode === 'sheet' ? ` (${r.costs.sheet.cols}×${r.costs.sheet.rows}, ${r.images[0].sentWidth}×${r.images[0].sentHeight})` : '';
      modeRows.push([detail, `${mode}${layout}${r.costs.choice === mode ? ' ← chosen' : ''}`, String(r.images.length), fmtBytes(wireBytes(r.images)), String(r.estimatedTokens), `${cell.width}×${cell.height}${mode === 'sheet' && !r.costs.sheetLegible ? ' (shrunk: not legible)' : ''}`, fmtMs(ms)]);
    }
  }
  out.push(
    '### This recording: separate frames or one contact sheet',
    '',
    'The 6 chosen frames sent both ways (the sheet forced even where the rule does not choose it). Bytes are the base64 `data:` URLs on the wire; tokens are the tile formula (auto counted as high); "each frame seen at" is the size of one frame in what the service looks at — the legibility both are compared at.',
    '',
    table(['detail', 'sent as', 'images', 'bytes', 'image tokens', 'each frame seen at', 'prepare time'], modeRows),
    '',
  );

  // 3. When does the sheet win? 6 frames at several sizes, both ways, prepared from the same recording scaled down.
  const sizeRows = [];
  const keyFrames = chosenGif.map((c) => c.index);
  const full = await (await frames.readAnimation(gifBytes, 'image/gif')).frames(keyFrames);
  for (const [w, h] of [
    [1280, 720],
    [960, 540],
    [800, 450],
    [640, 360],
    [480, 270],
    [320, 180],
    [240, 135],
  ]) {
    const strip = Buffer.concat(await Promise.all(full.map((f) => sharp(f.data, { raw: { width: W, height: H, channels: 4 } }).resize(w, h).raw().toBuffer())));
    const small = await sharp(strip, { raw: { width: w, height: h * 6, channels: 4, pageHeight: h } }).gif({ delay: Array(6).fill(1500), loop: 0 }).toBuffer();
    const img = loadImageBytes({ name: `rec-${w}.gif`, bytes: small }, { convertible: () => true, allowOversize: true });
    for (const detail of ['low', 'high']) {
      const f = await frames.prepareAnimation(img, { detail, maxFrames: 6, mode: 'frames' });
      const s = await frames.prepareAnimation(img, { detail, maxFrames: 6, mode: 'sheet' });
      const c = f.costs;
      const sheetCell = c.sheetLegible ? `${c.frame.width}×${c.frame.height}` : `${Math.round((c.sheet.cellWidth * c.sheetSent.width) / c.sheet.width)}×${Math.round((c.sheet.cellHeight * c.sheetSent.width) / c.sheet.width)} (shrunk)`;
      sizeRows.push([`${w}×${h}`, detail, `${c.frame.width}×${c.frame.height}`, `${c.framesTokens} (${f.images.length} × ${c.framesTokens / 6})`, fmtBytes(wireBytes(f.images)), `${c.sheetTokens} (${c.sheet.cols}×${c.sheet.rows}, ${c.sheetSent.width}×${c.sheetSent.height})`, sheetCell, fmtBytes(wireBytes(s.images)), c.choice === 'sheet' ? `**sheet**, ${Math.round((100 * (c.framesTokens - c.sheetTokens)) / c.framesTokens)} % fewer tokens` : c.sheetLegible ? 'frames (sheet costs more)' : 'frames (sheet not legible)']);
    }
  }
  out.push(
    '### When the contact sheet wins',
    '',
    'The same 6 frames scaled to smaller recordings, prepared both ways. The rule: the sheet only when every cell keeps the size the service gives one frame (so the service would not shrink the sheet) and it costs fewer image tokens. Each image pays 85 tokens plus 170 per 512-px tile of its service size, so a sheet saves the 85 of every image but one and packs partial tiles — but cells at full size only fit the service\'s 2048 × 768 (high) or 512 × 512 (low) for small frames.',
    '',
    table(['frame size', 'detail', 'frame seen at', 'frames: tokens', 'frames: bytes', 'sheet: tokens (layout, size)', 'sheet: each frame seen at', 'sheet: bytes', 'choice'], sizeRows),
    '',
  );
  return out.join('\n');
}
