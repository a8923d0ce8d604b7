/**
 * `describe-image alt-text check .` run with no flags from the root of small docs sites modelled on real ones (see
 * test/fixtures/sites/README.md): site-absolute links resolve where the generator serves them from, so the findings
 * are exactly the real ones. Before site detection every `/img/…` and `~/…` link on these sites was a false
 * image-missing: 21 image-missing before, 5 after (the real ones); false ones were Docusaurus 6, VitePress 3, Astro 2,
 * DocFX 3 (two `~/` links and a cross-docset `/dotnet/…`), MkDocs 2.
 * Also `alt-text sites` (text and --json), and that no configuration is ever run.
 */
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AzureLikeServer } from '../../support/azureServer';
import { runCliProcess } from '../../support/cli';
import { siteCopy as copySite } from '../../support/sites';
import { findImages, type SiteSyntax } from '../../../src/core/finders';

let tmp = '';

const siteCopy = (name: string) => copySite(tmp, name);

const cli = (args: string[], cwd: string) => runCliProcess(['alt-text', ...args], { cwd, guardLog: path.join(tmp, 'guard.log') });

interface Finding {
  file: string;
  line: number;
  rule: string;
  src: string;
}

async function findingsAt(dir: string): Promise<string[]> {
  const run = await cli(['check', '--json', '.'], dir);
  assert.ok(run.code === 0 || run.code === 1, run.stderr);
  const report = JSON.parse(run.stdout) as { findings: Finding[]; errors: unknown[] };
  assert.deepEqual(report.errors, []);
  return report.findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.src}`);
}

before(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'di-sites-')));
});
after(() => fs.rm(tmp, { recursive: true, force: true }));

describe('alt-text check from the root of a docs site, no flags', () => {
  it('Docusaurus 3 (website/docusaurus.config.ts, docs in ../docs, images in website/static): only the real findings', async () => {
    const dir = await siteCopy('docusaurus');
    assert.deepEqual(await findingsAt(dir), [
      // ThemedImage: both sources are checked; the dark one does not exist.
      'docs/_integration-with-existing-apps-ios.md:7 image-missing /docs/assets/GettingStartedXcodeCommandLineToolsDark.png',
      'docs/handling-touches.md:12 alt-missing /docs/assets/Button.png',
      'docs/integration-with-existing-apps.md:10 alt-missing /docs/assets/EmbeddedAppIOS078.gif',
      'docs/integration-with-existing-apps.md:10 image-path-case /docs/assets/EmbeddedAppIOS078.gif',
      'docs/integration-with-existing-apps.md:14 image-missing /docs/assets/new-architecture-render-pipeline.png',
      // An mdx-code-block fence renders: its <img> (useBaseUrl is the static path) is an image; a ```jsx fence is not.
      'docs/markdown-features-assets.md:33 alt-missing /img/docusaurus.png',
      // `format: md`: read as CommonMark (its <br> and unclosed <img> are not valid MDX), images found as Markdown/HTML.
      'docs/out-of-tree-platforms.md:9 alt-missing /docs/assets/HermesLogo.svg',
      'docs/out-of-tree-platforms.md:11 alt-missing /docs/assets/Button.png',
      // JSX in .md (Docusaurus 3 compiles .md as MDX): alt=" " is no alt text.
      'docs/security.md:10 alt-missing /docs/assets/d_security_chart.svg',
      'docs/security.md:16 alt-missing /docs/assets/d_security_deep-linking.svg',
      'website/blog/2016-08-19-right-to-left-support-for-react-native-apps.md:11 alt-missing /blog/assets/rtl-ama-android-hebrew.png',
      // A theme component (not a page) links /img/… from static/ too: ThemedImage's two sources are there (no finding,
      // before: both false image-missing, as on react-native-website's home page); a made-up tablets.png is not.
      'website/src/components/Home/Platforms/index.tsx:35 image-missing /img/homepage/tablets.png',
    ]);
  });

  it('react.dev (next.config.js, .md compiled as MDX, .describe-image.json naming Illustration and Diagram): components are images', async () => {
    const dir = await siteCopy('reactdev');
    const run = await cli(['check', '--json', '.'], dir);
    const report = JSON.parse(run.stdout) as { findings: (Finding & { message: string })[]; errors: unknown[] };
    assert.deepEqual(report.errors, []);
    assert.deepEqual(
      report.findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.src}`),
      [
        'src/content/learn/adding-interactivity.md:15 alt-missing /images/docs/illustrations/i_render-and-commit2.png',
        'src/content/learn/adding-interactivity.md:23 image-missing /images/docs/illustrations/i_inputs2.png',
        // Diagram's source is its `name` (not a link): its alt is checked, its source is not.
        'src/content/learn/understanding-your-ui-as-a-tree.md:9 alt-too-long ',
        'src/content/learn/understanding-your-ui-as-a-tree.md:16 alt-missing ',
      ],
    );
    assert.match(report.findings[3]?.message ?? '', /source is an expression|not checked/);
    assert.equal(existsSync(path.join(dir, 'RAN.txt')), false, 'next.config.js was read, never run');
  });

  it('VitePress (docs/.vitepress/config.ts, srcDir src, base /guide-site/): /x.png is in src/public, with or without the base', async () => {
    const dir = await siteCopy('vitepress');
    assert.deepEqual(await findingsAt(dir), [
      'docs/src/guide/scaling-up/testing.md:8 alt-missing /images/lambdatest.svg',
      'docs/src/guide/scaling-up/testing.md:13 image-missing /images/testing-pyramid.png',
    ]);
    assert.equal(existsSync(path.join(dir, 'docs', '.vitepress', 'RAN.txt')), false, 'the config was read, never run (running it writes RAN.txt)');
  });

  it('Astro / Starlight (astro.config.mjs): /x.png is in public/', async () => {
    const dir = await siteCopy('astro');
    assert.deepEqual(await findingsAt(dir), [
      'src/content/docs/en/guides/images.md:10 image-missing /images/houston.webp',
      'src/content/docs/en/guides/public-images.mdx:10 alt-missing /images/bird-in-public-folder.jpg',
    ]);
  });

  it('Microsoft Learn (docs/docfx.json with trailing commas): ~/ is the docfx folder, /dotnet/… is another docset (not a finding); :::image of all three types', async () => {
    const dir = await siteCopy('docfx');
    assert.deepEqual(await findingsAt(dir), [
      'docs/ios/capabilities.md:23 image-missing ~/ios/media/capabilities/push-notifications.png',
      // alt-text="" on a content image, whose lightbox (the larger image) is missing; the two icons are decorative.
      'docs/user-interface/threading-model.md:20 alt-missing media/setup/ip-settings-sml.png',
      'docs/user-interface/threading-model.md:20 image-missing media/setup/ip-settings.png',
      // Line 22: a complex image's alt, taken from dotnet/docs-desktop: 170 characters, two sentences of meaning —
      // not too long (alt-too-long reports over 250, where the judged sample's walkthroughs start).
      'docs/user-interface/threading-model.md:30 alt-missing ./media/threading-model/threading-weather-ui.png',
      'docs/user-interface/threading-model.md:36 alt-uninformative media/setup/developer-options.png',
      'docs/user-interface/threading-model.md:36 image-path-case media/setup/developer-options.png',
    ]);
  });

  it('MkDocs (docs/en/mkdocs.yml with !ENV and !!python tags): /img/x.png is in docs_dir; admonition and tab bodies are read', async () => {
    const dir = await siteCopy('mkdocs');
    const run = await cli(['check', '.'], dir);
    assert.equal(run.stderr.includes('Warning'), false, `no YAML warning is printed: ${run.stderr}`);
    assert.deepEqual(await findingsAt(dir), [
      'docs/en/docs/tutorial/first-steps.md:11 alt-missing /img/icon-white.svg',
      'docs/en/docs/tutorial/first-steps.md:13 image-missing /img/tutorial/first-steps/image02.png',
      // In an admonition and a content tab (4-space indented bodies, code to CommonMark); the one in fenced code is not.
      'docs/en/docs/tutorial/first-steps.md:19 alt-missing /img/tutorial/first-steps/image01.png',
      'docs/en/docs/tutorial/first-steps.md:23 image-missing /img/tutorial/first-steps/image03.png',
    ]);
  });

  it('Hugo (hugo.toml with module mounts): figure shortcodes found, escaped ones not; page bundle and assets/ resolve', async () => {
    const dir = await siteCopy('hugo');
    assert.deepEqual(await findingsAt(dir), [
      'content/en/host-and-deploy/host-on-netlify/index.md:16 alt-uninformative netlify-01.png',
      'content/en/host-and-deploy/host-on-netlify/index.md:21 alt-missing netlify-02.png',
      'content/en/host-and-deploy/host-on-netlify/index.md:26 image-missing netlify-03.png',
    ]);
  });

  it('Jekyll (_config.yml baseurl): {{ site.baseurl }} and relative_url links resolve in the source; Liquid left unknown is not checked', async () => {
    const dir = await siteCopy('jekyll');
    assert.deepEqual(await findingsAt(dir), [
      'docs/ui-components/typography.md:16 alt-missing /assets/images/small-image.jpg',
      'docs/ui-components/typography.md:19 image-missing /assets/images/Breadboard_Half.png',
    ]);
  });

  it('a Learn page checked from a folder below docfx.json: the site is found above it, up to the repository root', async () => {
    const dir = await siteCopy('docfx');
    const run = await cli(['check', '--json', '.'], path.join(dir, 'docs', 'ios'));
    const report = JSON.parse(run.stdout) as { findings: Finding[] };
    // From docs/ios the docfx folder (docs/) is outside the current folder: a ~/ link there is not read, and says so
    // (as a relative link that climbs out of it, line 8, always was); the cross-docset link is still no finding.
    const seen = (report.findings as (Finding & { message: string })[]).map((f) => `${f.file}:${f.line} ${f.rule} ${f.message}`);
    assert.deepEqual(seen, [
      'capabilities.md:13 image-missing not checked: ~/ios/media/capabilities/configure-capabilities.png is in the folder of docfx.json .., outside the folder; it is not read (run from a folder that holds it)',
      'capabilities.md:23 image-missing not checked: ~/ios/media/capabilities/push-notifications.png is in the folder of docfx.json .., outside the folder; it is not read (run from a folder that holds it)',
      'deployment/overview.md:8 image-missing not checked: ../../media/maui-overview.png leads outside the folder; it is not read',
      'deployment/overview.md:10 image-missing not checked: ~/media/maui-overview.png is in the folder of docfx.json .., outside the folder; it is not read (run from a folder that holds it)',
    ]);
  });
});

describe('alt-text fix from the root of a docs site, no flags', () => {
  const server = new AzureLikeServer({ answer: () => 'The "Fetch Forecast" button & a busy clock.' });
  before(() => server.start());
  after(() => server.stop());
  const env = () => ({ AZURE_OPENAI_API_KEY: server.key, AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o' });

  it("Microsoft Learn: fills alt-text in Learn's quoting on content and complex images, never on an icon; each file reads back with the same images", async () => {
    const dir = await siteCopy('docfx');
    const page = path.join(dir, 'docs', 'user-interface', 'threading-model.md');
    const before = await fs.readFile(page, 'utf8');
    const run = await runCliProcess(['alt-text', 'fix', '--fix-path-case', '.'], { cwd: dir, guardLog: path.join(tmp, 'guard.log'), env: env() });
    assert.equal(run.code, 0, run.stderr);
    const after = await fs.readFile(page, 'utf8');
    const was = findImages(before, 'markdown');
    const now = findImages(after, 'markdown');
    assert.deepEqual(now.map((i) => [i.syntax, i.learn?.type, i.src.toLowerCase()]), was.map((i) => [i.syntax, i.learn?.type, i.src.toLowerCase()]), 'the same images, in the same order');
    const alt = "The 'Fetch Forecast' button & a busy clock.";
    assert.deepEqual(
      now.filter((i) => i.altState !== 'present' || i.alt === alt).map((i) => `${i.line} ${i.learn?.type} ${i.altState}`),
      ['16 icon missing', '17 icon missing', '20 content present', '30 complex present'],
    );
    assert.match(after, /^ {4}:::image type="content" source="media\/setup\/ip-settings-sml.png" alt-text="The 'Fetch Forecast' button & a busy clock." lightbox="media\/setup\/ip-settings.png":::$/m);
    assert.match(after, /^:::image type="complex" source=".\/media\/threading-model\/threading-weather-ui.png" alt-text="The 'Fetch Forecast' button & a busy clock.":::$/m);
    assert.match(after, /^:::image type="content" source="media\/setup\/Developer-Options.png" alt-text="build-version-sml":::$/m, '--fix-path-case writes the real name');
    assert.equal(after.split('\n').length, before.split('\n').length, 'nothing else moved');
  });
  it("Astro: fills Astro's <Image> whose /images/… link is in public/, as a JSX string, and the page reads back with the same images", async () => {
    const dir = await siteCopy('astro');
    const page = path.join(dir, 'src', 'content', 'docs', 'en', 'guides', 'public-images.mdx');
    const before = await fs.readFile(page, 'utf8');
    const run = await runCliProcess(['alt-text', 'fix', '.'], { cwd: dir, guardLog: path.join(tmp, 'guard.log'), env: env() });
    assert.equal(run.code, 0, run.stderr);
    const after = await fs.readFile(page, 'utf8');
    assert.equal(after, before.replace('src="/images/bird-in-public-folder.jpg" ', 'src="/images/bird-in-public-folder.jpg" alt="The &quot;Fetch Forecast&quot; button &amp; a busy clock." '));
    assert.deepEqual(findImages(after, 'mdx').map((i) => [i.src, i.alt]), [['/images/bird-in-public-folder.jpg', 'The "Fetch Forecast" button & a busy clock.']]);
  });

  it('VitePress: fills the <img> whose /images/… link is in src/public, and says nothing else changed', async () => {
    const dir = await siteCopy('vitepress');
    const page = path.join(dir, 'docs', 'src', 'guide', 'scaling-up', 'testing.md');
    const before = await fs.readFile(page, 'utf8');
    const run = await runCliProcess(['alt-text', 'fix', '.'], { cwd: dir, guardLog: path.join(tmp, 'guard.log'), env: env() });
    assert.equal(run.code, 0, run.stderr);
    const after = await fs.readFile(page, 'utf8');
    assert.equal(after, before.replace('<img src="/images/lambdatest.svg">', '<img src="/images/lambdatest.svg" alt="The &quot;Fetch Forecast&quot; button &amp; a busy clock.">'));
    assert.deepEqual(findImages(after, 'markdown').map((i) => i.altState), ['present', 'present', 'present']);
  });
});

describe('alt-text fix on a site, in its own syntax', () => {
  const server = new AzureLikeServer({ answer: () => 'A "quoted" [bracketed] picture.' });
  before(() => server.start());
  after(() => server.stop());
  const ALT = 'A "quoted" [bracketed] picture.';

  /** The images of a page as its site's syntax reads them. */
  const imagesOf = async (file: string, site: SiteSyntax) => findImages(await fs.readFile(file, 'utf8'), 'markdown', { siteSyntax: site }).map((i) => `${i.syntax} ${i.src} | ${i.alt}`);

  for (const [name, site, page, expected] of [
    ['hugo', 'hugo', 'content/en/host-and-deploy/host-on-netlify/index.md', ['markdown netlify-01.png | screen capture', `hugo-shortcode netlify-02.png | ${ALT}`, 'hugo-shortcode netlify-03.png | The repository list, with the project selected']],
    ['jekyll', 'jekyll', 'docs/ui-components/typography.md', ['markdown /assets/images/large-image.jpg | A large landscape photograph', `markdown /assets/images/small-image.jpg | ${ALT}`, 'markdown /assets/images/Breadboard_Half.png | Breadboard', 'html {{ contributor.avatar_url }} | {{ contributor.login }}']],
    ['mkdocs', 'mkdocs', 'docs/en/docs/tutorial/first-steps.md', ['markdown /img/tutorial/first-steps/image01.png | Swagger UI showing the root path operation.', `html /img/icon-white.svg | ${ALT}`, 'markdown /img/tutorial/first-steps/image02.png | ReDoc showing the same API.', `markdown /img/tutorial/first-steps/image01.png | ${ALT}`, 'markdown /img/tutorial/first-steps/image03.png | Alternative interactive API docs.']],
  ] as const) {
    it(`${name}: fix fills every fillable image, and the page reads back with the same images`, async () => {
      const dir = await siteCopy(name);
      const before = await fs.readFile(path.join(dir, page), 'utf8');
      const run = await runCliProcess(['alt-text', 'fix', '.'], { cwd: dir, guardLog: path.join(tmp, 'guard.log'), secrets: [server.key], env: { AZURE_OPENAI_API_KEY: server.key, AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o' } });
      assert.ok(run.code === 0 || run.code === 1, run.stderr);
      assert.deepEqual(await imagesOf(path.join(dir, page), site), [...expected]);
      const after = await fs.readFile(path.join(dir, page), 'utf8');
      assert.equal(after.split('\n').length, before.split('\n').length, 'only alt text changed');
    });
  }
});

describe('alt-text sites', () => {
  it('prints what was detected from the Docusaurus config, never running it', async () => {
    const dir = await siteCopy('docusaurus');
    const run = await cli(['sites'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Docusaurus: website\/docusaurus\.config\.ts$/m);
    assert.match(run.stdout, /pages: +docs\/, website\/blog\/, website\/src\/pages\/, website\/architecture\//);
    assert.match(run.stdout, /\/… links in: +website\/static\//);
    assert.match(run.stdout, /\.md is MDX: +yes/);
  });

  it('--json: every site found one and two levels down, with paths relative to the current folder', async () => {
    const dir = await siteCopy('vitepress');
    const run = await cli(['sites', '--json'], dir);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { folder: string; sites: Record<string, unknown>[] };
    assert.equal(out.folder, '.');
    assert.deepEqual(out.sites, [
      {
        generator: 'vitepress',
        name: 'VitePress',
        configFile: 'docs/.vitepress/config.ts',
        dir: 'docs',
        contentRoots: ['docs/src'],
        staticDirs: ['docs/src/public'],
        resourceDirs: [],
        basePath: '/guide-site/',
        mdIsMdx: false,
        absoluteLinksElsewhere: false,
        notes: [],
      },
    ]);
  });

  it('a folder with no site says so and exits 1; a folder that does not exist is bad input', async () => {
    const empty = path.join(tmp, 'empty');
    await fs.mkdir(path.join(empty, '.git'), { recursive: true });
    const none = await cli(['sites'], empty);
    assert.equal(none.code, 1);
    assert.match(none.stdout, /No docs site found/);
    const missing = await cli(['sites', 'nope'], empty);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope: no such folder/);
  });
});
