/**
 * The dark editor and the full-screen terminal of the dense screens (denseScreens.ts): TypeScript with a line-number
 * gutter and syntax colours, shell sessions with `$` prompts, npm output, paths, versions, `ls -l`, `git log --oneline`
 * and a numbered `history`. Plain Node: no test framework here.
 */
import type { DenseVariant, DrawnScreen } from './denseScreens';
import { COMMIT_SUBJECTS, FOLDERS, IDENTIFIERS, MONTHS, NOUNS, PACKAGES, PEOPLE, REGIONS, USERS, type Rng } from './denseWords';
import type { NumberedTruth, Rect, TableTruth } from './screenLayout';
import { DARK_PLUS, SceneBuilder, type Span } from './screens';

/** Named: resvg draws the generic `monospace` in the proportional sans. */
const MONO = 'DejaVu Sans Mono';
const DARK = { bg: '#1f1f1f', side: '#181818', fg: '#cccccc', dim: '#9d9d9d', gutter: '#6e7681', border: '#2b2b2b' };
const SYNTAX = DARK_PLUS;
const KEYWORDS = new Set(['import', 'from', 'export', 'const', 'let', 'async', 'function', 'interface', 'type', 'new', 'await', 'return', 'if', 'as', 'string', 'number', 'void']);

/** Colours for one line of generated TypeScript (only ever the lines below: comments, quotes, words, numbers). */
export function highlight(line: string): Span[] {
  const spans: Span[] = [];
  const re = /(\/\/.*$|\/\*\*.*\*\/)|('[^']*'|`[^`]*`)|(\b\d[\d_.]*\b)|([A-Za-z_$][\w$]*)|(\s+|[^\w\s'`$/]+|\/)/g;
  for (const m of line.matchAll(re)) {
    const [t, comment, str, num, word] = m;
    const next = line[(m.index ?? 0) + t.length];
    const fill = comment ? SYNTAX.comment : str ? SYNTAX.string : num ? SYNTAX.number
      : word ? (KEYWORDS.has(word) ? SYNTAX.keyword : /^[A-Z]/.test(word) ? SYNTAX.type : next === '(' ? SYNTAX.fn : SYNTAX.name)
      : SYNTAX.text;
    spans.push([t, fill]);
  }
  return spans;
}

/** 25 lines of TypeScript: imports, a cache from a pinned package, an interface, a function with a template literal. */
function codeLines(rng: Rng, fn: string, noun: string): string[] {
  const Type = noun[0]?.toUpperCase() + noun.slice(1);
  const pkg = rng.pick(PACKAGES.slice(0, 8));
  const version = rng.version('');
  const env = `${noun.toUpperCase()}_DIR`;
  const ttl = rng.int(2, 30);
  return [
    "import { readFile } from 'node:fs/promises';",
    `import { LRUCache } from '${pkg}';`,
    "import type { FastifyRequest } from 'fastify';",
    '',
    `// Pinned to ${pkg}@${version}: l1 keeps ${rng.int(100, 999)} entries, l2 uses $${env}`,
    `const MAX_ENTRIES = ${rng.int(2, 9)}_${String(rng.int(0, 999)).padStart(3, '0')};`,
    `const TTL_MS = 60_000 * ${ttl};`,
    `const l1 = new LRUCache<string, ${Type}>({ max: MAX_ENTRIES, ttl: TTL_MS });`,
    '',
    `export interface ${Type} {`,
    '  region: string;',
    `  ${rng.pick(['perMinute', 'limit', 'weight', 'retries'])}: number;`,
    `  ${rng.pick(['burst', 'owner', 'updatedAt', 'label'])}: string;`,
    '}',
    '',
    `/** Reads the ${noun} of one region, kept for ${ttl} minutes. */`,
    `export async function ${fn}(req: FastifyRequest, region: string): Promise<${Type}> {`,
    '  const hit = l1.get(region);',
    '  if (hit) return hit;',
    `  const path = \`\${process.env.${env} ?? './${rng.pick(['config', 'data', 'limits'])}'}/\${region}.json\`;`,
    `  const value = JSON.parse(await readFile(path, 'utf8')) as ${Type};`,
    '  l1.set(region, value);',
    `  req.log.info(\`${noun} for \${region}: \${l1.size}/\${MAX_ENTRIES} cached\`);`,
    '  return value;',
    '}',
  ];
}

