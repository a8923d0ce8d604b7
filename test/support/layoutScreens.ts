/**
 * Screens with a layout, for the OCR layout tests (test/core/ocr/layout.unit.test.ts): panels side by side, a table, a
 * numbered list whose numbers sit in their own column, an editor with a line-number gutter, a terminal. Each screen
 * knows its panels (rectangles) and its rows (texts drawn on one baseline that must come out as one line), so a
 * reader's layout can be checked ({@link layoutViolations}). Drawn as SVG with the bundled DejaVu fonts and rendered at
 * their own size by resvg ({@link renderAtSize}). Plain Node: no test framework here.
 */
import { renderScreen } from './denseScreens';
import { DARK_PLUS, SceneBuilder, type Scene, type Span } from './screens';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Texts drawn on one baseline inside one panel (a table row, a list item with its number, a code line with its number). */
export interface Row {
  readonly panel: string;
  readonly baseline: number;
  readonly size: number;
  readonly cells: readonly string[];
}

export interface LayoutScene extends Scene {
  /** Panels, in the reading order expected (top bar, sidebar, then the panels left to right, top to bottom). */
  readonly panels: readonly { readonly name: string; readonly rect: Rect }[];
  readonly rows: readonly Row[];
}

/** Width of `text` in DejaVu Sans Mono (every glyph 0.602 em) or of digits in DejaVu Sans (0.636 em). */
const monoWidth = (text: string, size: number): number => text.length * 0.602 * size;
const digitWidth = (text: string, size: number): number => text.length * 0.636 * size;

class LayoutBuilder {
  readonly s: SceneBuilder;
  private readonly panels: { name: string; rect: Rect }[] = [];
  private readonly rows: Row[] = [];
  constructor(width: number, height: number, background: string) {
    this.s = new SceneBuilder(width, height, background);
  }
  panel(name: string, x: number, y: number, width: number, height: number, fill: string, extra = ''): this {
    this.s.rect(x, y, width, height, fill, extra);
    this.panels.push({ name, rect: { x, y, width, height } });
    return this;
  }
  row(panel: string, baseline: number, size: number, cells: readonly string[]): this {
    this.rows.push({ panel, baseline, size, cells: [...cells] });
    return this;
  }
  build(): LayoutScene {
    return { ...this.s.build(), panels: [...this.panels], rows: [...this.rows] };
  }
}

// ---- the dashboard: a table beside a numbered checklist -------------------------------------------------------------

export const TABLE: readonly (readonly string[])[] = [
  ['Europe West', '30.256', '182 ms', '0.12 %', 'Healthy', 'v4.6.1'],
  ['Europe North', '12.904', '167 ms', '0.08 %', 'Healthy', 'v4.6.1'],
  ['US East', '41.377', '201 ms', '0.31 %', 'Degraded', 'v4.6.0'],
  ['US West', '27.015', '176 ms', '0.10 %', 'Healthy', 'v4.6.1'],
  ['US Central', '18.660', '190 ms', '0.15 %', 'Healthy', 'v4.5.9'],
  ['Canada Central', '9.412', '158 ms', '0.05 %', 'Healthy', 'v4.6.1'],
  ['Brazil South', '7.838', '243 ms', '0.44 %', 'Degraded', 'v4.5.9'],
  ['Asia East', '22.145', '211 ms', '0.19 %', 'Healthy', 'v4.6.1'],
  ['Asia South', '15.270', '229 ms', '0.27 %', 'Healthy', 'v4.6.0'],
  ['Japan East', '19.931', '173 ms', '0.09 %', 'Healthy', 'v4.6.1'],
  ['Australia East', '8.104', '236 ms', '0.21 %', 'Healthy', 'v4.6.1'],
  ['Africa South', '3.587', '268 ms', '1.02 %', 'Down', 'v4.4.2'],
];
export const CHECKLIST: readonly string[] = [
  'Freeze the main branch at noon',
  'Announce the window in the release channel',
  'Compare query plans for the slow endpoints',
  'Run the schema migration dry run',
  'Check the error budget for every region',
  'Tag the release candidate as v4.6.1',
  'Deploy to the canary hosts first',
  'Watch the p95 latency for ten minutes',
  'Roll out to Europe and Asia',
  'Roll out to the Americas',
  'Verify the cache hit rate is above 90 %',
  'Update the status page',
  'Close the incident tickets it fixes',
  'Write the release notes',
  'Unfreeze the main branch',
  'Schedule the retrospective for Friday',
];

