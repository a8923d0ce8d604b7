/**
 * Screenshots with known text, for the OCR tests (test/core/ocr.unit.test.ts) and the OCR bench section
 * (bench/sections/ocr.mjs, which loads this file compiled from out/): each scene is drawn as SVG with the bundled
 * DejaVu fonts and keeps every text it draws, so the words a reader finds can be counted ({@link wordsFound}).
 * Plain Node: no test framework here.
 */
import { rasteriseSvg } from '../../src/core/images';

/** A text as drawn: [text, x, baseline y, font size]. */
export type Placed = [text: string, x: number, baseline: number, size: number];
/** Part of a line in its own colour (syntax highlighting): [text, fill]. */
export type Span = readonly [text: string, fill: string];

/** VS Code's Dark+ syntax colours, for the code on generated editor screens. */
export const DARK_PLUS = { keyword: '#569cd6', control: '#c586c0', string: '#ce9178', number: '#b5cea8', comment: '#6a9955', fn: '#dcdcaa', type: '#4ec9b0', name: '#9cdcfe', text: '#d4d4d4' } as const;

export interface Scene {
  readonly width: number;
  readonly height: number;
  /** The SVG at its own size. */
  readonly svg: string;
  /** The same picture at `scale` times the pixels (the layout unchanged): 2 turns a 1080p window into 4K. */
  svgAt(scale: number): string;
  /** Every text drawn, as a line: the words a reader should find. */
  readonly lines: readonly string[];
  /** Where each text was drawn. */
  readonly placed: readonly Placed[];
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export class SceneBuilder {
  private body = '';
  private readonly lines: string[] = [];
  private readonly placed: Placed[] = [];
  /**
   * `monoFamily`: the font family of `{ mono: true }` texts. The default, the generic `monospace`, is not mapped to
   * DejaVu Sans Mono by resvg (it draws them in the proportional sans); the dense screens name the font itself.
   */
  constructor(
    private readonly width: number,
    private readonly height: number,
    background: string,
    private readonly monoFamily = 'monospace',
  ) {
    this.rect(0, 0, width, height, background);
  }
  rect(x: number, y: number, w: number, h: number, fill: string, extra = ''): this {
    this.body += `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${fill}" ${extra}/>`;
    return this;
  }
  /** One line of text in one colour, `y` its baseline. */
  text(x: number, y: number, size: number, fill: string, text: string, options: { bold?: boolean; mono?: boolean } = {}): this {
    return this.draw(x, y, size, ` fill="${fill}"`, text, esc(text), options);
  }
  /** One line of text in spans of different colours on one baseline (syntax highlighting). */
  spans(x: number, y: number, size: number, spans: readonly Span[], options: { bold?: boolean; mono?: boolean } = {}): this {
    const inner = spans.map(([t, fill]) => `<tspan fill="${fill}">${esc(t)}</tspan>`).join('');
    return this.draw(x, y, size, '', spans.map(([t]) => t).join(''), inner, options);
  }
  private draw(x: number, y: number, size: number, fill: string, text: string, inner: string, options: { bold?: boolean; mono?: boolean }): this {
    this.lines.push(text);
    this.placed.push([text, x, y, size]);
    const family = options.mono ? this.monoFamily : 'sans-serif';
    this.body += `<text x="${x}" y="${y}" font-size="${size}" font-family="${family}" font-weight="${options.bold ? 'bold' : 'normal'}"${fill} xml:space="preserve">${inner}</text>`;
    return this;
  }
  build(): Scene {
    const { width, height, body } = this;
    const svgAt = (scale: number): string =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width * scale}" height="${height * scale}" viewBox="0 0 ${width} ${height}">${body}</svg>`;
    return { width, height, svg: svgAt(1), svgAt, lines: [...this.lines], placed: [...this.placed] };
  }
}

// ---- the scenes -------------------------------------------------------------------------------------------------

export const SETTINGS: readonly (readonly [title: string, description: string, value: string])[] = [
  ['Editor: Font Size', 'Controls the font size in pixels.', '14'],
  ['Editor: Tab Size', 'The number of spaces a tab is equal to.', '4'],
  ['Files: Auto Save', 'Controls auto save of editors that have unsaved changes.', 'afterDelay'],
  ['Editor: Word Wrap', 'Controls how lines should wrap when they exceed the viewport width.', 'bounded'],
  ['Http: Proxy', 'The proxy setting to use. If not set, it is taken from the environment variables.', 'http://proxy.internal:3128'],
  ['Terminal: Scrollback', 'Controls the maximum number of lines the terminal keeps in its buffer.', '1000'],
];