/** The test file open beside the code (a second editor group). */
function testLines(rng: Rng, fn: string, file: string, noun: string): string[] {
  const region = rng.pick(REGIONS).toLowerCase().replace(/ /g, '-');
  const calls = rng.int(2, 5);
  return [
    "import { describe, expect, it, vi } from 'vitest';",
    "import * as fs from 'node:fs/promises';",
    "import type { FastifyRequest } from 'fastify';",
    `import { ${fn} } from '../src/${file.replace(/\.ts$/, '')}';`,
    '',
    `describe('${fn}', () => {`,
    `  it('reads the ${noun} of a region from disk once', async () => {`,
    "    const read = vi.spyOn(fs, 'readFile');",
    `    for (let i = 0; i < ${calls}; i++) await ${fn}(request(), '${region}');`,
    '    expect(read).toHaveBeenCalledTimes(1);',
    '  });',
    '',
    `  it('keeps a separate entry for every region', async () => {`,
    `    await ${fn}(request(), 'eu-north');`,
    `    await ${fn}(request(), 'us-east');`,
    '    expect(fs.readFile).toHaveBeenCalledTimes(2);',
    '  });',
    '',
    `  it('fails with ENOENT when the ${noun} file is missing', async () => {`,
    `    process.env.${noun.toUpperCase()}_DIR = '/tmp/none';`,
    `    await expect(${fn}(request(), 'nowhere')).rejects.toThrow(/ENOENT/);`,
    '  });',
    '});',
    '',
    'const request = (): FastifyRequest =>',
    '  ({ log: { info: vi.fn(), warn: vi.fn() } }) as unknown as FastifyRequest;',
  ];
}

/** Lines of code with their numbers in a gutter (the cursor's line number brighter); the numbered truth of each non-empty one. */
function numberedCode(s: SceneBuilder, lines: readonly string[], at: { region: string; gutterX: number; codeX: number; lineHeight: number }, cursor: number): NumberedTruth[] {
  const { region, gutterX, codeX, lineHeight } = at;
  const out: NumberedTruth[] = [];
  lines.forEach((line, i) => {
    const y = 110 + i * lineHeight;
    const number = String(i + 1);
    s.text(gutterX, y, 13, i === cursor ? DARK.fg : DARK.gutter, number.padStart(2, ' '), { mono: true });
    if (line) {
      s.spans(codeX, y, 14, highlight(line), { mono: true });
      out.push({ region, kind: 'gutter', number, item: line });
    }
  });
  return out;
}

function explorer(s: SceneBuilder, rng: Rng, project: string, file: string): void {
  s.text(68, 54, 11, DARK.fg, 'EXPLORER', { bold: true }).text(68, 80, 11, DARK.fg, project.toUpperCase(), { bold: true });
  const folders = rng.sample(FOLDERS, 5);
  const entries: [string, number][] = [];
  folders.forEach((folder, i) => {
    entries.push([folder, 0]);
    const n = i === 0 ? 6 : 3;
    rng.sample(NOUNS, n).forEach((name, k) => entries.push([i === 0 && k === 0 ? file : `${name}${rng.pick(['.ts', '.test.ts', 'Store.ts', '.json'])}`, 1]));
  });
  entries.push(['.gitignore', 0], ['package.json', 0], ['package-lock.json', 0], ['README.md', 0], ['tsconfig.json', 0]);
  entries.forEach(([name, depth], i) => s.text(76 + depth * 18, 106 + i * 22, 13, DARK.fg, name));
  s.text(68, 1020, 11, DARK.fg, 'OUTLINE', { bold: true }).text(68, 1044, 11, DARK.fg, 'TIMELINE', { bold: true });
}

