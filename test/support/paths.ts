/** Paths the tests use, found from the repository root whether the tests run from `out/` or elsewhere. */
import { existsSync } from 'node:fs';
import * as path from 'node:path';

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(path.dirname(dir)) === 'out') {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRoot(__dirname);
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
export const fixture = (...parts: string[]): string => path.join(fixturesDir, ...parts);
export const image = (name: string): string => fixture('images', name);
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');
/** Preloaded into CLI processes in tests: only loopback connections (see the file). */
export const networkGuard = path.join(repoRoot, 'test', 'support', 'networkGuard.cjs');
/** Preloaded into a CLI process whose peak memory a test measures (see the file). */
export const peakMemory = path.join(repoRoot, 'test', 'support', 'peakMemory.cjs');
export const testResultsDir = process.env['DESCRIBE_IMAGE_TEST_RESULTS'] ?? path.join(repoRoot, 'test-results');
/** Preloaded into a CLI process to count its worker threads: appends start / exit lines to WORKER_COUNT_LOG. */
export const workerCounter = path.join(repoRoot, 'test', 'support', 'workerCounter.cjs');