/**
 * A light dashboard (1920×1080): top bar, sidebar, a table and recent events in one column beside a numbered checklist
 * (its numbers right-aligned in a column of their own, as a browser draws an ordered list), `size` px text.
 */
export function dashboard(size = 14): LayoutScene {
  const b = new LayoutBuilder(1920, 1080, '#f6f8fa');
  const { s } = b;
  b.panel('top bar', 0, 0, 1920, 48, '#24292f');
  s.text(24, 31, 16, '#ffffff', 'Fleet Dashboard', { bold: true }).text(1600, 31, 13, '#d0d7de', 'Last updated 14:32 UTC');
  b.panel('sidebar', 0, 48, 220, 1032, '#eaeef2');
  ['Overview', 'Regions', 'Deployments', 'Incidents', 'Alerts', 'Capacity', 'Billing', 'Settings'].forEach((t, i) => s.text(24, 92 + i * 34, size, '#24292f', t));
  b.panel('table', 244, 72, 1000, 560, '#ffffff', 'stroke="#d0d7de"');
  s.text(268, 106, 16, '#24292f', 'Regional traffic', { bold: true });
  const columns = [268, 470, 610, 730, 850, 1000];
  ['Region', 'Requests/s', 'p95', 'Errors', 'Status', 'Version'].forEach((h, i) => s.text(columns[i] ?? 0, 146, size, '#57606a', h, { bold: true }));
  s.rect(256, 158, 976, 1, '#d0d7de');
  TABLE.forEach((cells, r) => {
    const y = 190 + r * 36;
    cells.forEach((c, i) => s.text(columns[i] ?? 0, y, size, '#24292f', c));
    if (r < TABLE.length - 1) s.rect(256, y + 14, 976, 1, '#eaeef2');
    b.row('table', y, size, cells);
  });
  b.panel('events', 244, 656, 1000, 400, '#ffffff', 'stroke="#d0d7de"');
  s.text(268, 690, 16, '#24292f', 'Recent events', { bold: true });
  EVENTS.forEach((e, i) => s.text(268, 726 + i * 32, size, '#24292f', e));
  b.panel('checklist', 1268, 72, 628, 700, '#ffffff', 'stroke="#d0d7de"');
  s.text(1292, 106, 16, '#24292f', 'Release checklist', { bold: true });
  CHECKLIST.forEach((item, i) => {
    const y = 146 + i * 38;
    const number = `${i + 1}.`;
    s.text(1320 - digitWidth(number, size), y, size, '#57606a', number).text(1330, y, size, '#24292f', item);
    b.row('checklist', y, size, [number, item]);
  });
  return b.build();
}

const EVENTS: readonly string[] = [
  '14:31 Deployment 8812 finished in Europe West',
  '14:27 Alert cleared: error rate below 0.5 % in US East',
  '14:19 Cache cluster scaled from 6 to 8 nodes',
  '14:02 Incident 4410 opened for Africa South',
  '13:48 Certificate renewed for api.example.com',
  '13:30 Backup of the orders database completed',
  '13:12 Config change approved by the on-call engineer',
  '12:55 Canary hosts promoted to the stable pool',
  '12:40 Disk usage warning on build agent 17',
  '12:21 Release v4.6.1 tagged by the release bot',
];

// ---- the editor: file tree, code with a line-number gutter, a terminal ---------------------------------------------

const { keyword: K, string: S, fn: F, name: V, text: T, comment: C, number: N } = DARK_PLUS;

