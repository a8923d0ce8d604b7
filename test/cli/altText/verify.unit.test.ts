/**
 * `alt-text check --verify`: the built CLI against the Azure-like server on a docs tree with exactly one wrong alt
 * text (test/support/verifyDocs.ts). Exactly that one is reported, with the suggestion, in every format; what will be
 * sent is said before sending; a rerun with the same cache sends nothing; no endpoint or key is exit 2 before any
 * request; --max-requests stops a run before it sends; a server that errors, answers garbage or echoes the key gives a
 * clear message and never shows the key.
 */
import assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import Ajv from 'ajv-draft-04';
import { AzureLikeServer, type RecordedRequest } from '../../support/azureServer';
import { OpenAiLikeServer } from '../../support/openaiServer';
import { runCliProcess } from '../../support/cli';
import { SUGGESTED_ALT, verifyModel, WRONG_ALT, writeVerifyTree } from '../../support/verifyDocs';
import { findImages } from '../../../src/core/finders';

let answer: (req: RecordedRequest) => string = verifyModel;
const server = new AzureLikeServer({ answer: (req) => answer(req) });
let tmp = '';
let repo = '';

const env = (): Record<string, string> => ({ AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', AZURE_OPENAI_API_KEY: server.key });
const check = (args: string[], vars: Record<string, string> = env()) =>
  runCliProcess(['alt-text', 'check', ...args], { cwd: repo, guardLog: path.join(tmp, 'guard.log'), secrets: [server.key, 'wrong-key-0000', 'sk-verify-test-0000'], env: { HOME: path.join(tmp, 'home'), ...vars } });

before(() => server.start());
after(() => server.stop());
beforeEach(async () => {
  answer = verifyModel;
  server.requests.length = 0;
  server.script.length = 0;
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'di-verify-')));
  repo = path.join(tmp, 'repo');
  await fs.mkdir(path.join(tmp, 'home'));
  await writeVerifyTree(repo);
});

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  rule: string;
  message: string;
  suggestion?: string;
  fix?: { startLine: number; startColumn: number; endLine: number; endColumn: number; newText: string };
}

