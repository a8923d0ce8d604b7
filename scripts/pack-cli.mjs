// Builds the CLI's npm package, describe-image-cli (the name describe-image on npm belongs to another package): the
// production bundles of the CLI alone (no extension, no vscode-* bundles) into out/cli-package/dist, a package.json whose
// dependencies are exactly what the bundles require at run time (esbuild.mjs lists them: sharp, which loads a native
// or WASM binary and cannot be bundled), with the root manifest's ranges, the CLI's README (docs/cli/README.md) and
// LICENSE; then `npm pack` there, leaving describe-image-cli-<version>.tgz in the repository root.
// Usage: node scripts/pack-cli.mjs   (npm run pack:cli). Prints the tarball's path and size.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_NAME = 'describe-image-cli';
/** The VSIX's size: the CLI's package must not be bigger. */
const MAX_BYTES = 10.5 * 1024 * 1024;

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const stage = path.join(root, 'out', 'cli-package');
const read = (file) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));

/** The production bundles of the CLI and the files they read, into `<stage>/dist`; returns their external packages. */
function build() {
  const dist = path.join(stage, 'dist');
  execFileSync(process.execPath, ['esbuild.mjs', '--production', '--cli'], { cwd: root, stdio: 'inherit', env: { ...process.env, DESCRIBE_IMAGE_DIST: dist } });
  const list = path.join(dist, 'externals.json');
  const externals = JSON.parse(readFileSync(list, 'utf8'));
  rmSync(list);
  return externals;
}

/** The root manifest's range for each package the bundles require: nothing else is installed with the CLI. */
function dependencies(rootPkg, externals) {
  return Object.fromEntries(
    externals.map((name) => {
      const range = rootPkg.dependencies?.[name];
      if (!range) throw new Error(`pack-cli: the CLI requires ${name} at run time, but package.json's dependencies do not list it`);
      return [name, range];
    }),
  );
}

function manifest(rootPkg, deps) {
  return {
    name: PACKAGE_NAME,
    version: rootPkg.version,
    description:
      'Describe images with a vision model (Azure OpenAI or any OpenAI-compatible server), read their text offline, and check and fill alt text in Markdown, MDX, HTML and JSX docs: a CLI and an MCP server.',
    keywords: ['alt text', 'accessibility', 'a11y', 'image', 'describe', 'ocr', 'markdown', 'sarif', 'mcp', 'azure openai', 'openai', 'ollama', 'cli'],
    license: rootPkg.license,
    repository: rootPkg.repository,
    bin: { 'describe-image': 'dist/cli.js' },
    files: ['dist/', 'README.md', 'LICENSE'],
    engines: { node: rootPkg.engines.node },
    dependencies: deps,
  };
}

export function packCli() {
  const rootPkg = read('package.json');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const externals = build();
  const pkg = manifest(rootPkg, dependencies(rootPkg, externals));
  writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  copyFileSync(path.join(root, 'docs', 'cli', 'README.md'), path.join(stage, 'README.md'));
  copyFileSync(path.join(root, 'LICENSE'), path.join(stage, 'LICENSE'));
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', root], { cwd: stage, encoding: 'utf8', env: { ...process.env, npm_config_ignore_scripts: 'true' } }));
  const tarball = path.join(root, packed.filename);
  const bytes = statSync(tarball).size;
  if (bytes > MAX_BYTES) throw new Error(`pack-cli: ${packed.filename} is ${bytes} bytes, more than the VSIX's ${MAX_BYTES}`);
  return { tarball, bytes, files: packed.files.map((f) => f.path).sort() };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { tarball, bytes, files } = packCli();
  console.log(`${path.relative(process.cwd(), tarball) || tarball}: ${(bytes / 1024 / 1024).toFixed(2)} MB, ${files.length} files`);
}