/** Where the editor's panels are (the side bar's right edge, the split between the editor groups, the panel's top, the line height): the held-out variant moves them. */
const EDITOR: Readonly<Record<DenseVariant, { left: number; split: number; panelTop: number; lineHeight: number }>> = {
  dev: { left: 308, split: 1180, panelTop: 670, lineHeight: 22 },
  'held-out': { left: 280, split: 1150, panelTop: 640, lineHeight: 21 },
  unseen: { left: 296, split: 1120, panelTop: 655, lineHeight: 21.5 },
  fresh: { left: 320, split: 1200, panelTop: 680, lineHeight: 22.5 },
};

/** A VS Code-like window: file tree, two editor groups (code and its test, numbered), a terminal panel, the status bar. */
export function editorScreen(rng: Rng, variant: DenseVariant): DrawnScreen {
  const { left: L, split: X, panelTop: T, lineHeight } = EDITOR[variant];
  const s = new SceneBuilder(1920, 1080, DARK.bg, MONO);
  const project = rng.pick(['gateway', 'billing-api', 'edge-proxy', 'quota-service']);
  const file = `${rng.pick(NOUNS)}Service.ts`;
  const panels: { name: string; rect: Rect }[] = [
    { name: 'title bar', rect: { x: 0, y: 0, width: 1920, height: 30 } },
    { name: 'explorer', rect: { x: 48, y: 30, width: L - 48, height: 1028 } },
    { name: 'tabs', rect: { x: L, y: 30, width: X - L, height: 58 } },
    { name: 'editor', rect: { x: L, y: 88, width: X - L, height: T - 88 } },
    { name: 'test tabs', rect: { x: X, y: 30, width: 1920 - X, height: 58 } },
    { name: 'test editor', rect: { x: X, y: 88, width: 1920 - X, height: T - 88 } },
    { name: 'terminal', rect: { x: L, y: T, width: 1920 - L, height: 1058 - T } },
    { name: 'status bar', rect: { x: 0, y: 1058, width: 1920, height: 22 } },
  ];
  s.rect(0, 0, 1920, 30, DARK.side).text(760, 20, 13, DARK.fg, `${file} - ${project} - Visual Studio Code`);
  s.rect(0, 30, 48, 1028, DARK.side).rect(48, 30, L - 48, 1028, DARK.side);
  explorer(s, rng, project, file);
  const fn = rng.pick(IDENTIFIERS);
  const noun = rng.pick(NOUNS);
  const testFile = `${fn}.test.ts`;
  s.rect(L, 30, 1920 - L, 35, DARK.side).rect(L, 30, 200, 35, DARK.bg).text(L + 16, 52, 13, '#ffffff', file);
  s.text(L + 222, 52, 13, DARK.dim, 'package.json').text(L + 352, 52, 13, DARK.dim, 'README.md');
  s.text(L + 16, 80, 12, DARK.dim, `src > ${file} > ${fn}`);
  s.rect(X, 30, 1, T - 30, '#3c3c3c').rect(X + 1, 30, 200, 35, DARK.bg).text(X + 16, 52, 13, '#ffffff', testFile);
  s.text(X + 16, 80, 12, DARK.dim, `test > ${testFile} > describe`);
  const numbered = [
    ...numberedCode(s, codeLines(rng, fn, noun), { region: 'editor', gutterX: L + 22, codeX: L + 74, lineHeight }, 16),
    ...numberedCode(s, testLines(rng, fn, file, noun), { region: 'test editor', gutterX: X + 10, codeX: X + 54, lineHeight }, 7),
  ];
  s.rect(L, T, 1920 - L, 1058 - T, DARK.side).rect(L, T, 1920 - L, 1, '#3c3c3c');
  s.text(L + 16, T + 22, 11, DARK.dim, 'PROBLEMS').text(L + 102, T + 22, 11, DARK.dim, 'OUTPUT').text(L + 172, T + 22, 11, '#ffffff', 'TERMINAL').text(L + 257, T + 22, 11, DARK.dim, 'PORTS');
  const prompt = `${rng.pick(USERS)}@devbox:~/${project}$`;
  const errorLine = rng.int(17, 23);
  [
    `${prompt} npm run build`,
    `> ${project}@${rng.version('')} build`,
    '> tsc -p tsconfig.json && node scripts/copy-assets.mjs',
    `src/${file}(${errorLine},${rng.int(3, 30)}): error TS2322: Type 'string' is not assignable to type 'number'.`,
    `Found 1 error in src/${file}:${errorLine}`,
    `${prompt} npm test -- --reporter=dot`,
    `Tests: ${rng.int(30, 80)} passed, 1 failed, ${rng.int(81, 99)} total (${rng.int(2, 9)}.${rng.int(10, 99)} s)`,
    `${prompt} npm ls ${PACKAGES[0]} ${PACKAGES[1]}`,
    `${project}@${rng.version('')} /home/dev/${project}`,
    `+-- ${PACKAGES[0]}@${rng.version('')}`,
    `\`-- ${PACKAGES[1]}@${rng.version('')}`,
    `${prompt} git status --short`,
    ` M src/${file}`,
    `?? src/${rng.pick(NOUNS)}.test.ts`,
    `${prompt} echo $NODE_ENV $PORT`,
    `development ${rng.int(3000, 9000)}`,
  ].forEach((l, i) => s.text(L + 16, T + 48 + i * 20, 13, DARK.fg, l, { mono: true }));
  s.rect(0, 1058, 1920, 22, '#007acc').text(10, 1073, 12, '#ffffff', `main* ${rng.int(1, 9)} errors ${rng.int(1, 9)} warnings`);
  s.text(1480, 1073, 12, '#ffffff', `Ln ${errorLine}, Col ${rng.int(3, 30)}   Spaces: 2   UTF-8   LF   TypeScript`);
  return { builder: s, panels, tables: [], numbered };
}

