/**
 * Site configurations in JavaScript/TypeScript read without running them, on the shapes real sites use (the research
 * notes list them: react-native-website, docusaurus.io, vite, vuejs/docs, starlight, withastro/docs). Each file here
 * would throw, or write a file, if it were run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readJsConfig, valueAt, Unknown, ConfigSyntaxError } from '../../../src/core/sites';

const RUN_GUARD = `require('fs').writeFileSync('/tmp/describe-image-config-was-run', 'ran');\nthrow new Error('this config was executed');\n`;

describe('readJsConfig', () => {
  it('a TS const with `satisfies` inside, exported by name (react-native-website)', () => {
    const config = readJsConfig(
      `${RUN_GUARD}import type {Config} from '@docusaurus/types';
const common = { breadcrumbs: false };
const config: Config = {
  baseUrl: process.env.BASE_URL ?? '/',
  presets: [['classic', { docs: { path: '../docs', ...common }, blog: { path: 'blog' } } satisfies Preset.Options]],
};
export default config;`,
      'docusaurus.config.ts',
    );
    assert.equal(valueAt(config, 'baseUrl'), '/');
    assert.deepEqual(valueAt(config, 'presets'), [['classic', { docs: { path: '../docs', breadcrumbs: false }, blog: { path: 'blog' } }]]);
  });

  it('an async function export that returns the object (docusaurus.io), with locals of its own', () => {
    const config = readJsConfig(
      `${RUN_GUARD}import path from 'path';
export default async function createConfigAsync() {
  const dogfood = path.join(__dirname, '_dogfooding/_asset-tests');
  return {
    staticDirectories: ['static', dogfood],
    markdown: { format: 'detect', mdx1Compat: { comments: true } },
    i18n: { locales: isDeploy ? ['en'] : ['en', 'fr'] },
  };
}`,
      'docusaurus.config.js',
    );
    assert.deepEqual(valueAt(config, 'staticDirectories'), ['static', './_dogfooding/_asset-tests']);
    assert.equal(valueAt(config, 'markdown.format'), 'detect');
    assert.deepEqual(valueAt(config, 'i18n.locales'), ['en', 'en', 'fr'], 'a ternary gives both branches');
  });

  it('defineConfig wrappers, through a const (vite) and with a type argument (vuejs/docs)', () => {
    const vite = readJsConfig(`${RUN_GUARD}import { defineConfig } from 'vitepress'\nconst config = defineConfig({ title: 'Vite', srcDir: '.', base: \`/\${'docs'}/\` })\nexport default extendConfig(config)\n`, 'config.ts');
    assert.equal(valueAt(vite, 'base'), '/docs/');
    const vue = readJsConfig(`${RUN_GUARD}export default defineConfigWithTheme<ThemeConfig>({ extends: baseConfig, srcDir: 'src' })`, 'config.ts');
    assert.equal(valueAt(vue, 'srcDir'), 'src');
    assert.ok(valueAt(vue, 'extends') instanceof Unknown, 'an import is not followed');
  });

  it('Starlight inside an Astro defineConfig, with locales from a top-level const', () => {
    const config = readJsConfig(`${RUN_GUARD}const locales = { root: { label: 'English' }, de: { label: 'Deutsch' } };\nexport default defineConfig({ publicDir: './static', integrations: [starlight({ title: 'Docs', locales })] });`, 'astro.config.mjs');
    assert.equal(valueAt(config, 'publicDir'), './static');
    assert.deepEqual(Object.keys((valueAt(config, 'integrations') as Record<string, unknown>[])[0]?.['locales'] as object), ['root', 'de']);
  });

  it('module.exports = config (CommonJS), with a JSDoc cast', () => {
    const config = readJsConfig(`${RUN_GUARD}/** @type {import('@docusaurus/types').Config} */\nconst config = ({ baseUrl: '/docs/', staticDirectories: ['public', 'static'] });\nmodule.exports = config;`, 'docusaurus.config.js');
    assert.equal(valueAt(config, 'baseUrl'), '/docs/');
    assert.deepEqual(valueAt(config, 'staticDirectories'), ['public', 'static']);
  });

  it('what only running would tell is Unknown, with the source it was written as', () => {
    const config = readJsConfig(`export default { baseUrl: process.env.BASE_URL, staticDirectories: getStatic() };`, 'x.js');
    const base = valueAt(config, 'baseUrl');
    assert.ok(base instanceof Unknown);
    assert.equal(base.source, 'process.env.BASE_URL');
    assert.ok(valueAt(config, 'staticDirectories') instanceof Unknown);
  });

  it('a file with no export, or that does not parse, is a ConfigSyntaxError', () => {
    assert.throws(() => readJsConfig('const a = 1;', 'x.js'), ConfigSyntaxError);
    assert.throws(() => readJsConfig('export default {{{{', 'x.js'), ConfigSyntaxError);
  });
});
