/** Copies of the docs-site fixtures (test/fixtures/sites) for CLI tests that run in them and may write to them. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fixture } from './paths';

/** A copy of a fixture site in `tmp`, in its own repository folder (a `.git` marks the top, as in a clone). */
export async function siteCopy(tmp: string, name: string): Promise<string> {
  const dir = path.join(tmp, name);
  await fs.cp(fixture('sites', name), dir, { recursive: true });
  await fs.mkdir(path.join(dir, '.git'), { recursive: true });
  return dir;
}
