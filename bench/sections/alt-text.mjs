// Alt text in bulk: 200 distinct images against the local server at 200 ms latency and a rate limit of 10 requests/s.
// Total time versus the rate limit's lower bound (goal ≤ 1.15×), failures (goal 0), and the cached second run (< 2 s).
import { mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fmtMs, repoRoot, requireOut, table } from '../lib.mjs';

const COUNT = 200;
const RATE = 10;
const LATENCY = 200;
const sharp = requireOut('sharp');
const { generateAltTexts, FileAltCache } = requireOut('./src/core/docs/generate.js');
const { ChatClient } = requireOut('./src/core/net/client.js');
const { apiKeyCredential } = requireOut('./src/core/net/auth.js');
const { resolveSettings } = requireOut('./src/core/base/settings.js');
const { AzureLikeServer } = requireOut('./test/support/azureServer.js');

export async function run() {
  const dir = path.join(repoRoot, 'bench', '.work', 'alt-images');
  mkdirSync(dir, { recursive: true });
  const jobs = [];
  for (let i = 0; i < COUNT; i++) {
    const file = path.join(dir, `img-${i}.png`);
    if (!existsSync(file)) await sharp({ create: { width: 64 + (i % 50), height: 48 + Math.floor(i / 50), channels: 3, background: { r: i % 256, g: (i * 7) % 256, b: 90 } } }).png().toFile(file);
    jobs.push({ id: String(i), source: file });
  }
  const server = new AzureLikeServer({ latencyMs: LATENCY, ratePerSecond: RATE, answer: () => 'A small coloured rectangle used as a test image.' });
  await server.start();
  const cacheFile = path.join(repoRoot, 'bench', '.work', `alt-cache-${Date.now()}.json`);
  const settings = resolveSettings({ endpoint: server.url, deployment: 'gpt-4o' });
  const client = new ChatClient({ credential: apiKeyCredential(server.key), retry: { maxThrottleRetries: 10 } });
  const rows = [];
  try {
    const cache = await FileAltCache.load(cacheFile);
    let t = performance.now();
    const first = await generateAltTexts(jobs, { settings, client, cache });
    const firstMs = performance.now() - t;
    await cache.save();
    const failures = [...first.results.values()].filter((r) => !r.ok).length;
    // The bucket starts full (one second of burst), so the last request can start at (COUNT - RATE) / RATE s.
    const lowerBound = ((COUNT - RATE) / RATE) * 1000 + LATENCY;
    const throttled = server.requests.filter((r) => r.status === 429).length;
    rows.push(['first run', fmtMs(firstMs), `${(firstMs / lowerBound).toFixed(2)}× the lower bound ${fmtMs(lowerBound)}`, String(failures), `${first.stats.sent} sent, ${throttled} answered 429, peak concurrency ${first.stats.peakConcurrency}`]);
    server.requests.length = 0;
    const cache2 = await FileAltCache.load(cacheFile);
    t = performance.now();
    const second = await generateAltTexts(jobs, { settings, client, cache: cache2 });
    const secondMs = performance.now() - t;
    rows.push(['second run (cache)', fmtMs(secondMs), '—', String([...second.results.values()].filter((r) => !r.ok).length), `${server.requests.length} requests sent, ${second.stats.cached} from the cache`]);
  } finally {
    await client.close();
    await server.stop();
  }
  return [
    '## Alt text in bulk',
    '',
    `${COUNT} distinct images, a local server answering after ${LATENCY} ms and allowing ${RATE} requests/s (token bucket; beyond it 429 with retry-after-ms). Default runner settings (concurrency starts at 4, at most 8, halved on 429).`,
    '',
    table(['run', 'total time', 'versus the rate limit', 'failures', 'requests'], rows),
    '',
  ].join('\n');
}
