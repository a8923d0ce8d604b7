/**
 * The fetch transport (what the extension uses, so that VS Code's network stack carries its requests) keeps what the
 * undici transport gives: streamed text, cancel, both timeouts with the same messages, no redirect followed.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { apiKeyCredential } from '../../../src/core/net';
import { ChatClient } from '../../../src/core/net';
import { describeImages } from '../../../src/core/describe';
import { isDescribeError } from '../../../src/core/base';
import { resolveSettings } from '../../../src/core/base';
import { fetchTransport } from '../../../src/core/net';
import { AzureLikeServer, streamEvents } from '../../support/azureServer';
import { image } from '../../support/paths';

const server = new AzureLikeServer();
before(() => server.start());
after(() => server.stop());
beforeEach(() => server.reset());

const client = (options: { timeoutMs?: number; idleTimeoutMs?: number } = {}) =>
  new ChatClient({ credential: apiKeyCredential(server.key), transport: fetchTransport((input, init) => fetch(input, init)), retry: { maxThrottleRetries: 0, maxTransientRetries: 0 }, ...options });
const settings = () => resolveSettings({ endpoint: server.url, deployment: 'gpt-4o' });

async function error(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    assert.ok(isDescribeError(e), String(e));
    return e;
  }
  assert.fail('no error');
}

describe('the fetch transport', () => {
  it('describes, streamed and not', async () => {
    const pieces: string[] = [];
    const streamed = await describeImages({ settings: settings(), client: client(), sources: [image('ui.png')], stream: true, onEvent: (e) => e.type === 'text' && pieces.push(e.delta) });
    assert.match(streamed.text, /The fake model saw 1 image/);
    assert.ok(pieces.length > 5, `${pieces.length} pieces`);
    const whole = await describeImages({ settings: settings(), client: client(), sources: [image('ui.png')] });
    assert.equal(whole.text, streamed.text);
    assert.equal(server.requests[0]?.headers['api-key'], server.key);
  });

  it('gives up when no answer starts in time, or when a stream goes silent (keeping the text)', async () => {
    server.script.push({ delayMs: 600, status: 200, body: {} });
    const slow = await error(describeImages({ settings: settings(), client: client({ timeoutMs: 200 }), sources: [image('ui.png')] }));
    assert.equal(slow.code, 'timeout');
    assert.match(slow.message, /No answer from 127\.0\.0\.1:\d+ within 200 ms/);
    server.script.push({ sse: streamEvents('gpt-4o', 'Some words then silence', 'stop', undefined).slice(0, 4), afterSse: 'stall' });
    const silent = await error(describeImages({ settings: settings(), client: client({ idleTimeoutMs: 300 }), sources: [image('ui.png')], stream: true }));
    assert.equal(silent.code, 'timeout');
    assert.match(silent.message, /nothing arrived for 300 ms/);
    assert.match(silent.partialText ?? '', /Some words/);
  });

  it('cancels the request', async () => {
    server.script.push({ delayMs: 2000, status: 200, body: {} });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const e = await error(describeImages({ settings: settings(), client: client(), sources: [image('ui.png')], signal: controller.signal }));
    assert.equal(e.code, 'cancelled');
    assert.ok(Date.now() - started < 1500);
  });

  it('does not follow a redirect with the key', async () => {
    server.script.push({ status: 307, headers: { location: 'http://127.0.0.2:1/elsewhere' }, body: '' });
    const e = await error(describeImages({ settings: settings(), client: client(), sources: [image('ui.png')] }));
    assert.equal(e.code, 'config');
    assert.match(e.message, /redirect \(307\)/);
  });
});