export const CODE: readonly (readonly Span[])[] = [
  [['import', K], [' { readFile, writeFile } ', T], ['from', K], [" 'node:fs/promises'", S], [';', T]],
  [['import', K], [' { createCache } ', T], ['from', K], [" 'cache@1.4.2'", S], [';', T]],
  [['import', K], [' type { Config } ', T], ['from', K], [" './config'", S], [';', T]],
  [['// Read the settings once and keep them for 60 seconds', C]],
  [['const', K], [' cache = ', T], ['createCache', F], ['({ ttl: ', T], ['60_000', N], [', max: ', T], ['100', N], [' });', T]],
  [['const', K], [' version = ', T], ["'v4.6.1'", S], [';', T]],
  [['export', K], [' ', T], ['async', K], [' ', T], ['function', K], [' ', T], ['loadConfig', F], ['(path: string): Promise<Config> {', T]],
  [['  const', K], [' hit = cache.', T], ['get', F], ['(path);', T]],
  [['  if', K], [' (hit) ', T], ['return', K], [' hit;', T]],
  [['  const', K], [' text = ', T], ['await', K], [' ', T], ['readFile', F], ['(path, ', T], ["'utf8'", S], [');', T]],
  [['  const', K], [' config = JSON.', T], ['parse', F], ['(text) ', T], ['as', K], [' Config;', T]],
  [['  cache.', T], ['set', F], ['(path, config);', T]],
  [['  return', K], [' config;', T]],
  [['}', T]],
  [],
  [['// Write the settings back and forget the cached copy', C]],
  [['export', K], [' ', T], ['async', K], [' ', T], ['function', K], [' ', T], ['saveConfig', F], ['(path: string, config: Config) {', T]],
  [['  await', K], [' ', T], ['writeFile', F], ['(path, JSON.', T], ['stringify', F], ['(config, ', T], ['null', K], [', ', T], ['2', N], ['));', T]],
  [['  cache.', T], ['delete', F], ['(path);', T]],
  [['  console.', T], ['log', F], ['(`saved ${path} with ${', T], ['version', V], ['}`);', T]],
  [['}', T]],
  [],
  [['export', K], [' ', T], ['const', K], [' limits = { users: ', T], ['250', N], [', price: ', T], ["'$19.99'", S], [' };', T]],
  [['export', K], [' ', T], ['const', K], [' paths = [', T], ["'/etc/app/config.json'", S], [', ', T], ["'~/.app/local.json'", S], ['];', T]],
  [['// TODO: l10n for the 1st release, see issue 142', C]],
];

export const TREE: readonly string[] = ['EXPLORER', 'src', 'config.ts', 'cache.ts', 'server.ts', 'routes.ts', 'test', 'config.test.ts', 'package.json', 'tsconfig.json', 'README.md'];

export const TERMINAL_LINES: readonly string[] = [
  '$ npm install cache@1.4.2',
  'added 3 packages, and audited 212 packages in 2s',
  'found 0 vulnerabilities',
  '$ npm test -- --grep config',
  '  loadConfig reads the file once (12 ms)',
  '  saveConfig writes two-space JSON (4 ms)',
  'Tests: 2 passed, 2 total',
];

/** A dark editor (1920×1080): activity bar, a file tree, code with a line-number gutter, a terminal, a status bar. */
export function editor(): LayoutScene {
  const b = new LayoutBuilder(1920, 1080, '#1e1e1e');
  const { s } = b;
  b.panel('title bar', 0, 0, 1920, 30, '#181818');
  s.text(800, 20, 13, '#cccccc', 'config.ts - app - Visual Studio Code');
  b.panel('explorer', 0, 30, 300, 1028, '#181818');
  TREE.forEach((f, i) => s.text(i === 0 ? 20 : i === 1 || i === 6 ? 28 : i > 7 ? 28 : 44, 56 + i * 24, 13, '#cccccc', f, { bold: i === 0 }));
  b.panel('editor', 300, 30, 1620, 700, '#1e1e1e');
  s.rect(300, 30, 1620, 35, '#252526').rect(300, 30, 150, 35, '#1e1e1e').text(320, 52, 13, '#ffffff', 'config.ts');
  CODE.forEach((spans, i) => {
    const y = 94 + i * 24;
    const number = String(i + 1);
    s.text(366 - monoWidth(number, 14), y, 14, '#858585', number, { mono: true });
    if (spans.length) s.spans(400, y, 15, spans, { mono: true });
    if (spans.length) b.row('editor', y, 15, [number, spans.map(([t]) => t).join('')]);
  });
  b.panel('terminal', 300, 730, 1620, 328, '#181818');
  s.text(320, 756, 11, '#cccccc', 'TERMINAL', { bold: true });
  TERMINAL_LINES.forEach((l, i) => s.text(320, 786 + i * 22, 14, '#cccccc', l, { mono: true }));
  b.panel('status bar', 0, 1058, 1920, 22, '#007acc');
  s.text(10, 1073, 12, '#ffffff', 'main').text(1600, 1073, 12, '#ffffff', 'Ln 6, Col 24   UTF-8   TypeScript');
  return b.build();
}

// ---- small scenes for the layout tests --------------------------------------------------------------------------------