describe('alt-text check --verify', () => {
  it('reports exactly the one wrong alt text, with the suggestion; says the cost first; a rerun with the cache sends nothing', async () => {
    const first = await check(['--verify', '--cache', '.describe-image-cache.json', 'docs']);
    assert.equal(first.code, 1, first.stderr);
    const mismatches = first.stdout.split('\n').filter((l) => l.includes(' alt-mismatch '));
    assert.deepEqual(mismatches, [`docs/guide/notify.md:5:1 alt-mismatch alt text "${WRONG_ALT}" does not describe the image ../img/viewlet.png; suggested: "${SUGGESTED_ALT}"`]);
    assert.match(first.stdout, /^docs\/guide\/tour\.html:7:1 alt-missing /m, 'the rules still report');
    assert.match(first.stderr, /verifying the alt text of 4 image\(s\): 3 request\(s\) to send to gpt-4o, 0 answered from the cache, 1 duplicate\(s\) sharing a request\./);
    assert.equal(server.requests.length, 3, 'the page and its copy share one request');

    server.requests.length = 0;
    const again = await check(['--verify', '--cache', '.describe-image-cache.json', 'docs']);
    assert.equal(server.requests.length, 0, 'a rerun sends nothing');
    assert.equal(again.stdout, first.stdout);
    assert.match(again.stderr, /verifying the alt text of 4 image\(s\): 0 request\(s\) to send to gpt-4o, 3 answered from the cache/);
  });

  it('is never on by default: check alone sends nothing and needs no endpoint', async () => {
    const r = await check(['docs'], {});
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stdout, /alt-mismatch/);
    assert.equal(server.requests.length, 0);
  });

  it('json, SARIF (valid 2.1.0, with a fix that writes the suggestion) and GitHub annotations carry the suggestion', async () => {
    const cache = ['--cache', 'c.json'];
    const json = JSON.parse((await check(['--verify', ...cache, '--format', 'json', 'docs'])).stdout) as { findings: JsonFinding[]; verify: { images: number; sent: number; cached: number; deduplicated: number } };
    const m = json.findings.filter((f) => f.rule === 'alt-mismatch');
    assert.equal(m.length, 1);
    assert.equal(m[0]?.suggestion, SUGGESTED_ALT);
    assert.deepEqual(m[0]?.fix, { startLine: 5, startColumn: 3, endLine: 5, endColumn: 3 + WRONG_ALT.length, newText: SUGGESTED_ALT });
    assert.deepEqual(json.verify, { images: 4, sent: 3, cached: 0, deduplicated: 1, notVerified: [] });

    const sarifText = (await check(['--verify', ...cache, '--format', 'sarif', 'docs'])).stdout;
    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false }).compile(schema);
    const sarif = JSON.parse(sarifText) as { runs: { results: { ruleId: string; level: string; fixes?: { artifactChanges: { artifactLocation: { uri: string }; replacements: { deletedRegion: { startLine: number; startColumn: number; endLine: number; endColumn: number }; insertedContent: { text: string } }[] }[] }[] }[] }[] };
    assert.equal(validate(sarif), true, JSON.stringify(validate.errors, null, 1));
    const result = sarif.runs[0]?.results.find((r) => r.ruleId === 'alt-mismatch');
    assert.equal(result?.level, 'warning');
    const change = result?.fixes?.[0]?.artifactChanges[0];
    assert.equal(change?.artifactLocation.uri, 'docs/guide/notify.md');
    // Applying the fix as a SARIF viewer would gives a page that reads back with the suggested alt text.
    const page = await fs.readFile(path.join(repo, 'docs/guide/notify.md'), 'utf8');
    const r = change?.replacements[0];
    assert.ok(r);
    const lines = page.split('\n');
    const at = (line: number, column: number) => lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
    const fixed = page.slice(0, at(r.deletedRegion.startLine, r.deletedRegion.startColumn)) + r.insertedContent.text + page.slice(at(r.deletedRegion.endLine, r.deletedRegion.endColumn));
    assert.deepEqual(findImages(fixed, 'markdown').map((i) => [i.alt, i.src]), [[SUGGESTED_ALT, '../img/viewlet.png']]);

    const github = (await check(['--verify', ...cache, '--format', 'github', 'docs'])).stdout;
    assert.match(github, new RegExp(`^::warning file=docs/guide/notify\\.md,line=5,col=1,title=alt-mismatch::.*suggested: "${SUGGESTED_ALT}"$`, 'm'));
    assert.equal(server.requests.length, 3, 'the other formats are answered from the cache');
  });

  it('without an endpoint or key: exit 2 before any request, naming what to set', async () => {
    const none = await check(['--verify', 'docs'], {});
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /No endpoint is set: .* Give --endpoint and --deployment \(or AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENT\)\./);
    const openai = await check(['--verify', '--provider', 'openai', 'docs'], {});
    assert.equal(openai.code, 2, openai.stderr);
    assert.match(openai.stderr, /No model is set: .* Give --base-url and --model \(or OPENAI_BASE_URL and OPENAI_MODEL\)\./);
    const fix = await runCliProcess(['alt-text', 'fix', 'docs'], { cwd: repo, guardLog: path.join(tmp, 'guard.log'), env: { HOME: path.join(tmp, 'home') } });
    assert.equal(fix.code, 2, 'fix says the same');
    assert.match(fix.stderr, /Give --endpoint and --deployment/);
    const noKey = await check(['--verify', 'docs'], { AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o' });
    assert.equal(noKey.code, 2, noKey.stderr);
    assert.match(noKey.stderr, /AZURE_OPENAI_API_KEY/);
    assert.equal(server.requests.length, 0);
  });

  it('--max-requests: more would be sent → exit 2, nothing sent; enough → the run goes; bad flags are exit 2', async () => {
    const over = await check(['--verify', '--max-requests', '2', 'docs']);
    assert.equal(over.code, 2, over.stderr);
    assert.match(over.stderr, /--verify would send 3 request\(s\), more than --max-requests 2: nothing was sent/);
    assert.equal(server.requests.length, 0);
    assert.equal((await check(['--verify', '--max-requests', '3', 'docs'])).code, 1);
    assert.equal(server.requests.length, 3);
    for (const args of [['--max-requests', '2', 'docs'], ['--verify', '--max-requests', '-1', 'docs'], ['--verify', '--disable', 'alt-mismatch', 'docs']]) {
      const r = await check(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    }
    const fix = await runCliProcess(['alt-text', 'fix', '--verify', 'docs'], { cwd: repo, guardLog: path.join(tmp, 'guard.log'), env: { HOME: path.join(tmp, 'home'), ...env() } });
    assert.equal(fix.code, 2);
    assert.match(fix.stderr, /--verify is for check/);
    assert.equal(server.requests.length, 3);
  });

  it('a wrong key stops the run after one request with the service\'s reason; the key is never shown', async () => {
    const r = await check(['--verify', '--concurrency', '1', 'docs'], { ...env(), AZURE_OPENAI_API_KEY: 'wrong-key-0000' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /--verify: .*(denied|key)/i);
    assert.equal(server.requests.length, 1);
  });

  it('garbage answers: each image is "not verified" with the reason, no finding is made up; the answer is not printed', async () => {
    answer = () => 'I like turtles. [[garbage]]';
    const r = await check(['--verify', 'docs']);
    assert.doesNotMatch(r.stdout, /alt-mismatch/);
    assert.match(r.stderr, /not verified: docs\/guide\/notify\.md:5:1: the model's answer is not a verdict/);
    assert.doesNotMatch(r.stderr + r.stdout, /turtles/);
  });

  it('a server that echoes the key in its suggestion: not used, and the key appears nowhere', async () => {
    answer = (req) => `VERDICT: mismatch\nSUGGESTION: the key is ${String(req.headers['api-key'])}`;
    const r = await check(['--verify', '--format', 'json', 'docs']);
    const json = JSON.parse(r.stdout) as { findings: JsonFinding[]; verify: { notVerified: string[] } };
    assert.deepEqual(json.findings.filter((f) => f.rule === 'alt-mismatch'), []);
    assert.ok(json.verify.notVerified.some((n) => /The answer held the credential that was sent/.test(n)), JSON.stringify(json.verify));
  });

  it('with an OpenAI-compatible server (--provider openai): the same one finding, and a rerun sends nothing', async () => {
    const openai = new OpenAiLikeServer({ key: 'sk-verify-test-0000', models: ['gpt-4.1'], answer: (req) => verifyModel(req) });
    await openai.start();
    try {
      const vars = { DESCRIBE_IMAGE_PROVIDER: 'openai', OPENAI_BASE_URL: openai.url, OPENAI_MODEL: 'gpt-4.1', OPENAI_API_KEY: 'sk-verify-test-0000' };
      const first = await check(['--verify', '--cache', 'c.json', 'docs'], vars);
      assert.equal(first.code, 1, first.stderr);
      assert.deepEqual(first.stdout.split('\n').filter((l) => l.includes(' alt-mismatch ')).map((l) => l.split(' ')[0]), ['docs/guide/notify.md:5:1']);
      assert.match(first.stderr, /3 request\(s\) to send to gpt-4\.1/);
      const sent = openai.requests.filter((r) => r.path.endsWith('/chat/completions')).length;
      assert.equal(sent, 3);
      await check(['--verify', '--cache', 'c.json', 'docs'], vars);
      assert.equal(openai.requests.filter((r) => r.path.endsWith('/chat/completions')).length, sent, 'the rerun sends nothing');
      assert.equal(server.requests.length, 0);
    } finally {
      await openai.stop();
    }
  });
});
