/**
 * Writing --out (src/cli/base/output.ts): without --force an existing file is never overwritten; with --force the
 * file is replaced whole, never through a link planted at the temporary file's name, and nothing is left behind.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { writeOut } from '../../../src/cli/base/output';

describe('writeOut', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'di-out-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to overwrite without --force, and replaces the file whole with it', async () => {
    const file = path.join(dir, 'a.md');
    writeFileSync(file, 'old');
    await assert.rejects(writeOut(file, 'new', false), { code: 'EEXIST' });
    assert.equal(readFileSync(file, 'utf8'), 'old');
    await writeOut(file, 'new', true);
    assert.equal(readFileSync(file, 'utf8'), 'new');
    assert.deepEqual(readdirSync(dir), ['a.md']);
  });

  it('never writes through links planted at the names a process id would give the temporary file', async () => {
    const file = path.join(dir, 'b.md');
    const victim = path.join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    // The old temporary name was `${file}.${pid}.tmp`: plant a link there (and for the pids around it).
    for (let pid = process.pid - 2; pid <= process.pid + 2; pid++) symlinkSync(victim, `${file}.${pid}.tmp`);
    await writeOut(file, 'report', true);
    assert.equal(readFileSync(victim, 'utf8'), 'precious');
    assert.equal(readFileSync(file, 'utf8'), 'report');
    assert.ok(!readdirSync(dir).some((f) => f.startsWith('b.md.') && !f.match(/\.\d+\.tmp$/)), readdirSync(dir).join(' '));
  });
});
