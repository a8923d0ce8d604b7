// Runs every compiled unit test (out/**/*.unit.test.js) with Node's built-in test runner.
// Usage: node scripts/run-unit-tests.mjs [filter substring]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const filter = process.argv[2] ?? '';
const files = readdirSync('out/test', { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.unit.test.js'))
  .map((e) => join(e.parentPath ?? e.path, e.name))
  .filter((f) => f.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`No unit tests found under out/test${filter ? ` matching "${filter}"` : ''}: run "npm run compile-tests" first.`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
