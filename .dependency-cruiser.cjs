/**
 * The house rules, checked by `npm run test:static` (dependency-cruiser): no import circle; `src/core` never imports
 * `vscode` nor a front; `src/cli` never imports `src/vscode`; a subsystem is entered only through its door (its
 * index.ts); and the layers of the core only point down. ARCHITECTURE.md draws the same picture in words.
 * Type-only imports count: a circle through a type is still a circle in the design.
 */
const CORE_LAYERS = {
  // subsystem: the core subsystems it may import (besides itself)
  base: [],
  markdown: ['base'],
  net: ['base'],
  images: ['base', 'net'],
  finders: ['base', 'markdown'],
  animation: ['base', 'images'],
  ocr: ['base', 'images', 'markdown'],
  describe: ['base', 'net', 'images', 'animation', 'markdown'],
  docs: ['base', 'net', 'images', 'describe', 'finders', 'markdown', 'ocr'],
  agent: ['base', 'images', 'docs', 'finders'],
};
const layerRules = Object.entries(CORE_LAYERS).map(([name, allowed]) => ({
  name: `core-layer-${name}`,
  comment: `src/core/${name} may import only ${allowed.length ? allowed.join(', ') : 'nothing else in the core'} (see ARCHITECTURE.md)`,
  severity: 'error',
  from: { path: `^src/core/${name}/` },
  to: { path: '^src/core/', pathNot: `^src/core/(${[name, ...allowed].join('|')})/` },
}));

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'An import circle: cut it where the data flows.', severity: 'error', from: { path: '^src/' }, to: { circular: true } },
    { name: 'core-not-vscode', comment: 'src/core runs in plain Node (the CLI, the tests): it never imports vscode.', severity: 'error', from: { path: '^src/core/' }, to: { path: '^vscode$|^src/(vscode|cli|webview)/|^src/extension\\.ts$' } },
    { name: 'cli-not-vscode', comment: 'The CLI never imports the VS Code layer.', severity: 'error', from: { path: '^src/cli/' }, to: { path: '^vscode$|^src/(vscode|webview)/|^src/extension\\.ts$' } },
    { name: 'vscode-not-cli', comment: 'The VS Code layer never imports the CLI (nor its undici networking).', severity: 'error', from: { path: '^src/(vscode/|extension\\.ts)' }, to: { path: '^src/cli/|^undici$' } },
    {
      name: 'through-the-door',
      comment: "A subsystem is entered only through its door (index.ts): import '../images', not '../images/load'.",
      severity: 'error',
      from: { path: '^src/(core|cli|vscode)/([^/]+)/' },
      to: { path: '^src/(core|cli|vscode)/[^/]+/', pathNot: ['^src/$1/$2/', '^src/(core|cli|vscode)/[^/]+/index\\.ts$'] },
    },
    {
      name: 'top-through-the-door',
      comment: "The entry files (src/extension.ts, src/cli/main.ts, src/cli/index.ts) use the subsystems' doors too.",
      severity: 'error',
      from: { path: '^src/[^/]+\\.ts$|^src/(cli|vscode)/[^/]+\\.ts$' },
      to: { path: '^src/(core|cli|vscode)/[^/]+/', pathNot: '^src/(core|cli|vscode)/[^/]+/index\\.ts$' },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(out|dist|test|bench|scripts)/' },
  },
};
