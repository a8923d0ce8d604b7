/**
 * The CLI speaks CLI: a mistyped flag names the closest known one and points at --help in one line (every command);
 * --provider vscode and offline say what the CLI can do instead; with --json a failure is also a JSON error object on
 * stdout. Each CLI run is its own process under the network guard.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe,it } from 'node:test';
import { cliSandbox } from '../../support/cliSandbox';
import { runCliProcess,type CliRun } from '../../support/cli';
import { image } from '../../support/paths';

const box = cliSandbox('di-usage-', async (dir) => {
  await fs.mkdir(path.join(dir, 'docs'));
  await fs.copyFile(image('ui.png'), path.join(dir, 'docs', 'ui.png'));
  await fs.writeFile(path.join(dir, 'docs', 'a.md'), '# A\n\n![](ui.png)\n');
});
const server = box.server;

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  return runCliProcess(args, {
    cwd: box.dir,
    guardLog: box.guardLog,
    secrets: [server.key],
    env: { AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', AZURE_OPENAI_API_KEY: server.key, ...env },
  });
}

/** The one JSON object a failing --json run prints on stdout. */
function jsonError(r: CliRun): { code: string; message: string } {
  const parsed = JSON.parse(r.stdout) as { error: { code: string; message: string } };
  assert.deepEqual(Object.keys(parsed), ['error'], r.stdout);
  return parsed.error;
}

describe('a mistyped flag: the closest flag and a one-line pointer to --help, for every command', () => {
  const cases: [string[], string][] = [
    [['--detial', 'low', image('ui.png')], 'describe-image: unknown flag --detial: did you mean --detail? Run describe-image --help for usage.'],
    [['--max-token', '10', image('ui.png')], 'describe-image: unknown flag --max-token: did you mean --max-tokens? Run describe-image --help for usage.'],
    [['--colour', image('ui.png')], 'describe-image: unknown flag --colour. Run describe-image --help for usage.'],
    [['--detail'], 'describe-image: --detail needs a value. Run describe-image --help for usage.'],
    [['--prompt', '--json', image('ui.png')], 'describe-image: --prompt needs a value, and got the flag --json (write --prompt=--json if that is the value). Run describe-image --help for usage.'],
    [['--json=yes', image('ui.png')], 'describe-image: --json takes no value (got --json=yes). Run describe-image --help for usage.'],
    [['alt-text', 'check', '--formt', 'json', 'docs'], 'describe-image alt-text: unknown flag --formt: did you mean --format? Run describe-image alt-text --help for usage.'],
    [['alt-text', 'fix', '--dryrun', 'docs'], 'describe-image alt-text: unknown flag --dryrun: did you mean --dry-run? Run describe-image alt-text --help for usage.'],
    [['alt-text', 'lint', 'docs'], 'describe-image alt-text: unknown mode "lint": use check, fix or sites. Run describe-image alt-text --help for usage.'],
    [['extract-text', '--jsno', image('ui.png')], 'describe-image extract-text: unknown flag --jsno: did you mean --json? Run describe-image extract-text --help for usage.'],
    [['mcp', '--rot', '.'], 'describe-image mcp: unknown flag --rot: did you mean --root? Run describe-image mcp --help for usage.'],
    // A flag pasted from a document whose editor made "--" a dash: not taken for a file named "—detail".
    [['\u2014detail', 'low', image('ui.png')], 'describe-image: \u2014detail starts with a dash (\u2014) that is not a hyphen: did you mean --detail? Run describe-image --help for usage.'],
    [['\u2013detail=low', image('ui.png')], 'describe-image: \u2013detail=low starts with a dash (\u2013) that is not a hyphen: did you mean --detail? Run describe-image --help for usage.'],
    [['alt-text', 'check', '\u2014json', 'docs'], 'describe-image alt-text: \u2014json starts with a dash (\u2014) that is not a hyphen: did you mean --json? Run describe-image alt-text --help for usage.'],
    [['alt-text'], 'describe-image alt-text: no mode given: use check, fix or sites. Run describe-image alt-text --help for usage.'],
  ];
  for (const [args, line] of cases) {
    it(args.join(' ').replace(image('ui.png'), 'ui.png'), async () => {
      const r = await cli(args);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr, `${line}\n`, 'one line, no help text, no parser quote');
      assert.equal(r.stdout, '');
      assert.equal(server.requests.length, 0);
    });
  }
});

