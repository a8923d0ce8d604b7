/**
 * The waiting line: at a terminal (a pseudo-terminal made by util-linux `script`), while a slow model thinks, stderr
 * shows a spinner with what is waited for and the seconds; it is cleared before the answer is printed and when the
 * command ends. Never in a pipe, never with --json. The CLI runs as its own process under the network guard.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AzureLikeServer } from '../../support/azureServer';
import { hasScript, runCliInTerminal, runCliProcess } from '../../support/cli';
import { image } from '../../support/paths';

const server = new AzureLikeServer();
let dir = '';
const CLEAR = '\r\u001b[K';
const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
const noTerminal = hasScript() ? false : 'no util-linux script on this machine to make a pseudo-terminal';

before(async () => {
  await server.start();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'di-terminal-'));
  await fs.mkdir(path.join(dir, 'docs'));
  await fs.copyFile(image('ui.png'), path.join(dir, 'docs', 'ui.png'));
});
after(async () => {
  await server.stop();
  await fs.rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  server.requests.length = 0;
  server.latencyMs = 2500;
  await fs.writeFile(path.join(dir, 'docs', 'a.md'), '# A\n\n![](ui.png)\n');
  await fs.rm(`${path.join(dir, 'network-guard.log')}.home`, { recursive: true, force: true }); // no alt-text cache from an earlier run
});

const options = () => ({
  cwd: dir,
  guardLog: path.join(dir, 'network-guard.log'),
  secrets: [server.key],
  env: { AZURE_OPENAI_API_KEY: server.key, AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o' },
});

describe('the waiting line', () => {
  it('at a terminal: a spinner with "waiting for gpt-4o…" and the seconds, cleared before the answer and at the end', { skip: noTerminal }, async () => {
    const r = await runCliInTerminal([image('ui.png')], options());
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /waiting for gpt-4o… [12] s/, 'the seconds waited');
    const lastDrawn = r.output.lastIndexOf('waiting for gpt-4o');
    const answer = r.output.indexOf('The fake model saw 1 image');
    assert.ok(answer > lastDrawn, 'the line stops when text arrives');
    assert.equal(r.output.slice(lastDrawn, answer).split(CLEAR).length - 1, 1, 'cleared once, right before the text');
    assert.ok(r.output.slice(0, lastDrawn).split(CLEAR).length > 5, 'redrawn while waiting');
    assert.match(r.output.slice(r.output.indexOf(CLEAR), r.output.indexOf(CLEAR) + 10), SPINNER);
    assert.doesNotMatch(r.output.slice(answer), /waiting for|[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/, 'nothing drawn after the answer began');
  });

  it('with --json at a terminal: no waiting line, stdout is the JSON alone', { skip: noTerminal }, async () => {
    const r = await runCliInTerminal(['--json', image('ui.png')], options());
    assert.equal(r.code, 0, r.output);
    assert.ok(!r.output.includes('\u001b[K') && !SPINNER.test(r.output), JSON.stringify(r.output.slice(0, 200)));
    assert.equal((JSON.parse(r.output) as { deployment: string }).deployment, 'gpt-4o');
  });

  it('in a pipe: never a spinner, a carriage return or an escape code on stderr', async () => {
    const r = await runCliProcess([image('ui.png')], options());
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const fix = await runCliProcess(['alt-text', 'fix', 'docs'], options());
    assert.equal(fix.code, 0, fix.stderr);
    assert.ok(!fix.stderr.includes('\r') && !fix.stderr.includes('\u001b') && !SPINNER.test(fix.stderr), JSON.stringify(fix.stderr));
    assert.match(fix.stderr, /^describe-image alt-text: 1 of 1 done \(docs\/ui\.png\)$/m);
  });

  it('alt-text fix at a terminal: "generating alt text: 0 of 1 done" from the start, then the summary on a clean line', { skip: noTerminal }, async () => {
    const r = await runCliInTerminal(['alt-text', 'fix', 'docs'], options());
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /generating alt text: 0 of 1 done [12] s/);
    const summary = r.output.lastIndexOf('describe-image alt-text: ');
    assert.ok(summary > r.output.lastIndexOf('generating alt text'));
    assert.ok(r.output.slice(0, summary).endsWith(CLEAR), 'the line is cleared before the summary');
    assert.doesNotMatch(r.output, /describe-image alt-text: \d+ of \d+ done/, 'no progress lines at a terminal: the waiting line has them');
  });

  it('alt-text check at a terminal: the report with no waiting line left in it', { skip: noTerminal }, async () => {
    const r = await runCliInTerminal(['alt-text', 'check', '--format', 'json', 'docs'], options());
    assert.equal(r.code, 1, r.output);
    assert.ok(!r.output.includes('\u001b[K'), 'no waiting line with JSON');
    const text = await runCliInTerminal(['alt-text', 'check', 'docs'], options());
    assert.equal(text.code, 1, text.output);
    const report = text.output.indexOf('docs/a.md:3:1');
    assert.ok(report >= 0, text.output);
    assert.doesNotMatch(text.output.slice(report), /checking the docs/, 'cleared before the report');
  });
});
