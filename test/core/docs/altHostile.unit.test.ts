/**
 * The alt-text rules against hostile alt text: a megabyte of it, alt made only of invisible characters (combining
 * marks, zero-width and direction marks), emoji only, and ten thousand images sharing one alt text in one file — the
 * document rules (twins, alt-duplicate) must grow with the images, not with their square.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findImages, type FoundImage } from '../../../src/core/finders';
import { altWidth, docAltFindings, judgeAlt } from '../../../src/core/docs';
import { RULE_IDS } from '../../../src/core/base';

const all = { maxLength: 125, rules: new Set(RULE_IDS) };
const subject = (alt: string, src = 'img/x.png') => ({ alt, src, heading: 'Heading' });

describe('hostile alt text', () => {
  it('a megabyte of alt text: judged at once, one too-long finding whose message does not carry the text', () => {
    for (const alt of ['word '.repeat(200_000), 'a'.repeat(1_000_000), `${'a'.repeat(1_000_000)}.png`, `${'a/'.repeat(500_000)}x`, `{{${'x'.repeat(1_000_000)}`]) {
      const started = Date.now();
      judgeAlt(subject(alt));
      const [image] = findImages(`![x](a.png)\n`, 'markdown');
      const findings = docAltFindings([{ ...(image as FoundImage), alt }], 'doc.md', all);
      assert.ok(Date.now() - started < 2000, `${alt.slice(0, 10)}…: ${Date.now() - started} ms`);
      assert.ok(findings.some((f) => f.rule === 'alt-too-long'));
      for (const f of findings) assert.ok(f.message.length < 400, f.message.slice(0, 100));
    }
  });

  it('alt of only combining marks, zero-width or direction marks says nothing; an emoji says something', () => {
    for (const alt of ['\u0301\u0302\u0303', '\u200b\u200b', '\u200f\u200e', '\u2060\ufeff\u200d', '\u0301\u200b\u200f']) {
      assert.equal(judgeAlt(subject(alt))?.kind, 'whitespace', JSON.stringify(alt));
      assert.equal(altWidth(alt), 0);
    }
    for (const alt of ['- ', '...', '***']) assert.equal(judgeAlt(subject(alt))?.kind, 'placeholder', JSON.stringify(alt));
    for (const alt of ['🚀', '👩‍💻', '\u200fالإعدادات', 'Settings\u200b dialog']) assert.equal(judgeAlt(subject(alt)), undefined, alt);
    assert.equal(altWidth('👩‍💻'), 4);
  });

  it('10,000 images with the same alt text in one file: linear (8× the images, well under 64× the time)', () => {
    const base = findImages('![Same alt](a.png)\n', 'markdown')[0] as FoundImage;
    const images = (n: number, theme = false) =>
      Array.from({ length: n }, (_, i): FoundImage => ({ ...base, src: theme ? `img/shot-${i >> 1}-${i % 2 ? 'dark' : 'light'}.png` : `img/shot-${i}.png`, line: i + 1 }));
    const time = (list: FoundImage[]) => {
      const runs = [0, 1, 2].map(() => {
        const t = process.hrtime.bigint();
        docAltFindings(list, 'doc.md', all);
        return Number(process.hrtime.bigint() - t);
      });
      return runs.sort((a, b) => a - b)[1] as number;
    };
    const small = images(1250);
    const big = images(10_000);
    const findings = docAltFindings(big, 'doc.md', all);
    assert.equal(findings.length, 9_999);
    assert.ok(findings.every((f) => f.rule === 'alt-duplicate' && f.message.includes('line 1 ')));
    const ratio = time(big) / time(small);
    assert.ok(ratio < 30, `10,000 images took ${ratio.toFixed(1)}× the time of 1,250`);
    // Light/dark twins: 5,000 pairs, one image each, 4,999 duplicates of the first pair.
    assert.equal(docAltFindings(images(10_000, true), 'doc.md', all).length, 4_999);
  });
});
