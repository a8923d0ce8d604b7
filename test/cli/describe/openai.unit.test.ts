/**
 * The CLI with OpenAI-compatible servers: an OpenAI-like one (a bearer key, `model`, `max_completion_tokens`, OpenAI's
 * error shapes) and an Ollama-like one on this machine (no key, `max_tokens` only, streaming without usage). The key
 * is never printed; nothing leaves this machine (network guard).
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { OpenAiLikeServer } from '../../support/openaiServer';
import { runCliProcess, type CliRun } from '../../support/cli';
import { image } from '../../support/paths';

const KEY = `sk-test-${Date.now().toString(36)}`;
const openai = new OpenAiLikeServer({ key: KEY, models: ['gpt-4.1', 'gpt-4o-mini'] });
const ollama = new OpenAiLikeServer({ models: ['llava', 'qwen2.5vl'], knowsMaxCompletionTokens: false, streamUsage: false });
let dir = '';
let guardLog = '';

function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCliProcess(args, { cwd: dir, guardLog, secrets: [KEY], env });
}

before(async () => {
  await openai.start();
  await ollama.start();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'di-openai-'));
  guardLog = path.join(dir, 'guard.log');
});
after(async () => {
  await openai.stop();
  await ollama.stop();
  await fs.rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  for (const s of [openai, ollama]) {
    s.requests.length = 0;
    s.script.length = 0;
  }
});

describe('an OpenAI-like server', () => {
  const env = () => ({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: openai.url });

  it('sends the key as a bearer token, the model in the body, max_completion_tokens, and the image', async () => {
    const r = await cli(['--provider', 'openai', '--model', 'gpt-4.1', '--no-stream', '--detail', 'low', image('ui.png')], env());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /The model gpt-4\.1 saw 1 image\(s\): a 160x100 image\/png/);
    const [req] = openai.requests;
    assert.equal(req?.headers['authorization'], `Bearer ${KEY}`);
    assert.equal(req?.headers['api-key'], undefined);
    assert.equal(req?.body?.['model'], 'gpt-4.1');
    assert.equal(req?.body?.['max_completion_tokens'], 1024);
    assert.equal('max_tokens' in (req?.body ?? {}), false);
    assert.match(JSON.stringify(req?.body), /"detail":"low"/);
  });

  it('streams, with usage in the footer', async () => {
    const r = await cli(['--provider', 'openai', '--model', 'gpt-4o-mini', '--stream', image('ui.png')], env());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /saw 1 image/);
    assert.match(r.stdout, /\*\*Token usage:\*\* 100 prompt \+ \d+ completion/);
  });

  it('lists models', async () => {
    const r = await cli(['--provider', 'openai', '--list-models'], env());
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'gpt-4.1\ngpt-4o-mini\n');
  });

  it('maps OpenAI-shaped errors to clear messages in the CLI\'s terms', async () => {
    const wrong = await cli(['--provider', 'openai', '--model', 'gpt-4.1', image('ui.png')], { ...env(), OPENAI_API_KEY: 'sk-wrong-1234' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /The key was refused by http:\/\/127\.0\.0\.1:\d+\/v1 \(401 invalid_api_key\).*Check OPENAI_API_KEY and --base-url/);
    const model = await cli(['--provider', 'openai', '--model', 'gpt-9', image('ui.png')], env());
    assert.equal(model.code, 1);
    assert.match(model.stderr, /The model "gpt-9" was not found at .* \(404\).*--list-models/);
    openai.script.push({ status: 429, headers: { 'retry-after': '20' }, body: { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } } });
    const quota = await cli(['--provider', 'openai', '--model', 'gpt-4.1', image('ui.png')], env());
    assert.equal(quota.code, 1);
    assert.match(quota.stderr, /no quota left \(429 insufficient_quota\).*waiting will not help/);
    assert.equal(openai.requests.filter((q) => q.path === '/v1/chat/completions').length, 3, 'no retry on insufficient_quota');
    openai.script.push({ status: 429, headers: { 'retry-after': '1', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1s' }, body: { error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } } });
    const limited = await cli(['--provider', 'openai', '--model', 'gpt-4.1', '--no-stream', image('ui.png')], env());
    assert.equal(limited.code, 0, limited.stderr);
    assert.match(limited.stderr, /Retrying in [12] s/);
  });

  it('refuses to send a key to a server elsewhere without https, and needs a key for one elsewhere', async () => {
    const plain = await cli(['--provider', 'openai', '--model', 'gpt-4.1', '--base-url', 'http://openai.example.com/v1', image('ui.png')], { OPENAI_API_KEY: KEY });
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /Refusing to send a key or token over plain http to openai\.example\.com/);
    const noKey = await cli(['--provider', 'openai', '--model', 'gpt-4.1', image('ui.png')], {});
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /No key is set for api\.openai\.com: a key is needed for a server that is not on this machine\. Set OPENAI_API_KEY\.\n$/);
    assert.equal(noKey.stderr.split('OPENAI_API_KEY').length, 2, `the variable is named once: ${noKey.stderr}`);
  });
});

describe('an Ollama-like server on this machine', () => {
  it('works with no key: describe-image --provider openai --base-url http://localhost:11434/v1 --model llava shot.png', async () => {
    const r = await cli(['--provider', 'openai', '--base-url', ollama.url.replace('127.0.0.1', 'localhost'), '--model', 'llava', '--stream', image('ui.png')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /The model llava saw 1 image/);
    assert.match(r.stdout, /\*\*Token usage:\*\* not reported/, 'a stream without usage says so');
    assert.deepEqual(
      ollama.requests.map((q) => [q.headers['authorization'], 'max_completion_tokens' in (q.body ?? {}), 'max_tokens' in (q.body ?? {}), q.status]),
      [
        [undefined, true, false, 400],
        [undefined, false, true, 200],
      ],
      'max_tokens after the server named max_completion_tokens as unknown',
    );
  });

  it('lists its models with no key', async () => {
    const r = await cli(['--provider', 'openai', '--base-url', ollama.url, '--list-models']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'llava\nqwen2.5vl\n');
  });
});