// ---- the terminal -------------------------------------------------------------------------------------------------

function lsListing(rng: Rng, user: string): string[] {
  const names = [...new Set(['src', 'dist', 'node_modules', 'scripts', 'test', ...rng.sample(['docs', 'config', 'public', 'migrations'], 1)])];
  const files = ['package.json', 'package-lock.json', 'tsconfig.json', 'README.md', rng.pick(['Dockerfile', 'Makefile', 'vitest.config.ts'])];
  const date = (): string => `${rng.pick(MONTHS)} ${String(rng.int(1, 28)).padStart(2, ' ')} ${String(rng.int(7, 22)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}`;
  const dirs = names.map((n) => `drwxr-xr-x  ${rng.int(2, 9)} ${user} ${user}   4096 ${date()} ${n}`);
  const plain = files.map((n) => `-rw-r--r--  1 ${user} ${user} ${String(rng.int(120, 99_999)).padStart(6, ' ')} ${date()} ${n}`);
  return [`total ${rng.int(200, 900)}`, ...dirs, ...plain];
}

/** A server log line: time, level, route, status, duration, request id. */
function logLine(rng: Rng, project: string): string {
  const level = rng.pick(['INFO ', 'INFO ', 'WARN ', 'INFO ', 'ERROR']);
  const region = `${rng.pick(REGIONS).toLowerCase().replace(/ /g, '-')}-${rng.int(1, 3)}`;
  const time = `2026-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}T${String(rng.int(0, 23)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}.${String(rng.int(0, 999)).padStart(3, '0')}Z`;
  const status = level === 'ERROR' ? 503 : level === 'WARN ' ? 429 : 200;
  return `${time} ${level} [${project}] GET /v1/${rng.pick(NOUNS)}/${region} ${status} ${rng.int(3, 480)}ms req=${rng.hex(7)} user=${rng.pick(USERS)} bytes=${rng.int(200, 9_999)}`;
}