/** Two panels side by side (1200×420), each with its own lines on the same baselines as the other's. */
export function twoPanels(): LayoutScene {
  const b = new LayoutBuilder(1200, 420, '#ffffff');
  const { s } = b;
  b.panel('left', 0, 0, 600, 420, '#ffffff').panel('right', 600, 0, 600, 420, '#f3f3f3');
  LEFT.forEach((t, i) => s.text(24, 40 + i * 30, 14, '#1f1f1f', t));
  RIGHT.forEach((t, i) => s.text(624, 40 + i * 30, 14, '#1f1f1f', t));
  LEFT.forEach((t, i) => b.row('left', 40 + i * 30, 14, [t]));
  return b.build();
}
const LEFT = ['Pull requests waiting for review', 'Fix the retry loop in the uploader', 'Add a dark theme to the settings', 'Bump the parser to 2.3.0', 'Translate the error messages', 'Remove the unused icons', 'Cache the font list per window', 'Explain the proxy settings', 'Sort the recent files by date', 'Keep the cursor after a reload', 'Report the size of each bundle', 'Load the images lazily'];
const RIGHT = ['Build log of the nightly run', 'Checking out revision 8c1f2e0', 'Installing 412 packages', 'Compiling 318 source files', 'Running 1204 unit tests', 'Uploading the coverage report', 'Packing the extension', 'Signing the package', 'Publishing to the staging feed', 'Notifying the release channel', 'Cleaning the workspace', 'Finished in 7 minutes 12 seconds'];

// ---- checking a reading -------------------------------------------------------------------------------------------

/** A line as read: its text and its words' boxes (OcrLine's shape, without importing the product here). */
interface ReadLine {
  readonly text: string;
  readonly words: readonly { readonly text: string; readonly box: Rect }[];
}

/**
 * What a reading gets wrong in the layout, one message each: a line whose words lie in two panels, a row whose words
 * are not on one line, panels not in the expected reading order (by their first line).
 */
export function layoutViolations(scene: LayoutScene, lines: readonly ReadLine[]): string[] {
  const out: string[] = [];
  const panelOf = (box: Rect): string | undefined => {
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    // The smallest panel holding the word's centre (panels may hold others, e.g. an editor its tab strip).
    const holding = scene.panels.filter(({ rect: r }) => cx >= r.x && cx < r.x + r.width && cy >= r.y && cy < r.y + r.height);
    return holding.sort((a, b) => a.rect.width * a.rect.height - b.rect.width * b.rect.height)[0]?.name;
  };
  const firstLine = new Map<string, number>();
  lines.forEach((line, i) => {
    const panels = new Set(line.words.map((w) => panelOf(w.box)).filter((p): p is string => p !== undefined));
    if (panels.size > 1) out.push(`line ${i} "${line.text}" spans ${[...panels].join(' + ')}`);
    for (const p of panels) if (!firstLine.has(p)) firstLine.set(p, i);
  });
  for (const row of scene.rows) {
    const top = row.baseline - 0.75 * row.size;
    const bottom = row.baseline + 0.2 * row.size;
    const on = new Set<number>();
    lines.forEach((line, i) => {
      for (const w of line.words) {
        const cy = w.box.y + w.box.height / 2;
        if (cy >= top && cy <= bottom && panelOf(w.box) === row.panel) on.add(i);
      }
    });
    if (on.size !== 1) out.push(`row "${row.cells.join(' | ')}" is on ${on.size} lines: ${[...on].map((i) => `"${lines[i]?.text ?? ''}"`).join(', ')}`);
  }
  const order = scene.panels.map((p) => p.name).filter((p) => firstLine.has(p));
  const read = [...order].sort((a, b) => (firstLine.get(a) ?? 0) - (firstLine.get(b) ?? 0));
  if (read.join(',') !== order.join(',')) out.push(`panels read in the order ${read.join(', ')}; expected ${order.join(', ')}`);
  return out;
}

/**
 * Render a scene at its own size with the bundled DejaVu fonts (denseScreens.ts's renderScreen, which shares resvg
 * with the product's rasteriser), its monospaced texts in DejaVu Sans Mono: resvg does not map the generic
 * `monospace` family (it falls back to the sans font), so the font is named.
 */
export async function renderAtSize(scene: Scene, scale = 1): Promise<Buffer> {
  const named = (svg: string): string => svg.replaceAll('font-family="monospace"', 'font-family="DejaVu Sans Mono"');
  return renderScreen({ ...scene, svgAt: (s: number) => named(scene.svgAt(s)) }, scale);
}
