// Runs every compiled unit test (out/**/*.unit.test.js) with Node's built-in test runner; with --package, the tests of
// the CLI's npm package instead (out/**/*.package.test.js: they pack it and install it, so they take a minute).
// Usage: node scripts/run-unit-tests.mjs [--package] [filter substring]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const kind = process.argv.includes('--package') ? 'package' : 'unit';
const filter = process.argv.slice(2).find((a) => a !== '--package') ?? '';
const files = readdirSync('out/test', { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith(`.${kind}.test.js`))
  .map((e) => join(e.parentPath ?? e.path, e.name))
  .filter((f) => f.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`No ${kind} tests found under out/test${filter ? ` matching "${filter}"` : ''}: run "npm run compile-tests" first.`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