describe('--provider the CLI does not have: what to do instead, exit 2', () => {
  it('--provider vscode says the models live inside VS Code and names the providers and extract-text', async () => {
    const r = await cli(['--provider', 'vscode', image('ui.png')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^describe-image: --provider vscode: VS Code's language models can be used only inside VS Code\./);
    assert.match(r.stderr, /--provider azure/);
    assert.match(r.stderr, /--provider openai/);
    assert.match(r.stderr, /describe-image extract-text/);
    assert.equal(server.requests.length, 0);
  });

  it('--provider offline (also from DESCRIBE_IMAGE_PROVIDER, and for alt-text) points to extract-text and lists no vscode provider', async () => {
    for (const [args, env] of [
      [['--provider', 'offline', image('ui.png')], {}],
      [[image('ui.png')], { DESCRIBE_IMAGE_PROVIDER: 'offline' }],
      [['alt-text', 'fix', '--provider', 'offline', 'docs'], {}],
    ] as const) {
      const r = await cli([...args], env);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /offline: to read the text in images on this machine without a model, run describe-image extract-text <image\.\.\.>/);
      assert.doesNotMatch(r.stderr, /vscode/);
    }
    const other = await cli(['--provider', 'ollama', image('ui.png')]);
    assert.equal(other.code, 2);
    assert.match(other.stderr, /--provider must be azure or openai \(got "ollama"\)/);
    assert.equal(server.requests.length, 0);
  });
});

describe('--json: a failure is also a JSON error on stdout', () => {
  it('describe: bad input, a mistyped flag and a refused key each give {"error":{"code","message"}} and the message on stderr', async () => {
    const missing = await cli(['--json', 'nope.png']);
    assert.equal(missing.code, 2);
    assert.deepEqual(jsonError(missing), { code: 'bad-input', message: missing.stderr.replace(/^describe-image: /, '').trimEnd() });
    const typo = await cli(['--json', '--detial', 'low', image('ui.png')]);
    assert.equal(typo.code, 2);
    assert.equal(jsonError(typo).code, 'usage');
    const key = await cli(['--json', image('ui.png')], { AZURE_OPENAI_API_KEY: 'not-the-key-42' });
    assert.equal(key.code, 1);
    const error = jsonError(key);
    assert.equal(error.code, 'auth');
    assert.match(error.message, /401/);
    assert.match(key.stderr, /^describe-image: .*401/);
    const tokens = await cli(['--json', '--max-tokens', 'lots', image('ui.png')]);
    assert.deepEqual(jsonError(tokens), { code: 'config', message: 'The output token limit must be a whole number from 1 to 1000000 (got lots). Set it with --max-tokens.' });
  });

  it('alt-text check and fix, and extract-text', async () => {
    const check = await cli(['alt-text', 'check', '--json', 'no-such-folder']);
    assert.equal(check.code, 2, check.stderr);
    assert.equal(jsonError(check).code, 'bad-input');
    const format = await cli(['alt-text', 'check', '--format', 'json', '--max-length', '5', 'docs']);
    assert.equal(format.code, 2);
    assert.match(jsonError(format).message, /--max-length must be a whole number from 20 to 1000/);
    const fix = await cli(['alt-text', 'fix', '--json', 'docs'], { AZURE_OPENAI_API_KEY: 'not-the-key-42' });
    assert.equal(fix.code, 1, fix.stderr);
    assert.equal(jsonError(fix).code, 'auth');
    const ocr = await cli(['extract-text', '--json', 'nope.png']);
    assert.equal(ocr.code, 2);
    assert.deepEqual(jsonError(ocr), { code: 'bad-input', message: 'nope.png: no such file.' });
  });

  it('alt-text --json without its mode: the error object, not the usage text', async () => {
    const r = await cli(['alt-text', '--json']);
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(jsonError(r), { code: 'usage', message: 'no mode given: use check, fix or sites. Run describe-image alt-text --help for usage.' });
  });

  it('without --json, stdout stays empty on failure', async () => {
    const r = await cli(['nope.png']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
  });
});
