/**
 * One fact, one place: package.json repeats a few facts the code owns (it is JSON and cannot import them). These
 * tests hold the two together: image extensions in the menus, the languages of the activation events, the default
 * glob, the api-version pattern, the detail values, the rule names of the diagnostics setting, the alt-text
 * concurrency and the most files a run reads.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { inputJsonSchema, VSCODE_TOOLS } from '../../src/core/agent';
import { DEFAULT_MAX_FRAMES, DETAILS, IMAGE_FILE_EXTENSIONS, MAX_FRAMES, DEFAULT_DOC_GLOB, VSCODE_LANGUAGE_IDS, RULE_IDS, DEFAULT_ALT_CONCURRENCY, DOC_FILE_LIMIT } from '../../src/core/base';
import { API_VERSION_RE } from '../../src/core/base';
import { repoRoot } from '../support/paths';

interface Manifest {
  activationEvents: string[];
  contributes: {
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { properties: Record<string, { default?: unknown; minimum?: number; maximum?: number; pattern?: string; enum?: string[]; items?: { enum?: string[] } }> };
    languageModelTools: { name: string; toolReferenceName: string; modelDescription: string; inputSchema: unknown; displayName: string }[];
  };
}

const pkg = JSON.parse(readFileSync(`${repoRoot}/package.json`, 'utf8')) as Manifest;
const props = pkg.contributes.configuration.properties;
const nls = JSON.parse(readFileSync(`${repoRoot}/package.nls.json`, 'utf8')) as Record<string, string>;

describe('package.json agrees with the code', () => {
  it('menus offer Describe Image on exactly the image extensions the core takes, in any letter case', () => {
    for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
      for (const item of items.filter((i) => i.command === 'describeImage.describe' && i.when?.includes('resourceExtname'))) {
        const m = /resourceExtname =~ \/(.+)\/(\w*)/.exec(item.when ?? '');
        assert.ok(m?.[1], `${menu}: ${item.when}`);
        const re = new RegExp(m[1], m[2]);
        for (const ext of IMAGE_FILE_EXTENSIONS) {
          assert.ok(re.test(`.${ext}`) && re.test(`.${ext.toUpperCase()}`), `${menu} matches .${ext}`);
        }
        for (const other of ['txt', 'md', 'heic', 'pdf']) assert.ok(!re.test(`.${other}`), `${menu} does not match .${other}`);
      }
    }
  });

  it('activates on the languages the alt-text features serve', () => {
    for (const id of Object.keys(VSCODE_LANGUAGE_IDS)) assert.ok(pkg.activationEvents.includes(`onLanguage:${id}`), id);
  });

  it('the language-model tools are the core\'s: names, descriptions, and input schemas generated from its zod schemas', () => {
    const declared = pkg.contributes.languageModelTools;
    assert.deepEqual(declared.map((t) => t.name), VSCODE_TOOLS.map((t) => t.vscodeName));
    for (const tool of VSCODE_TOOLS) {
      const d = declared.find((t) => t.name === tool.vscodeName);
      assert.equal(d?.toolReferenceName, tool.name);
      assert.equal(d?.modelDescription, tool.description);
      assert.deepEqual(d?.inputSchema, inputJsonSchema(tool), `${tool.name}: regenerate the schema in package.json from src/core/agent/tools.ts`);
      assert.ok(nls[d?.displayName.replace(/^%|%$/g, '') ?? ''], `${tool.name}: its display name is in package.nls.json`);
    }
  });

  it('settings defaults and patterns are the core\'s', () => {
    assert.equal(props['describeImage.altText.include']?.default, DEFAULT_DOC_GLOB);
    assert.deepEqual([...(props['describeImage.detail']?.enum ?? [])].sort(), [...DETAILS].sort());
    assert.deepEqual(props['describeImage.altText.disabledRules']?.items?.enum, [...RULE_IDS]);
    assert.deepEqual([props['describeImage.maxFrames']?.default, props['describeImage.maxFrames']?.minimum, props['describeImage.maxFrames']?.maximum], [DEFAULT_MAX_FRAMES, 1, MAX_FRAMES]);
    const pattern = new RegExp(props['describeImage.apiVersion']?.pattern ?? '');
    for (const v of ['2024-10-21', '2025-04-01-preview', '']) assert.equal(pattern.test(v), v === '' || API_VERSION_RE.test(v), v);
    for (const v of ['2024-10', 'latest', '2024-10-21-beta']) assert.equal(pattern.test(v), API_VERSION_RE.test(v), v);
    assert.equal(props['describeImage.altText.concurrency']?.default, DEFAULT_ALT_CONCURRENCY);
  });

  it('describeImage.provider claims no choice: unset, the first describe asks (its text says so), so no default', () => {
    const provider = props['describeImage.provider'];
    assert.deepEqual(provider?.enum, ['azure', 'openai', 'vscode', 'offline']);
    assert.equal(provider?.default, undefined, 'a default would show as chosen in the Settings UI while nothing is');
    assert.ok(nls['config.provider']?.includes('Unset, the first Describe Image asks'), nls['config.provider']);
  });

  it('the settings text and the README give the core\'s file limit and default concurrency', () => {
    const limit = `at most ${DOC_FILE_LIMIT.toLocaleString('en-US')} files`;
    assert.ok(nls['config.altText.include']?.includes(limit), nls['config.altText.include']);
    const readme = readFileSync(`${repoRoot}/README.md`, 'utf8').replace(/\s+/g, ' ');
    assert.ok(readme.includes(limit), `README: ${limit}`);
    assert.ok(readme.includes(`| \`describeImage.altText.concurrency\` | \`${DEFAULT_ALT_CONCURRENCY}\` |`), 'README: the concurrency default');
  });
});
