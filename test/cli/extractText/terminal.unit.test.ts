/**
 * extract-text at a terminal (a pseudo-terminal made by util-linux `script`): while the engine reads, stderr says which
 * image and for how long; the line is cleared before the text is printed. In a pipe and with --json: nothing of it.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasScript, runCliInTerminal, runCliProcess } from '../../support/cli';
import { repoRoot } from '../../support/paths';

let dir = '';
const noTerminal = hasScript() ? false : 'no util-linux script on this machine to make a pseudo-terminal';
const options = () => ({ cwd: dir, guardLog: path.join(dir, 'guard.log') });

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'di-extract-tty-'));
  await fs.copyFile(path.join(repoRoot, 'media', 'sample-screenshot.png'), path.join(dir, 'dialog.png'));
});
after(() => fs.rm(dir, { recursive: true, force: true }));

describe('extract-text: the waiting line', () => {
  it('at a terminal: "reading the text in dialog.png…", cleared before the text', { skip: noTerminal }, async () => {
    const r = await runCliInTerminal(['extract-text', 'dialog.png'], options());
    assert.equal(r.code, 0, r.output);
    const waiting = r.output.lastIndexOf('reading the text in dialog.png…');
    const text = r.output.indexOf('# Text in dialog.png');
    assert.ok(waiting >= 0 && text > waiting, r.output.slice(0, 300));
    assert.ok(r.output.slice(waiting, text).includes('\r\u001b[K'), 'cleared before the text');
  });

  it('in a pipe and with --json at a terminal: no waiting line', { skip: noTerminal }, async () => {
    const piped = await runCliProcess(['extract-text', 'dialog.png'], options());
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stderr, '');
    const json = await runCliInTerminal(['extract-text', '--json', 'dialog.png'], options());
    assert.equal(json.code, 0, json.output);
    assert.ok(!json.output.includes('reading the text') && !json.output.includes('\u001b[K'));
  });
});
