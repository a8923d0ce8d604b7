/**
 * The one YAML reader of site configuration and front matter: custom tags kept as plain values, a broken file named by
 * its first error, and an alias bomb refused rather than expanded — for front matter as "no value", never a throw.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readYaml, yamlValue } from '../../../src/core/sites/yaml';

const ALIAS_BOMB = ['a: &a ["x","x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]'].join('\n');

describe('core/sites yaml', () => {
  it('keeps a custom tag as its plain value (MkDocs !ENV, !!python/name)', () => {
    const read = readYaml('docs_dir: !ENV [DOCS_DIR, "docs"]\nplugins:\n  - !!python/name:material.extensions.emoji.twemoji\n');
    assert.equal(read.error, undefined);
    assert.deepEqual(read.value, { docs_dir: ['DOCS_DIR', 'docs'], plugins: [''] }, 'the !!python/name tag holds the whole name; its value is empty');
  });

  it('names the first error of broken YAML and still gives what could be read', () => {
    const read = readYaml('site_name: Docs\ndocs_dir: "unterminated\n');
    assert.ok(read.error, 'an error code');
    assert.equal((read.value as Record<string, unknown>)['site_name'], 'Docs');
    assert.equal(yamlValue('site_name: Docs\ndocs_dir: "unterminated\n'), undefined, 'front matter wants nothing then');
  });

  it('refuses an alias bomb: readYaml throws, yamlValue gives undefined', () => {
    assert.throws(() => readYaml(ALIAS_BOMB), /alias/i);
    assert.equal(yamlValue(ALIAS_BOMB), undefined);
  });
});
