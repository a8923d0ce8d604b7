/** A site as `alt-text sites` shows it: paths relative to the folder the run started in, forward slashes. */
import * as path from 'node:path';
import { GENERATOR_NAMES, type Site } from './model';

/** The site's fields (its paths made relative), its generator's name, and whether `/…` links may be another docset's. */
export interface SiteSummary extends Omit<Site, 'absoluteMayBeElsewhere'> {
  readonly name: string;
  readonly absoluteLinksElsewhere: boolean;
}

export function siteSummary(site: Site, from: string): SiteSummary {
  const rel = (p: string) => (path.relative(from, p) || '.').split(path.sep).join('/');
  return {
    generator: site.generator,
    name: GENERATOR_NAMES[site.generator],
    configFile: rel(site.configFile),
    dir: rel(site.dir),
    contentRoots: site.contentRoots.map(rel),
    staticDirs: site.staticDirs.map(rel),
    resourceDirs: site.resourceDirs.map(rel),
    basePath: site.basePath,
    mdIsMdx: site.mdIsMdx,
    tildeRoot: site.tildeRoot !== undefined ? rel(site.tildeRoot) : undefined,
    absoluteLinksElsewhere: site.absoluteMayBeElsewhere,
    notes: site.notes,
  };
}
