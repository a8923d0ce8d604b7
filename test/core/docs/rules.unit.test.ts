/**
 * The quality rules and the report formats: uninformative alt text (file names, slugs, generic words), too long, and
 * the outputs CI reads — text lines, JSON, GitHub annotations, and SARIF 2.1.0 validated against the official schema
 * (as shipped in @microsoft/jest-sarif) with ajv.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import Ajv from 'ajv-draft-04';
import { findImages } from '../../../src/core/finders';
import { altFindings, cleanAltText, uninformativeReason, type Finding } from '../../../src/core/docs';
import { formatGithub, formatJson, formatSarif, formatText, type Report } from '../../../src/core/docs';
import { RULE_IDS } from '../../../src/core/base';

describe('alt text that says nothing', () => {
  it('catches file names, slugs, camera names and generic words', () => {
    const bad: [string, string][] = [
      ['image', 'a.png'],
      ['Screenshot', 'a.png'],
      ['A screenshot', 'a.png'],
      ['logo', 'logo.svg'],
      ['Demo', 'x.gif'],
      ['avatar', 'u.png'],
      ['image 2', 'a.png'],
      ['alt text', 'a.png'],
      ['img_0231', 'img_0231.jpg'],
      ['feature-set-vs', 'x.png'],
      ['DSC01234', 'x.jpg'],
      ['IMG_20240101', 'x.jpg'],
      ['dashboard-overview.png', 'y.png'],
      ['dashboard-overview', 'media/dashboard-overview.png'],
      ['  ', 'a.png'],
    ];
    for (const [alt, src] of bad) assert.ok(uninformativeReason({ alt, src, heading: undefined }), `"${alt}" for ${src}`);
  });

  it('leaves real alt text alone, also when it is the file name in words (authors name files after their alt)', () => {
    for (const alt of ['GitHub', 'Settings dialog with the Save button highlighted', 'Kestrel logo', 'Chart of p95 latency falling after the upgrade', 'CI', 'Node.js 24']) {
      assert.equal(uninformativeReason({ alt, src: 'img/x.png', heading: undefined }), undefined, alt);
    }
    assert.equal(uninformativeReason({ alt: 'Dashboard overview', src: 'media/dashboard-overview.png', heading: undefined }), undefined);
  });

  it('turns an image into findings per rule, and each rule can be turned off', () => {
    const text = '![](a.png) ![image](b.png) ![ ](c.png) ' + `![${'word '.repeat(60).trim()}](d.png) <img src="e.png" alt="">\n`;
    const images = findImages(text, 'markdown');
    const all = images.flatMap((i) => altFindings(i, 'doc.md', { maxLength: 125, rules: new Set(RULE_IDS) }));
    assert.deepEqual(
      all.map((f) => `${f.column} ${f.rule}`),
      ['1 alt-missing', '12 alt-uninformative', '28 alt-missing', '40 alt-too-long'],
    );
    const some = images.flatMap((i) => altFindings(i, 'doc.md', { maxLength: 125, rules: new Set(RULE_IDS.filter((r) => r !== 'alt-uninformative')) }));
    assert.deepEqual(some.map((f) => f.rule), ['alt-missing', 'alt-missing', 'alt-too-long']);
  });

  it('cleans what a model wrote', () => {
    assert.equal(cleanAltText('"Image of a settings dialog."'), 'A settings dialog.');
    assert.equal(cleanAltText('Alt text: the chart shows growth'), 'The chart shows growth');
    assert.equal(cleanAltText('decorative'), '');
    assert.ok(cleanAltText('word '.repeat(60), 125).length <= 125);
  });
});

describe('report formats', () => {
  const findings: Finding[] = [
    { file: 'docs/a b.md', line: 3, column: 5, rule: 'alt-missing', message: 'image without alt text: img/x.png', src: 'img/x.png' },
    { file: 'docs/c.md', line: 10, column: 1, rule: 'image-path-case', message: 'link "A.PNG" differs, in case: yes, 100%', src: 'A.PNG' },
  ];
  const report: Report = { files: 4, findings, errors: [{ file: 'docs/d.mdx', line: 2, column: 7, message: 'not valid MDX: Unexpected end of file' }] };

  it('text: one clickable line per finding', () => {
    assert.equal(formatText(report), 'docs/a b.md:3:5 alt-missing image without alt text: img/x.png\ndocs/c.md:10:1 image-path-case link "A.PNG" differs, in case: yes, 100%\ndocs/d.mdx:2:7 parse-error not valid MDX: Unexpected end of file\n');
  });

  it('json: files and findings with file, line, column, rule, message, src', () => {
    const j = JSON.parse(formatJson(report)) as { files: number; findings: Finding[] };
    assert.equal(j.files, 4);
    assert.deepEqual(Object.keys(j.findings[0] ?? {}), ['file', 'line', 'column', 'rule', 'message', 'src']);
  });

  it('github: workflow annotations with escaped properties', () => {
    assert.equal(formatGithub(report).split('\n')[1], '::warning file=docs/c.md,line=10,col=1,title=image-path-case::link "A.PNG" differs, in case: yes, 100%25');
    assert.match(formatGithub(report), /^::error file=docs\/d\.mdx,line=2,col=7,title=parse-error::not valid MDX%3A|^::error file=docs\/d\.mdx,line=2,col=7,title=parse-error::not valid MDX: /m);
  });

  it('sarif: valid against the official SARIF 2.1.0 schema', () => {
    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
    // The schema's patterns are plain (non-unicode) regular expressions.
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
    const validate = ajv.compile(schema);
    const sarif = JSON.parse(formatSarif(report, '1.2.3')) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    assert.equal(validate(sarif), true, JSON.stringify(validate.errors, null, 1));
    assert.deepEqual(sarif.runs[0]?.results.map((r) => r.ruleId), ['alt-missing', 'image-path-case', 'parse-error']);
    assert.equal(sarif.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri, 'docs/a%20b.md');
  });

  it('alt-mismatch: the suggestion in every format; SARIF `fixes` (valid 2.1.0) replace the alt span; the verify summary in JSON and SARIF', () => {
    const mismatch: Finding = {
      file: 'docs/a b.md',
      line: 7,
      column: 1,
      rule: 'alt-mismatch',
      message: 'alt text "A toast" does not describe the image t.png; suggested: "The Settings editor"',
      src: 't.png',
      suggestion: 'The Settings editor',
      fix: { startLine: 7, startColumn: 3, endLine: 7, endColumn: 10, newText: 'The Settings editor' },
    };
    const verify = { images: 3, sent: 2, cached: 1, deduplicated: 0, notVerified: ['docs/c.md:1:1: no such file: x.png; not verified'] };
    const withFix: Report = { ...report, findings: [...findings, mismatch], verify };
    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false }).compile(schema);
    const sarif = JSON.parse(formatSarif(withFix, '1.2.3')) as { runs: { properties?: unknown; results: { ruleId: string; level: string; fixes?: unknown }[] }[] };
    assert.equal(validate(sarif), true, JSON.stringify(validate.errors, null, 1));
    const result = sarif.runs[0]?.results.find((r) => r.ruleId === 'alt-mismatch');
    assert.equal(result?.level, 'warning');
    assert.deepEqual(result?.fixes, [
      {
        description: { text: 'Replace the alt text with the suggested alt text: The Settings editor' },
        artifactChanges: [{ artifactLocation: { uri: 'docs/a%20b.md', uriBaseId: '%SRCROOT%' }, replacements: [{ deletedRegion: { startLine: 7, startColumn: 3, endLine: 7, endColumn: 10 }, insertedContent: { text: 'The Settings editor' } }] }],
      },
    ]);
    assert.deepEqual(sarif.runs[0]?.properties, { verify });
    assert.equal(sarif.runs[0]?.results.filter((r) => r.fixes).length, 1, 'only a suggestion has a fix');
    const json = JSON.parse(formatJson(withFix)) as { findings: Finding[]; verify: unknown };
    assert.equal(json.findings.at(-1)?.suggestion, 'The Settings editor');
    assert.deepEqual(json.verify, verify);
    assert.equal(Object.keys(json.findings[0] ?? {}).includes('suggestion'), false, 'other findings are as before');
    assert.match(formatGithub(withFix), /^::warning file=docs\/a b\.md,line=7,col=1,title=alt-mismatch::alt text "A toast" does not describe the image t\.png; suggested: "The Settings editor"$/m);
    assert.match(formatText(withFix), /^docs\/a b\.md:7:1 alt-mismatch .*suggested: "The Settings editor"$/m);
  });
});
