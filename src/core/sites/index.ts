/**
 * Docs sites as their generators build them: which site a folder belongs to (DocFX/Microsoft Learn, Docusaurus,
 * VitePress, Astro/Starlight, MkDocs, Hugo, Jekyll), found by its configuration file and read without running it
 * (JS/TS parsed with @babel/parser, JSON with trailing commas, YAML with custom tags), with what matters for checking
 * images: where its pages are, the static folders that site-absolute links (`/img/a.png`) resolve to, its base path,
 * whether `.md` is MDX. What can't be read statically takes the generator's documented default, with a note.
 * Imports: nothing else in the core.
 */
export { detectSites, siteOfDocument, siteServing, MAX_CONFIG_BYTES } from './detect';
export { readJsConfig, valueAt, Unknown, ConfigSyntaxError, type JsValue } from './jsConfig';
export { GENERATOR_NAMES, basePathOf, type Generator, type Site } from './model';
export { siteSummary, type SiteSummary } from './summary';
export { yamlValue } from './yaml';
