/**
 * Reading documentation files, the hostile cases: bytes that are not UTF-8 (Latin-1, UTF-16, a file cut in the middle
 * of a character) are refused with the line of the first bad byte, never decoded with replacement characters; a BOM is
 * kept or dropped as asked; a file too large to parse in reasonable time and memory is reported, not read.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkDocs, MAX_DOC_BYTES, readDocFile } from '../../../src/core/docs';
import { decodeDocText, NotUtf8Error } from '../../../src/core/docs';
import { RULE_IDS } from '../../../src/core/base';

let root = '';
before(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'di-read-')));
});
after(() => fs.rm(root, { recursive: true, force: true }));

describe('decoding a documentation file', () => {
  it('refuses bytes that are not UTF-8, with the line of the first bad byte', () => {
    const line = (bytes: Uint8Array) => {
      try {
        decodeDocText(bytes, { keepBom: true });
        return 0;
      } catch (e) {
        assert.ok(e instanceof NotUtf8Error);
        return e.line;
      }
    };
    assert.equal(line(Buffer.from('# Title\n\nplain\n\ncafé\n', 'latin1')), 5);
    assert.equal(line(Buffer.from('\uFEFF# Titel\r\n', 'utf16le')), 1, 'UTF-16 is not UTF-8');
    const cut = Buffer.from('# Title\n\nAn ellipsis…', 'utf8');
    assert.equal(line(cut.subarray(0, cut.length - 1)), 3, 'a file cut in the middle of a character');
    assert.equal(line(Buffer.from('# Fine ✓ — 🎉\n')), 0);
  });

  it('keeps or drops a BOM as asked, and nothing else', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# T\r\n')]);
    assert.equal(decodeDocText(bytes, { keepBom: true }), '\uFEFF# T\r\n');
    assert.equal(decodeDocText(bytes, { keepBom: false }), '# T\r\n');
  });
});

describe('reading a documentation file', () => {
  it('a file over the size limit is reported with its size and not read (parsing it would take minutes and gigabytes)', async () => {
    const big = path.join(root, 'big.md');
    await fs.writeFile(big, '![](a.png)\n');
    await fs.truncate(big, MAX_DOC_BYTES + 1);
    const doc = await readDocFile(root, 'big.md');
    assert.deepEqual(doc.images, []);
    assert.equal(doc.parseError?.message, 'too large to check (5.0 MB; files up to 5 MB are read)');
    const checked = await checkDocs(root, ['big.md'], { rules: new Set(RULE_IDS), maxLength: 125, docsRoot: root });
    assert.deepEqual(checked.report.errors.map((e) => e.file), ['big.md']);
    assert.deepEqual(checked.docs, [], 'so it is never fixed');
  });
});
