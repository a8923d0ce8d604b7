// Scores the alt-text rules (the compiled code in out/, the same functions `alt-text check` runs) against the
// hand-judged sample in judged.jsonl: precision and recall of `alt-uninformative` and `alt-too-long`, with 95 % Wilson
// intervals, per half (dev: looked at while designing; held-out: only scored) and per draw (random: rates; oversample:
// hard cases). Items judged `unsure` are left out. Twins (light/dark or translated copies) are scored as items.
//   node bench/alt-rules/score.mjs               the tables
//   node bench/alt-rules/score.mjs --show dev    also every disagreement of the dev half (never the held-out half)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireOut } from '../lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const rules = requireOut('./src/core/docs/rules.js');
const base = requireOut('./src/core/base/index.js');

const SYNTAX = { markdown: 'markdown', 'markdown-ref': 'markdown-ref', html: 'html', jsx: 'jsx', 'jsx-Diagram': 'jsx', 'jsx-Illustration': 'jsx', 'ms-learn-image': 'learn' };

export function loadItems() {
  return readFileSync(path.join(here, 'judged.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** The image as the finders would report it, from the sample's fields (heading, captions and link are the sample's own). */
export function imageOf(item) {
  const syntax = SYNTAX[item.syntax] ?? 'markdown';
  return {
    language: /\.(jsx|tsx)$/.test(item.file) ? 'jsx' : /\.mdx$/.test(item.file) ? 'mdx' : /\.html?$/.test(item.file) ? 'html' : 'markdown',
    syntax, src: item.src, srcSpan: undefined, srcWrite: undefined, srcDynamic: false, alt: item.alt, altState: 'present', altUnknown: false,
    decorative: false, start: 0, end: 0, line: item.line, column: 1, altSpan: { start: 0, end: 0 }, altWrite: 'markdown-label', altQuote: '',
    heading: item.heading, context: undefined, caption: item.captions?.[0], link: item.wrap,
    ...(syntax === 'learn' ? { learn: { type: 'content', lightbox: undefined, longDescription: undefined } } : {}),
  };
}

/** The rules that fire on each item, by id. */
export function predict(items) {
  const options = { maxLength: base.DEFAULT_ALT_MAX_LENGTH, rules: new Set(base.RULE_IDS) };
  return new Map(items.map((item) => [item.id, new Set(rules.altFindings(imageOf(item), item.file, options).map((f) => f.rule))]));
}

/** Wilson score interval (95 %) of k successes in n. */
export function wilson(k, n) {
  if (n === 0) return [NaN, NaN];
  const z = 1.96, p = k / n, d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d, h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

const pct = (k, n) => {
  if (n === 0) return '—';
  const [lo, hi] = wilson(k, n);
  return `${Math.round((100 * k) / n)} % (${k}/${n}; ${Math.round(100 * lo)}–${Math.round(100 * hi)})`;
};

const TRUTH = { 'alt-uninformative': (i) => i.uninformative, 'alt-too-long': (i) => i.tooLong };

export function scoreRows(items, predicted) {
  const rows = [];
  for (const rule of Object.keys(TRUTH)) {
    for (const half of ['dev', 'held-out']) {
      for (const draw of ['random', 'oversample']) {
        const set = items.filter((i) => i.half === half && i.draw === draw && !i.unsure);
        const tp = set.filter((i) => predicted.get(i.id).has(rule) && TRUTH[rule](i)).length;
        const fired = set.filter((i) => predicted.get(i.id).has(rule)).length;
        const bad = set.filter((i) => TRUTH[rule](i)).length;
        rows.push([`\`${rule}\``, half, draw, String(set.length), pct(tp, fired), pct(tp, bad)]);
      }
    }
  }
  return rows;
}

export const HEAD = ['rule', 'half', 'draw', 'items', 'precision (95 % CI)', 'recall (95 % CI)'];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const items = loadItems();
  const predicted = predict(items);
  const { table } = await import('../lib.mjs');
  console.log(table(HEAD, scoreRows(items, predicted)));
  const show = process.argv.indexOf('--show');
  if (show > 0) {
    if (process.argv[show + 1] !== 'dev') throw new Error('--show dev only: the held-out half is scored, never read');
    for (const i of items.filter((x) => x.half === 'dev' && !x.unsure)) {
      for (const rule of Object.keys(TRUTH)) {
        const p = predicted.get(i.id).has(rule), t = TRUTH[rule](i);
        if (p !== t) console.log(`${p ? 'FP' : 'FN'} ${rule} ${i.id} [${i.category}] ${JSON.stringify(i.alt.slice(0, 120))} (${i.alt.length}) src=${i.src.split('/').pop()} h=${JSON.stringify(i.heading ?? '')} cap=${JSON.stringify(i.captions)} wrap=${i.wrap ?? ''}`);
      }
    }
  }
}