/** A full-screen dark terminal: a prompt with `$`, git log, ls -l, npm install / outdated / test, a numbered history. */
export function terminalScreen(rng: Rng, variant: DenseVariant): DrawnScreen {
  const s = new SceneBuilder(1920, 1080, '#0c0c0c', MONO);
  const user = rng.pick(USERS);
  const project = rng.pick(['gateway', 'billing-api', 'edge-proxy', 'quota-service']);
  const prompt = `${user}@devbox:~/work/${project}$`;
  const panels = [
    { name: 'title bar', rect: { x: 0, y: 0, width: 1920, height: 34 } },
    { name: 'terminal', rect: { x: 0, y: 34, width: 1920, height: 1046 } },
  ];
  s.rect(0, 0, 1920, 34, '#2d2d2d').text(820, 22, 13, '#e0e0e0', `${user}@devbox: ~/work/${project}`);
  const listing = lsListing(rng, user);
  const pkg = rng.pick(PACKAGES);
  const history = rng.int(480, 980);
  const historyCommands = ['npm ci', 'git pull --rebase', `git checkout -b fix/${rng.pick(NOUNS)}-cache`, 'npm run lint -- --fix', 'history | tail -5'];
  const outdated = [
    'Package      Current   Wanted   Latest  Location',
    ...rng.sample(PACKAGES, 3).map((p) => `${p.padEnd(12)} ${rng.version('').padEnd(9)} ${rng.version('').padEnd(8)} ${rng.version('').padEnd(7)} node_modules/${p}`),
  ];
  const lines = [
    `${prompt} git log -6 --format='%h %an, %ar: %s'`,
    ...rng.sample(COMMIT_SUBJECTS, 6).map((subject, i) => `${rng.hex(7)} ${rng.pick(PEOPLE)}, ${i + rng.int(1, 3)} hours ago: ${subject}`),
    `${prompt} ls -l`,
    ...listing,
    `${prompt} npm install ${pkg}@${rng.version('')} --save-exact`,
    `added ${rng.int(1, 9)} packages, changed 1 package, and audited ${rng.int(300, 900)} packages in ${rng.int(2, 9)}s`,
    `${rng.int(40, 90)} packages are looking for funding`,
    '  run `npm fund` for details',
    'found 0 vulnerabilities',
    `${prompt} npm outdated`,
    ...outdated,
    `${prompt} npm test`,
    `> ${project}@${rng.version('')} test`,
    '> vitest run --reporter=dot',
    ...rng.sample(NOUNS, 4).map((n) => ` PASS  test/${n}.test.ts (${rng.int(3, 40)} tests | ${rng.int(1, 3)} skipped) ${rng.int(12, 900)}ms`),
    ` FAIL  test/${rng.pick(IDENTIFIERS)}.test.ts > returns 429 when the quota is spent`,
    `   AssertionError: expected 200 to be 429 // Object.is equality`,
    `    at test/${rng.pick(NOUNS)}.test.ts:${rng.int(20, 90)}:${rng.int(5, 30)}`,
    ` Test Files  1 failed | 4 passed (5)`,
    `      Tests  1 failed | ${rng.int(60, 140)} passed (${rng.int(141, 160)})`,
    `   Duration  ${rng.int(1, 9)}.${rng.int(10, 99)}s`,
    `${prompt} history | tail -5`,
    ...historyCommands.map((c, i) => `  ${history + i}  ${c}`),
    `${prompt} tail -n 5 logs/server.log`,
    ...Array.from({ length: 5 }, () => logLine(rng, project)),
    `${prompt} echo $NODE_ENV && node -v`,
    'production',
    `v${rng.int(18, 22)}.${rng.int(1, 19)}.${rng.int(0, 9)}`,
    `${prompt} `,
  ];
  lines.forEach((l, i) => s.text(variant === 'dev' ? 14 : 24, 52 + i * 17.5, 13, '#cccccc', l, { mono: true }));
  const tables: TableTruth[] = [{ region: 'terminal', rows: listing.slice(1) }, { region: 'terminal', rows: outdated }];
  const numbered: NumberedTruth[] = historyCommands.map((c, i) => ({ region: 'terminal', kind: 'list', number: String(history + i), item: c }));
  return { builder: s, panels, tables, numbered };
}
