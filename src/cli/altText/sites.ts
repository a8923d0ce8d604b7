/**
 * `describe-image alt-text sites [DIR]`: which docs sites the folder belongs to or holds, and what was read from each
 * configuration (without running it): where the pages are, where `/img/a.png` links are looked for, the base path,
 * whether `.md` is MDX, and what had to be guessed. `check`/`fix --verbose` say the same in a line per site.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { detectSites, siteSummary, type Site, type SiteSummary } from '../../core/sites';
import type { CliIo } from '../base';

const list = (items: readonly string[]) => (items.length ? items.map((i) => (i === '.' ? './' : `${i}/`)).join(', ') : '(none)');

function siteText(s: SiteSummary): string {
  const lines = [`${s.name}: ${s.configFile}`, `  pages:        ${list(s.contentRoots)}`];
  if (s.absoluteLinksElsewhere) lines.push(`  /… links:     other Learn docsets (not checked)${s.tildeRoot !== undefined ? `; ~/ is ${list([s.tildeRoot])}` : ''}`);
  else lines.push(`  /… links in:  ${list(s.staticDirs)}`);
  lines.push(`  base path:    ${s.basePath}`, `  .md is MDX:   ${s.mdIsMdx ? 'yes' : 'no'}`);
  for (const n of s.notes) lines.push(`  guessed:      ${n}`);
  return lines.join('\n');
}

/** The `sites` mode: print what was detected (text or --json). Exit 0 when a site was found, 1 when none. */
export async function runSites(dirArg: string | undefined, io: CliIo, json: boolean, fail: (code: number, message: string, errorCode: string) => number): Promise<number> {
  const cwd = path.resolve(io.cwd);
  const dir = path.resolve(cwd, dirArg ?? '.');
  const isFolder = await fs.stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isFolder) return fail(2, `${dirArg ?? dir}: no such folder.`, 'bad-input');
  const summaries = (await detectSites(dir)).map((s) => siteSummary(s, cwd));
  if (json) io.stdout(`${JSON.stringify({ folder: path.relative(cwd, dir).split(path.sep).join('/') || '.', sites: summaries }, null, 2)}\n`);
  else if (summaries.length === 0) io.stdout(`No docs site found in or above ${dirArg ?? '.'} (nor one or two levels below): site-absolute links (/img/a.png) start at --docs-root.\n`);
  else io.stdout(`${summaries.map(siteText).join('\n\n')}\n`);
  return summaries.length ? 0 : 1;
}

/** For --verbose: one line per detected site, and each thing that had to be guessed, said once. */
export function siteLines(sites: readonly Site[], cwd: string): string[] {
  return sites.flatMap((site) => {
    const s = siteSummary(site, cwd);
    const where = s.absoluteLinksElsewhere ? '/… links are other Learn docsets' : `/… links are looked up in ${list(s.staticDirs)}`;
    return [`site: ${s.name} (${s.configFile}): pages in ${list(s.contentRoots)}; ${where}`, ...s.notes.map((n) => `site: guessed: ${n}`)];
  });
}
