/**
 * Site detection: configuration files found in, above (to the repository root) and below the start folder; each read
 * without running it into what matters for image links; defaults, with a note, for what can't be read.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { detectSites, siteOfDocument, siteSummary, MAX_CONFIG_BYTES, type Site } from '../../../src/core/sites';
import { fixture } from '../../support/paths';
import { resolveImageLink } from '../../../src/core/docs';

let tmp = '';
before(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'di-detect-')));
});
after(() => fs.rm(tmp, { recursive: true, force: true }));

/** A repository folder with these files (text), for one test. */
async function repo(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(tmp, name);
  await fs.mkdir(path.join(dir, '.git'), { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), text);
  }
  return dir;
}

const summary = (sites: Site[], from: string) => sites.map((s) => siteSummary(s, from));

describe('detectSites on the fixture sites', () => {
  it('Docusaurus: website/ config, docs in ../docs, a content-docs plugin, .md is MDX', async () => {
    const from = fixture('sites', 'docusaurus');
    const [site, ...rest] = summary(await detectSites(from), from);
    assert.equal(rest.length, 0);
    assert.deepEqual({ ...site, notes: undefined }, {
      generator: 'docusaurus',
      name: 'Docusaurus',
      configFile: 'website/docusaurus.config.ts',
      dir: 'website',
      contentRoots: ['docs', 'website/blog', 'website/src/pages', 'website/architecture'],
      staticDirs: ['website/static'],
      resourceDirs: [],
      basePath: '/',
      mdIsMdx: true,
      tildeRoot: undefined,
      absoluteLinksElsewhere: false,
      notes: undefined,
    });
  });

  it('DocFX: docfx.json with trailing commas; ~/ is its folder; /… is elsewhere', async () => {
    const from = fixture('sites', 'docfx');
    const [site] = summary(await detectSites(from), from);
    assert.deepEqual([site?.generator, site?.configFile, site?.contentRoots, site?.staticDirs, site?.tildeRoot, site?.absoluteLinksElsewhere, site?.notes], ['docfx', 'docs/docfx.json', ['docs'], [], 'docs', true, []]);
  });

  it('MkDocs: docs/en/mkdocs.yml two levels down, docs_dir by default, custom tags without a warning on stderr', async () => {
    const warnings: unknown[] = [];
    const onWarning = (w: unknown) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const from = fixture('sites', 'mkdocs');
      const [site] = summary(await detectSites(from), from);
      assert.deepEqual([site?.generator, site?.contentRoots, site?.staticDirs, site?.basePath], ['mkdocs', ['docs/en/docs'], ['docs/en/docs'], '/']);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(warnings, []);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('Astro: public/ and src/content', async () => {
    const from = fixture('sites', 'astro');
    const [site] = summary(await detectSites(from), from);
    assert.deepEqual([site?.generator, site?.contentRoots, site?.staticDirs], ['astro', ['src/content', 'src/pages'], ['public']]);
  });
});

describe('detectSites: settings, defaults and notes', () => {
  it('Docusaurus: unreadable staticDirectories and markdown.format take the defaults, each said once', async () => {
    const dir = await repo('docusaurus-unknown', { 'docusaurus.config.js': "module.exports = { staticDirectories: dirs(), markdown: { format: process.env.FORMAT }, presets: [['classic', { docs: false }]] };" });
    const [site] = await detectSites(dir);
    assert.deepEqual(site?.staticDirs, [path.join(dir, 'static')]);
    assert.equal(site?.mdIsMdx, true);
    assert.deepEqual(site?.contentRoots, [path.join(dir, 'blog'), path.join(dir, 'src/pages')], 'docs: false turns the docs off');
    assert.deepEqual(site?.notes, [
      'docusaurus.config.js: markdown.format is `process.env.FORMAT`, which can\'t be known without running the configuration; taken as "mdx" (Docusaurus 3\'s default: .md files are MDX)',
      "docusaurus.config.js: staticDirectories is `dirs()`, which can't be known without running the configuration; Docusaurus's default static/ is used",
    ]);
  });

  it("Docusaurus markdown.format 'md' or 'detect': .md is not MDX", async () => {
    for (const format of ['md', 'detect']) {
      const dir = await repo(`docusaurus-${format}`, { 'docusaurus.config.mjs': `export default { markdown: { format: '${format}' } };` });
      assert.equal((await detectSites(dir))[0]?.mdIsMdx, false);
    }
  });

  it('Hugo: hugo.yaml is read (staticDir list, baseURL path)', async () => {
    const yaml = await repo('hugo-yaml', { 'hugo.yaml': "baseURL: https://example.org/docs/\ncontentDir: content/en\nstaticDir: [static, static-extra]\n" });
    const [y] = summary(await detectSites(yaml), yaml);
    assert.deepEqual([y?.contentRoots, y?.staticDirs, y?.basePath, y?.notes], [['content/en'], ['static', 'static-extra', 'assets'], '/docs/', []]);
  });

  it('Hugo: hugo.toml is read with [[module.mounts]] as gohugoio/hugoDocs has them (content/en mounted as content, assets)', async () => {
    // gohugoio/hugoDocs hugo.toml:90-104 (a mount replaces the default mount of its target: content/ is no longer read).
    const mounts = "[module]\n  [module.hugoVersion]\n    min = \"0.144.0\"\n  [[module.mounts]]\n    source = \"assets\"\n    target = \"assets\"\n  [[module.mounts]]\n    source = 'content/en'\n    target = 'content'\n    [module.mounts.sites.matrix]\n      languages = ['en']\n  [[module.mounts]]\n    disableWatch = true\n    source       = \"hugo_stats.json\"\n    target       = \"assets/notwatching/hugo_stats.json\"\n";
    const toml = await repo('hugo-toml', { 'hugo.toml': `baseURL = 'https://gohugo.io/'\n${mounts}` });
    const [t] = summary(await detectSites(toml), toml);
    assert.deepEqual([t?.contentRoots, t?.staticDirs, t?.resourceDirs, t?.basePath], [['content/en'], ['static', 'assets'], ['assets'], '/']);
    assert.deepEqual(t?.notes, ['hugo.toml: the mount of hugo_stats.json into assets/notwatching/hugo_stats.json is not followed; links to it are looked for in the other folders']);
    const mounted = await repo('hugo-toml-static', {
      'config.toml': "baseURL = 'https://example.org/site/'\ncontentDir = 'pages'\nstaticDir = ['static', 'uploads']\n[[module.mounts]]\nsource = 'node_modules/pics'\ntarget = 'static'\n[[module.mounts]]\nsource = 'static'\ntarget = 'static'\n",
      'pages/_index.md': '# x\n',
      'archetypes/default.md': '+++\n+++\n',
    });
    const [m] = summary(await detectSites(mounted), mounted);
    assert.deepEqual([m?.contentRoots, m?.staticDirs, m?.basePath], [['pages'], ['node_modules/pics', 'static', 'assets'], '/site/']);
  });

  it('Hugo: a relative link is the page bundle file, else a global resource in assets/, else missing', async () => {
    const dir = await repo('hugo-resources', {
      'hugo.toml': "[[module.mounts]]\nsource = 'assets'\ntarget = 'assets'\n[[module.mounts]]\nsource = 'content/en'\ntarget = 'content'\n",
      'content/en/host/index.md': '# x\n',
      'content/en/host/netlify-01.png': 'png',
      'assets/images/examples/zion-national-park.jpg': 'jpg',
    });
    const page = path.join(dir, 'content/en/host/index.md');
    const roots = { documentPath: page, root: dir, site: siteOfDocument(await detectSites(dir), page) };
    const where = async (src: string) => {
      const r = await resolveImageLink(src, roots);
      return r.kind === 'file' ? path.relative(dir, r.path) : r.kind;
    };
    assert.deepEqual(
      [await where('netlify-01.png'), await where('images/examples/zion-national-park.jpg'), await where('/images/examples/zion-national-park.jpg'), await where('images/gone.png'), await where('../../../../x.png')],
      ['content/en/host/netlify-01.png', 'assets/images/examples/zion-national-park.jpg', 'assets/images/examples/zion-national-park.jpg', 'missing', 'refused'],
    );
  });

  it('Hugo: a hugo.toml that is not TOML takes the defaults, with a note naming the line', async () => {
    const bad = await repo('hugo-bad-toml', { 'hugo.toml': "baseURL = 'https://x.org/'\ncontentDir = \n[[[\n" });
    const [b] = summary(await detectSites(bad), bad);
    assert.deepEqual([b?.contentRoots, b?.staticDirs], [['content'], ['static', 'assets']]);
    assert.match(b?.notes[0] ?? '', /^hugo\.toml is not valid TOML \(line 2\b.*\); Hugo's defaults are used$/);
  });

  it('Hostile hugo.toml: nested 100000 tables deep, not UTF-8, over the size limit: the defaults, with a note, never a crash', async () => {
    const deep = await repo('hugo-deep-toml', { 'hugo.toml': `[${'a.'.repeat(100_000)}b]\nx = 1\n` });
    const [d] = summary(await detectSites(deep), deep);
    assert.deepEqual([d?.contentRoots, d?.staticDirs], [['content'], ['static', 'assets']]);
    assert.match(d?.notes[0] ?? '', /^hugo\.toml could not be read \(nested too deep\); Hugo's defaults are used$/);
    const latin1 = await repo('hugo-latin1-toml', {});
    await fs.writeFile(path.join(latin1, 'hugo.toml'), Buffer.from('title = "Caf\xe9"\ncontentDir = "inhalt"\n', 'latin1'));
    const [l] = summary(await detectSites(latin1), latin1);
    assert.deepEqual(l?.contentRoots, ['inhalt'], 'a stray byte in a string does not hide the rest');
    const huge = await repo('hugo-huge-toml', { 'hugo.toml': `contentDir = "x"\n# ${'x'.repeat(MAX_CONFIG_BYTES)}\n` });
    const [h] = summary(await detectSites(huge), huge);
    assert.deepEqual(h?.contentRoots, ['content']);
    assert.match(h?.notes[0] ?? '', /^hugo\.toml: it is \d+ bytes, over \d+; the defaults are used$/);
  });

  it('a plain config.toml is Hugo only beside Hugo folders', async () => {
    const other = await repo('not-hugo', { 'config.toml': 'a = 1\n', 'README.md': '# x\n' });
    assert.deepEqual(await detectSites(other), []);
    const hugo = await repo('legacy-hugo', { 'config.toml': 'a = 1\n', 'content/_index.md': '# x\n' });
    assert.equal((await detectSites(hugo))[0]?.generator, 'hugo');
  });

  it('Jekyll: _config.yml in docs/, source and baseurl', async () => {
    const dir = await repo('jekyll', { 'docs/_config.yml': 'title: Jekyll\nbaseurl: "/jekyll"\ncollections:\n  tutorials:\n    output: true\n' });
    const [site] = summary(await detectSites(dir), dir);
    assert.deepEqual([site?.generator, site?.contentRoots, site?.staticDirs, site?.basePath], ['jekyll', ['docs'], ['docs'], '/jekyll/']);
  });

  it('found from a folder below the config, up to the repository root', async () => {
    const dir = await repo('above', { 'mkdocs.yml': 'docs_dir: content\n', 'content/guide/page.md': '# x\n' });
    const sites = await detectSites(path.join(dir, 'content', 'guide'));
    assert.equal(sites[0]?.configFile, path.join(dir, 'mkdocs.yml'));
    assert.equal(siteOfDocument(sites, path.join(dir, 'content', 'guide', 'page.md')), sites[0]);
    assert.equal(siteOfDocument(sites, path.join(dir, 'README.md')), undefined, 'a file outside the pages is on no site');
  });

  it('hostile configurations: huge, not UTF-8, a const that names itself, a YAML alias bomb: defaults, never a throw', async () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefghij'.split('').map((c, i) => `${c}: &${c} [*${'abcdefghij'[i]}, *${'abcdefghij'[i]}, *${'abcdefghij'[i]}, *${'abcdefghij'[i]}]`), 'docs_dir: *j'].join('\n');
    const dir = await repo('hostile', {
      'a/docusaurus.config.js': `module.exports = { baseUrl: '/${'x'.repeat(MAX_CONFIG_BYTES)}' };`,
      'b/astro.config.mjs': 'const a = b; const b = a; export default { publicDir: a };',
      'c/mkdocs.yml': bomb,
    });
    await fs.writeFile(path.join(dir, 'docfx.json'), Buffer.from([0xff, 0xfe, 0x7b, 0x00]));
    const sites = await detectSites(dir);
    const by = (g: string) => sites.find((s) => s.generator === g);
    assert.match(by('docusaurus')?.notes[0] ?? '', /over 1048576; the defaults are used/);
    assert.deepEqual(by('astro')?.staticDirs, [path.join(dir, 'b', 'public')]);
    assert.deepEqual(by('astro')?.notes.map((n) => n.split(' is ')[0]), ['b/astro.config.mjs: publicDir'], 'a const that names itself is unknown: the default, said once');
    assert.deepEqual(by('mkdocs')?.contentRoots, [path.join(dir, 'c', 'docs')]);
    assert.deepEqual(by('docfx')?.contentRoots, [dir]);
  });

  it('in no repository, only the folder itself and below are looked at', async () => {
    const dir = path.join(tmp, 'no-repo');
    await fs.mkdir(path.join(dir, 'docs'), { recursive: true });
    await fs.writeFile(path.join(dir, 'mkdocs.yml'), 'site_name: x\n');
    assert.deepEqual(await detectSites(path.join(dir, 'docs')), []);
    assert.equal((await detectSites(dir)).length, 1);
  });

  it('a static folder the configuration puts outside the folder being checked is never read', async () => {
    const dir = await repo('outside', { 'site/docusaurus.config.js': "module.exports = { staticDirectories: ['../../outside-static'] };", 'site/docs/page.md': '![A secret.](/secret.png)\n' });
    await fs.mkdir(path.join(tmp, 'outside-static'), { recursive: true });
    await fs.writeFile(path.join(tmp, 'outside-static', 'secret.png'), 'not for reading');
    const sites = await detectSites(dir);
    const link = await resolveImageLink('/secret.png', { documentPath: path.join(dir, 'site/docs/page.md'), root: dir, site: siteOfDocument(sites, path.join(dir, 'site/docs/page.md')) });
    assert.equal(link.kind, 'refused');
    assert.match(link.kind === 'refused' ? link.reason : '', /outside the folder; it is not read/);
  });

  it('a JS config nested too deep to parse: the defaults, with one note', async () => {
    const dir = await repo('deep', { 'astro.config.mjs': `export default { publicDir: ${'['.repeat(100000)}${']'.repeat(100000)} };` });
    const [site] = await detectSites(dir);
    assert.deepEqual(site?.staticDirs, [path.join(dir, 'public')]);
    assert.equal(site?.notes.length, 1);
    assert.match(site?.notes[0] ?? '', /^astro\.config\.mjs could not be parsed: .*; the defaults are used$/);
  });
});
