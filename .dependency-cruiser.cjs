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
  nodeHttp: ['base', 'net'],
  images: ['base', 'net'],
  finders: ['base', 'markdown'],
  sites: ['base'],
  animation: ['base', 'images'],
  ocr: ['base', 'images', 'markdown'],
  describe: ['base', 'net', 'images', 'animation', 'markdown'],
  docs: ['base', 'net', 'images', 'describe', 'finders', 'markdown', 'ocr', 'sites'],
  batch: ['base', 'net', 'describe', 'docs'],
  agent: ['base', 'images', 'docs', 'finders'],
};
const VSCODE_LAYERS = {
  base: [],
  models: ['base'],
  extractText: ['base'],
  describe: ['base', 'models', 'extractText'],
  pastePanel: ['base', 'models', 'describe', 'extractText'],
  altText: ['base', 'models'],
  tools: ['base', 'models', 'describe', 'extractText'],
};
const CLI_LAYERS = {
  base: [],
  describe: ['base'],
  altText: ['base'],
  extractText: ['base'],
  mcp: ['base'],
};
/** What activation may read: the core's light parts. The rest loads when first used (dynamic import), or is a type. */
const HEAVY_CORE = ['markdown', 'images', 'animation', 'ocr', 'describe', 'finders', 'sites', 'docs', 'batch', 'agent', 'nodeHttp'];
const layers = (front, table) =>
  Object.entries(table).map(([name, allowed]) => ({
    name: `${front}-layer-${name}`,
    comment: `src/${front}/${name} may import only ${allowed.length ? allowed.map((a) => `src/${front}/${a}`).join(', ') : `nothing else in src/${front}`}`,
    severity: 'error',
    from: { path: `^src/${front}/${name}/` },
    to: { path: `^src/${front}/[^/]+/`, pathNot: `^src/${front}/(${[name, ...allowed].join('|')})/` },
  }));
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
    ...layers('vscode', VSCODE_LAYERS),
    ...layers('cli', CLI_LAYERS),
    {
      name: 'light-activation',
      comment:
        "What activation reads (extension.ts, the VS Code layer's base and models, each feature's door) imports the core's heavy parts only as types or with import(): they load when first used.",
      severity: 'error',
      from: { path: '^src/(extension\\.ts$|vscode/(base|models)/|vscode/[^/]+/index\\.ts$)' },
      to: { path: `^src/core/(${HEAVY_CORE.join('|')})/`, dependencyTypesNot: ['type-only', 'dynamic-import'] },
    },
    {
      name: 'feature-door-light',
      comment: "A VS Code feature's door registers it and loads its work with import() (only base and models are read at activation).",
      severity: 'error',
      from: { path: '^src/vscode/([^/]+)/index\\.ts$', pathNot: '^src/vscode/(base|models)/' },
      to: { path: '^src/vscode/$1/(?!index\\.ts$)', pathNot: '^src/vscode/[^/]+/(kinds|deps|viewType|pasteStore)\\.ts$', dependencyTypesNot: ['type-only', 'dynamic-import'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(out|dist|test|bench|scripts)/' },
  },
};
