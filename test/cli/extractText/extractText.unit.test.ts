/**
 * describe-image extract-text, the built CLI in its own process under the network guard: the text of the shipped
 * sample screenshot (a rendered dialog whose words are known), JSON Lines with boxes where the words really are,
 * --out that never overwrites, input refused before reading, Ctrl+C. Nothing leaves the machine: the guard records
 * any connection that is not loopback, and there is no server at all.
 */
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCliProcess, type CliRun } from '../../support/cli';
import { image, repoRoot } from '../../support/paths';

const SAMPLE = path.join(repoRoot, 'media', 'sample-screenshot.png');
let dir = '';
let guardLog = '';

function cli(args: string[], options: { interruptOnStderr?: string } = {}): Promise<CliRun> {
  return runCliProcess(['extract-text', ...args], { cwd: dir, guardLog, ...options });
}

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'di-extract-'));
  guardLog = path.join(dir, 'guard.log');
  await fs.copyFile(SAMPLE, path.join(dir, 'dialog.png'));
});
after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('describe-image extract-text', () => {
  it('prints the text of a screenshot as Markdown: the image linked relative to the folder, the words in a code block', async () => {
    const r = await cli(['dialog.png']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# Text in dialog\.png\n\n!\[dialog\.png\]\(dialog\.png\)\n\n```text\n/);
    for (const words of ['Acme Notes', 'Auto save', 'Font size', 'Sync failed', 'Error: connect ECONNREFUSED 10.0.0.12:443', 'https://sync.acme.example/v2', 'Cancel', 'Save']) {
      assert.ok(r.stdout.includes(words), `"${words}" was read:\n${r.stdout}`);
    }
    assert.match(r.stdout, /Read on this machine in \d+ ms, mean confidence \d+ %/);
  });

  it('--json: one object per image with each line where it is in the image', async () => {
    const r = await cli(['--json', 'dialog.png', image('ui.png')]);
    assert.equal(r.code, 0, r.stderr);
    const records = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { name: string; width: number; height: number; text: string; lines: { text: string; confidence: number; box: { x: number; y: number; width: number; height: number }; words: { text: string }[] }[] });
    assert.equal(records.length, 2);
    const [dialog] = records;
    assert.ok(dialog);
    assert.deepEqual([dialog.name, dialog.width, dialog.height], ['dialog.png', 960, 600]);
    for (const line of dialog.lines) {
      assert.ok(line.box.x >= 0 && line.box.y >= 0 && line.box.x + line.box.width <= 960 && line.box.y + line.box.height <= 600, `${line.text} is inside the image`);
      assert.equal(line.words.map((w) => w.text).join(' '), line.text.replace(/\s+/g, ' '));
    }
    // The red box's title is drawn at x 280, baseline y 322 (docs/sources/sample-screenshot.svg, the sample's source).
    const failed = dialog.lines.find((l) => l.text === 'Sync failed');
    assert.ok(failed, dialog.text);
    assert.ok(Math.abs(failed.box.x - 280) <= 6 && failed.box.y > 300 && failed.box.y + failed.box.height < 335, JSON.stringify(failed.box));
    assert.ok(failed.confidence > 80);
    assert.equal(records[1]?.name, 'ui.png');
  });

  it('--out writes the file, never over an existing one without --force', async () => {
    const out = path.join(dir, 'notes', 'text.md');
    await fs.mkdir(path.dirname(out), { recursive: true });
    let r = await cli(['--out', 'notes/text.md', 'dialog.png']);
    assert.equal(r.code, 0, r.stderr);
    const written = await fs.readFile(out, 'utf8');
    assert.match(written, /!\[dialog\.png\]\(\.\.\/dialog\.png\)/, 'the link is relative to where the file is');
    assert.match(written, /Sync failed/);
    await fs.writeFile(out, 'my notes\n');
    r = await cli(['--out', 'notes/text.md', 'dialog.png']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /already exists: choose another name, or add --force/);
    assert.equal(await fs.readFile(out, 'utf8'), 'my notes\n', 'the file is untouched');
    r = await cli(['--out', 'notes/text.md', '--force', 'dialog.png']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(await fs.readFile(out, 'utf8'), /Sync failed/);
  });

  it('refuses bad input before reading any text', async () => {
    const cases: [string[], RegExp][] = [
      [['https://example.com/shot.png'], /reads local files only \(it never goes on the network\)/],
      [['missing.png'], /missing\.png: no such file/],
      [[image('not-an-image.png')], /is not an image/],
      [[image('empty.png')], /empty|not an image/],
      [['.'], /is not a file/],
      [Array.from({ length: 11 }, () => 'dialog.png'), /11 images given; read at most 10/],
      [['--json', '--out', 'x.md', 'dialog.png'], /Use one of them/],
      [[], /no image given/],
      [['--lang', 'deu', 'dialog.png'], /^describe-image extract-text: unknown flag --lang\. Run describe-image extract-text --help for usage\.\n$/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      // With --json asked, the failure is also a JSON error object on stdout; else stdout stays empty.
      if (args.includes('--json')) assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, 'usage');
      else assert.equal(r.stdout, '');
    }
    assert.ok(!existsSync(path.join(dir, 'x.md')));
  });

  it('Ctrl+C stops it with exit code 130', async () => {
    // Interrupted once it is seen at work (its worker started), not after a guess of time.
    const r = await cli(['--verbose', 'dialog.png', 'dialog.png', 'dialog.png'], { interruptOnStderr: 'worker ready' });
    assert.equal(r.code, 130, `${r.signal ?? ''} ${r.stderr}`);
    assert.match(r.stderr, /interrupted/);
  });
});
