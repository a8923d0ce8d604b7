/**
 * The finders over a corpus shaped like a real docs repository (test/fixtures/docs-corpus: step lists, badges, tables,
 * HTML blocks, front matter, comments, CRLF and BOM files, MDX, HTML pages, React components), compared with
 * markdownlint's MD045 — an independent implementation on the same parser — for every Markdown file, and with
 * hand-checked expectations (EXPECTED.json) for the other languages. Then every image of every file gets new alt text
 * and each file is read back by the same parser.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fg from 'fast-glob';
import { lint } from 'markdownlint/sync';
import { altEdit, applyEdits, verifyEdits } from '../../../src/core/docs';
import { findImages } from '../../../src/core/finders';
import type { FoundImage } from '../../../src/core/finders';
import { fixture } from '../../support/paths';
import { docLanguageOfPath } from '../../../src/core/base';

const root = fixture('docs-corpus');
const read = (f: string) => readFileSync(`${root}/${f}`, 'utf8');
const markdownFiles = fg.sync('**/*.md', { cwd: root }).filter((f) => f !== 'NOTES.md').sort();

/**
 * Where we differ from MD045 on purpose (file → line → why). Each was read by hand; the README lists the kinds.
 * `-`: MD045 reports it, we do not. `+`: we report it, MD045 does not.
 */
const DEVIATIONS: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  'docs/html/email-templates.md': { 69: '- inside <script type="text/x-template">: raw text, not an element', 73: '- inside <textarea>: raw text' },
  'docs/html/gallery.md': { 57: '+ a real <img> over several lines inside a table block: MD045 misses it', 64: '+ a real <img> with an unquoted src holding "/": MD045 misses it' },
  'docs/html/theming.md': { 57: '- role="presentation" marks the image decorative' },
  'docs/getting-started/installation.md': { 39: '+ ![ ](…): alt text of only whitespace is missing alt text (axe-core alt-space-value); MD045 counts the space as text' },
};

function md045Lines(text: string): number[] {
  const result = lint({ strings: { doc: text }, config: { default: false, MD045: true } });
  return (result['doc'] ?? []).map((e) => e.lineNumber);
}

const missingLines = (images: readonly FoundImage[]) => images.filter((i) => i.altState === 'missing' && !i.decorative && !i.altUnknown).map((i) => i.line);

describe('the docs corpus', () => {
  it('is a real-sized corpus', () => {
    assert.ok(markdownFiles.length >= 15, `${markdownFiles.length} Markdown files`);
    const total = markdownFiles.reduce((n, f) => n + md045Lines(read(f)).length, 0);
    assert.ok(total >= 150, `MD045 finds ${total}`);
  });

  for (const file of markdownFiles) {
    it(`${file}: exactly the images MD045 reports, but for the documented deviations`, () => {
      const text = read(file);
      const theirs = md045Lines(text);
      const ours = missingLines(findImages(text, 'markdown'));
      const deviations = DEVIATIONS[file] ?? {};
      const expected = [...theirs.filter((l) => !deviations[l]?.startsWith('-')), ...Object.entries(deviations).filter(([, why]) => why.startsWith('+')).map(([l]) => Number(l))].sort((a, b) => a - b);
      assert.deepEqual([...ours].sort((a, b) => a - b), expected);
      for (const line of Object.keys(deviations).map(Number)) {
        const why = deviations[line] ?? '';
        assert.equal(theirs.includes(line), why.startsWith('-'), `deviation at ${file}:${line} (${why}) no longer holds`);
      }
    });
  }

  const expected = JSON.parse(read('EXPECTED.json')) as Record<string, { line: number; src: string | null; alt: string; decorative: boolean }[]>;
  for (const [file, list] of Object.entries(expected)) {
    it(`${file}: the images a person finds there (EXPECTED.json)`, () => {
      const language = docLanguageOfPath(file);
      assert.ok(language);
      const ours = findImages(read(file), language).map((i) => ({
        line: i.line,
        src: i.srcDynamic || !i.src ? null : i.src,
        alt: i.altUnknown ? (i.altWrite === 'jsx-expression' ? 'present' : 'unknown') : i.altState,
        decorative: i.decorative,
      }));
      assert.deepEqual(ours, list);
    });
  }

  it('every image of every file can take any alt text, and each file reads back with exactly the same images', () => {
    const files = fg.sync('**/*.{md,mdx,html,htm,jsx,tsx}', { cwd: root }).filter((f) => f !== 'NOTES.md');
    let edited = 0;
    for (const file of files) {
      const language = docLanguageOfPath(file);
      assert.ok(language);
      const text = read(file);
      const images = findImages(text, language);
      const alt = 'A [dialog] with {props}, <Tags>, "quotes", *stars*, | pipes |, $x$ & AT&T &amp; \\ ✓';
      const writable = images.map((image, index) => ({ image, index })).filter(({ image }) => !image.altUnknown || image.altWrite === 'jsx-expression');
      const after = applyEdits(text, writable.map(({ image }) => altEdit(image, alt)));
      assert.equal(verifyEdits(images, after, language, writable.map(({ index }) => ({ index, alt }))), undefined, file);
      assert.equal(after.includes('\r\n'), text.includes('\r\n'), `${file}: line endings kept`);
      assert.equal(after.charCodeAt(0) === 0xfeff, text.charCodeAt(0) === 0xfeff, `${file}: BOM kept`);
      edited += writable.length;
    }
    assert.ok(edited > 300, `${edited} images edited`);
  });
});
