/**
 * The built CLI (dist/cli.js) run as a process against the Azure-like server: output streams, exit codes, --out
 * safety, and that nothing is sent for bad input.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe,it } from 'node:test';
import { streamEvents } from '../../support/azureServer';
import { cliSandbox } from '../../support/cliSandbox';
import { runCliProcess,type CliRun } from '../../support/cli';
import { cliPath,image,networkGuard } from '../../support/paths';

const box = cliSandbox('di-cli-');
const server = box.server;

function cli(args: string[], env: Record<string, string | undefined> = {}, cwd = box.dir): Promise<CliRun> {
  return runCliProcess(args, {
    cwd,
    guardLog: box.guardLog,
    secrets: [server.key],
    env: { AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', AZURE_OPENAI_API_KEY: server.key, ...env },
  });
}

describe('describe-image CLI', () => {
  it('describes a real PNG: Markdown on stdout, exit 0', async () => {
    const r = await cli([image('ui.png')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# Description of ui\.png\n/);
    assert.match(r.stdout, /The fake model saw 1 image\(s\): image 1 is a 160x100 image\/png of 970 bytes/);
    assert.match(r.stdout, /\*\*Finish reason:\*\* stop/);
    assert.match(r.stdout, /\*\*Token usage:\*\* \d+ prompt \+ \d+ completion = \d+ total/);
    assert.equal(r.stderr, '');
  });

  it('describes a real JPEG with the prompt, detail and token limit given as flags', async () => {
    const r = await cli([image('photo.jpg'), '--prompt', 'What colours?', '--detail', 'low', '--max-tokens', '300', '--api-version', '2024-06-01']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /image\/jpeg/);
    assert.match(r.stdout, /It was asked: "What colours\?"/);
    const req = server.requests[0];
    assert.equal(req?.images[0]?.detail, 'low');
    assert.equal(req?.body?.['max_tokens'], 300);
    assert.equal(req?.query.get('api-version'), '2024-06-01');
  });

  it('accepts the whole Target URI as --endpoint', async () => {
    const r = await cli([image('ui.png'), '--endpoint', server.targetUri('gpt-4o', '2024-08-01-preview')], { AZURE_OPENAI_DEPLOYMENT: undefined });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests[0]?.query.get('api-version'), '2024-08-01-preview');
  });

  it('prints the whole result as JSON with --json', async () => {
    const r = await cli([image('ui.png'), image('really-a-jpeg.png'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { text: string; finishReason: string; images: { sentMime: string; width: number }[]; warnings: string[] };
    assert.match(json.text, /saw 2 image\(s\)/);
    assert.equal(json.finishReason, 'stop');
    assert.deepEqual(json.images.map((i) => i.sentMime), ['image/png', 'image/jpeg']);
    assert.equal(json.images[0]?.width, 160);
    assert.match(r.stderr, /warning: really-a-jpeg\.png is named as image\/png but its bytes are image\/jpeg/);
    assert.ok(!r.stdout.includes('base64'), 'no image bytes in the JSON');
  });

  it('writes --out with image links relative to it, and never overwrites without --force', async () => {
    const out = path.join(box.dir, 'notes', 'desc.md');
    await fs.mkdir(path.dirname(out), { recursive: true });
    const r = await cli([image('ui.png'), '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    const written = await fs.readFile(out, 'utf8');
    assert.match(written, new RegExp(`!\\[ui\\.png\\]\\(${path.relative(path.dirname(out), image('ui.png')).split(path.sep).join('/').replace(/\./g, '\\.')}\\)`));

    await fs.writeFile(out, 'my own notes');
    const refused = await cli([image('ui.png'), '--out', out]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--out .*desc\.md already exists: choose another name, or add --force/);
    assert.equal(await fs.readFile(out, 'utf8'), 'my own notes');
    assert.equal(server.requests.length, 1, 'the refusal came before any request');

    const forced = await cli([image('ui.png'), '--out', out, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(await fs.readFile(out, 'utf8'), /^# Description of ui\.png/);
  });

  it('exits 0 with a warning on stderr when the text was cut', async () => {
    const r = await cli([image('ui.png'), '--max-tokens', '4']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /warning: The description was cut short at the output limit \(4 tokens\)/);
    assert.match(r.stdout, /> \*\*Warning:\*\* The description was cut short/);
  });

  describe('bad usage or input: exit 2, nothing sent', () => {
    const cases: [string, string[], Record<string, string | undefined>, RegExp][] = [
      ['--auth key without a key', ['--auth', 'key', image('ui.png')], { AZURE_OPENAI_API_KEY: undefined }, /--auth key needs the environment variable AZURE_OPENAI_API_KEY/],
      ['--auth with another value', ['--auth', 'password', image('ui.png')], {}, /--auth must be key or entra/],
      ['no endpoint', [image('ui.png')], { AZURE_OPENAI_ENDPOINT: undefined }, /No endpoint is set/],
      ['no deployment', [image('ui.png')], { AZURE_OPENAI_DEPLOYMENT: undefined }, /No deployment is set/],
      ['no image', [], {}, /no image given/],
      ['unknown flag', ['--colour', image('ui.png')], {}, /^describe-image: unknown flag --colour\. Run describe-image --help for usage\.\n$/],
      ['key as a flag', ['--api-key', 'abc', image('ui.png')], {}, /there is no --api-key flag/],
      ['missing file', [image('nope.png')], {}, /nope\.png: no such file/],
      ['empty file', [image('empty.png')], {}, /empty\.png is empty/],
      ['not an image', [image('not-an-image.png')], {}, /not-an-image\.png is not an image/],
      ['unsupported type with --no-resize', [image('tiny.bmp'), '--no-resize'], {}, /tiny\.bmp is a BMP image/],
      ['more than 10', Array.from({ length: 11 }, () => image('ui.png')), {}, /11 images given; the service takes at most 10/],
      ['bad detail', ['--detail', 'max', image('ui.png')], {}, /Detail must be low, high or auto/],
      ['plain http to a remote host', ['--endpoint', 'http://example.com', image('ui.png')], {}, /Refusing to send a key or token over plain http to example\.com/],
    ];
    for (const [name, args, env, words] of cases) {
      it(name, async () => {
        const r = await cli(args, env);
        assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
        assert.match(r.stderr, words);
        assert.equal(r.stdout, '');
        assert.equal(server.requests.length, 0);
      });
    }
  });

  describe('service failures: exit 1 with the message', () => {
    it('wrong key', async () => {
      const r = await cli([image('ui.png')], { AZURE_OPENAI_API_KEY: 'not-the-key-42' });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /The API key was refused \(401\)/);
      assert.ok(!r.stderr.includes('not-the-key-42'));
    });
    it('deployment not found', async () => {
      const r = await cli([image('ui.png'), '--deployment', 'gpt-5-missing']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /The deployment "gpt-5-missing" was not found/);
    });
    it('deployment without image input', async () => {
      const r = await cli([image('ui.png'), '--deployment', 'text-only']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /does not take images/);
    });
    it('429', async () => {
      server.script.push({ status: 429, headers: { 'content-type': 'application/json', 'retry-after-ms': '2500' }, body: { error: { code: '429', message: 'Rate limit is exceeded.' } } });
      const r = await cli([image('ui.png'), '--retries', '0']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Too many requests \(429\).*wait 3 s/);
    });
  });

  describe('streaming', () => {
    it('--stream prints the title, the text as it arrives, then the footer', async () => {
      const r = await cli([image('ui.png'), '--stream']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(server.requests[0]?.body?.['stream'], true);
      assert.match(r.stdout, /^# Description of ui\.png\n\n!\[ui\.png\]\([^)]+\)\n\nThe fake model saw 1 image\(s\): image 1 is a 160x100 image\/png of 970 bytes\. It was asked: "Describe this image in detail\."\.\n\n---\n/);
      assert.match(r.stdout, /\*\*Token usage:\*\* \d+ prompt \+ \d+ completion = \d+ total/);
    });

    it('--stream into a pipe shows a paragraph as it arrives, not when its line ends', { timeout: 20_000 }, async () => {
      // The answer stops mid-paragraph (no line break yet) and the server goes silent: the words must already be out.
      server.script.push({ sse: streamEvents('gpt-4o', 'Words of a long paragraph that has no line break yet', 'stop', undefined).slice(0, 8), afterSse: 'stall' });
      const child = spawn(process.execPath, ['--require', networkGuard, cliPath, image('ui.png'), '--stream', '--idle-timeout', '60'], {
        env: { PATH: process.env['PATH'] ?? '', AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', AZURE_OPENAI_API_KEY: server.key, NETWORK_GUARD_LOG: box.guardLog },
        cwd: box.dir,
      });
      let stdout = '';
      const seen = new Promise<void>((resolve) =>
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (/Words of a long/.test(stdout)) resolve();
        }),
      );
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      await seen;
      assert.doesNotMatch(stdout, /\n\n---\n/, 'the answer is still open');
      child.kill('SIGINT');
      assert.equal(await closed, 130);
      assert.match(stdout, /Words of a long[\s\S]*\*\*Cancelled:\*\*/);
    });

    it('a stream that breaks keeps the text, marks it incomplete, exits 1', async () => {
      server.script.push({ sse: streamEvents('gpt-4o', 'Part of an answer that never ends', 'stop', undefined).slice(0, 5), afterSse: 'reset' });
      const r = await cli([image('ui.png'), '--stream']);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /Part of an \n\n> \*\*Incomplete:\*\* The connection to 127\.0\.0\.1:\d+ broke in the middle of the answer/);
      assert.match(r.stderr, /broke in the middle of the answer.*kept, marked incomplete/);
    });

    it('with --out, the incomplete text is written there, marked', async () => {
      server.script.push({ sse: streamEvents('gpt-4o', 'Words that arrive before the stall', 'stop', undefined).slice(0, 5), afterSse: 'stall' });
      const out = path.join(box.dir, 'partial.md');
      const r = await cli([image('ui.png'), '--stream', '--out', out, '--idle-timeout', '0.5']);
      assert.equal(r.code, 1);
      const written = await fs.readFile(out, 'utf8');
      assert.match(written, /^# Description of ui\.png[\s\S]*Words that arrive\n\n> \*\*Incomplete:\*\* The answer from 127\.0\.0\.1:\d+ stopped: nothing arrived for 500 ms/);
    });

    it('says when it waits to retry after a 429', async () => {
      server.script.push({ status: 429, headers: { 'content-type': 'application/json', 'retry-after-ms': '1200' }, body: { error: { code: '429', message: 'Rate limit is exceeded.' } } });
      const r = await cli([image('ui.png')]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Too many requests \(429\).* Retrying in 2 s \(attempt 2 of 7\)/);
    });
  });

  it('prints help', async () => {
    const r = await cli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: describe-image \[options\] <image\.\.\.>/);
    assert.match(r.stdout, /AZURE_OPENAI_API_KEY/);
  });
});