/** A settings page like VS Code's (1280×720), light or dark, at a given font size (13 px is the editor's default UI size). */
export function settingsPage(theme: 'light' | 'dark', size = 13): Scene {
  const c = theme === 'light'
    ? { bg: '#ffffff', side: '#f3f3f3', fg: '#1f1f1f', dim: '#616161', box: '#ffffff', border: '#cecece', title: '#dddddd' }
    : { bg: '#1f1f1f', side: '#181818', fg: '#cccccc', dim: '#9d9d9d', box: '#313131', border: '#3c3c3c', title: '#181818' };
  const k = size / 13;
  const s = new SceneBuilder(1280, 720, c.bg).rect(0, 0, 1280, 30, c.title).rect(0, 30, 220, 690, c.side);
  s.text(12, 20, size, c.fg, 'Settings - Describe Image - Visual Studio Code');
  ['Commonly Used', 'Text Editor', 'Workbench', 'Window', 'Features', 'Application', 'Security', 'Extensions'].forEach((t, i) => s.text(20, 70 + i * 26 * k, size, c.fg, t));
  s.rect(240, 44, 1000, 26, c.box, `stroke="${c.border}"`).text(248, 62, size, c.dim, 'Search settings');
  SETTINGS.forEach(([title, description, value], i) => {
    const y = 110 + i * 92 * Math.min(1, k);
    s.text(250, y, size, c.fg, title, { bold: true }).text(250, y + 22 * k, size, c.dim, description);
    s.rect(250, y + 32 * k, 300, 26 * k, c.box, `stroke="${c.border}"`).text(256, y + 50 * k, size, c.fg, value);
  });
  return s.build();
}

/** Buttons (1024×160) with white labels on saturated colours, and one dark-on-grey. */
export function buttons(): Scene {
  const s = new SceneBuilder(1024, 160, '#ffffff');
  const button = (x: number, y: number, w: number, fill: string, label: string, fg = '#ffffff'): void => {
    s.rect(x, y, w, 28, fill, 'rx="2"').text(x + 12, y + 19, 13, fg, label);
  };
  button(20, 20, 140, '#0078d4', 'Save Changes');
  button(180, 20, 100, '#0e639c', 'Sign in');
  button(300, 20, 170, '#d13438', 'Delete Repository');
  button(490, 20, 120, '#107c10', 'Install Now');
  button(20, 90, 170, '#5c2d91', 'Open Settings');
  button(210, 90, 150, '#ca5010', 'Retry Upload');
  button(380, 90, 150, '#007acc', 'Show Log');
  button(550, 90, 90, '#e5e5e5', 'Cancel', '#1f1f1f');
  return s.build();
}

export const CODE_LINES: readonly string[] = [
  'GET https://api.github.com/repos/microsoft/vscode/issues?state=open&per_page=100',
  '$ git clone git@github.com:describe-image/describe-image.git',
  'C:\\Users\\dev\\AppData\\Roaming\\Code\\User\\settings.json',
  'export PATH="$HOME/.local/bin:$PATH" # added by installer',
  'Error: ENOENT: no such file or directory, open config.json',
];

/** Code, paths and URLs in a monospaced font (1100×200). */
export function codeLines(): Scene {
  const s = new SceneBuilder(1100, 200, '#ffffff');
  CODE_LINES.forEach((l, i) => s.text(16, 32 + i * 32, 14, '#1f1f1f', l, { mono: true }));
  return s.build();
}

/** A dark VS Code window at 1920×1080: explorer, code with syntax colours, terminal, a notification, the status bar. */
export function ideWindow(): Scene {
  const s = new SceneBuilder(1920, 1080, '#1f1f1f');
  s.rect(0, 0, 1920, 30, '#181818').text(760, 20, 13, '#cccccc', 'app.ts - describe-image - Visual Studio Code');
  s.rect(0, 30, 48, 1028, '#181818').rect(48, 30, 260, 1028, '#181818');
  s.text(68, 54, 11, '#cccccc', 'EXPLORER', { bold: true });
  ['src', 'core', 'client.ts', 'describe.ts', 'imagePipeline.ts', 'markdown.ts', 'ocr.ts', 'cli', 'main.ts', 'test', 'package.json', 'README.md', 'tsconfig.json'].forEach((f, i) =>
    s.text(76 + (i > 0 && i < 7 ? 16 : 0), 82 + i * 22, 13, '#cccccc', f),
  );
  s.rect(308, 30, 1612, 35, '#181818').rect(308, 30, 140, 35, '#1f1f1f').text(324, 52, 13, '#ffffff', 'app.ts');
  const { keyword: K, string: S, fn: F, name: V, text: T, comment: C } = DARK_PLUS;
  const code: Span[][] = [
    [['import', K], [' { readFile } ', T], ['from', K], [' ', T], ["'node:fs/promises'", S], [';', T]],
    [['import', K], [' { createServer } ', T], ['from', K], [' ', T], ["'node:http'", S], [';', T]],
    [],
    [['// Serve the settings page on port 8080', C]],
    [['const', K], [' ', T], ['port', V], [' = ', T], ['Number', F], ['(process.env.PORT ?? ', T], ['8080', '#b5cea8'], [');', T]],
    [['export', K], [' ', T], ['async', K], [' ', T], ['function', K], [' ', T], ['start', F], ['(root: string): Promise<void> {', T]],
    [['  const', K], [' ', T], ['page', V], [' = ', T], ['await', K], [' ', T], ['readFile', F], ['(`${root}/settings.html`, ', T], ["'utf8'", S], [');', T]],
    [['  createServer', F], ['((req, res) => res.end(page)).listen(port);', T]],
    [['  console', V], ['.', T], ['log', F], ['(', T], ["'Listening on http://localhost:8080/settings'", S], [');', T]],
    [['}', T]],
  ];
  code.forEach((spans, i) => {
    s.text(330, 92 + i * 19, 12, '#6e7681', String(i + 1).padStart(2, ' '), { mono: true });
    if (spans.length) s.spans(370, 92 + i * 19, 14, spans, { mono: true });
  });
  s.rect(308, 700, 1612, 358, '#181818').text(324, 724, 11, '#cccccc', 'TERMINAL', { bold: true });
  [
    '$ npm test',
    '> describe-image@0.1.0 test',
    'Error: ENOENT: no such file or directory, open settings.json',
    '    at async start (src/app.ts:7:16)',
    'Tests: 41 passed, 1 failed, 42 total',
  ].forEach((l, i) => s.text(324, 752 + i * 20, 14, '#cccccc', l, { mono: true }));
  s.rect(1480, 880, 420, 150, '#252526', 'stroke="#454545"').text(1500, 912, 13, '#cccccc', 'Extension host terminated unexpectedly.');
  s.text(1500, 936, 13, '#cccccc', 'Restart it to continue.');
  s.rect(1650, 975, 110, 28, '#0078d4').text(1664, 994, 13, '#ffffff', 'Restart');
  s.rect(1775, 975, 110, 28, '#313131').text(1789, 994, 13, '#cccccc', 'Show Log');
  s.rect(0, 1058, 1920, 22, '#007acc').text(10, 1073, 12, '#ffffff', 'main').text(1600, 1073, 12, '#ffffff', 'Ln 7, Col 16   Spaces: 2   UTF-8   TypeScript');
  return s.build();
}

// ---- rendering and counting ---------------------------------------------------------------------------------------

/**
 * A scene as PNG, through the project's own SVG rasteriser (resvg with the bundled fonts), at its own size: right for
 * the settings page, the buttons and the code lines. Not for the 1080p window: the rasteriser would shrink it to the
 * size a vision model keeps (the bench renders that one itself, at 1× and 2×).
 */
export async function render(scene: Scene): Promise<Buffer> {
  return (await rasteriseSvg(new TextEncoder().encode(scene.svg), 'high')).png;
}

/** Share of the known words found, each word counted as often as it was drawn (exact match, punctuation included). */
export function wordsFound(expected: readonly string[], text: string): { share: number; missed: string[] } {
  const bag = new Map<string, number>();
  for (const t of text.split(/\s+/).filter(Boolean)) bag.set(t, (bag.get(t) ?? 0) + 1);
  let found = 0;
  const missed: string[] = [];
  const words = expected.flatMap((l) => l.split(/\s+/).filter(Boolean));
  for (const w of words) {
    const n = bag.get(w) ?? 0;
    if (n > 0) {
      found++;
      bag.set(w, n - 1);
    } else missed.push(w);
  }
  return { share: found / words.length, missed };
}
