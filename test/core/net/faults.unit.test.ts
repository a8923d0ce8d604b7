/**
 * The fault suite: every way the service or the network can misbehave, against the Azure-like server, checking the
 * words the user gets, that nothing received is lost, that retries wait as asked, and that the key appears nowhere.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ChatClient, type ClientOptions } from '../../../src/core/net';
import { describeImages, type DescribeEvent } from '../../../src/core/describe';
import { DescribeError, type ErrorCode } from '../../../src/core/base';
import { createDispatcher, nodeTransport, undiciTransport } from '../../../src/core/nodeHttp';
import type { Logger } from '../../../src/core/base';
import { resolveSettings } from '../../../src/core/base';
import { AzureLikeServer, streamEvents } from '../../support/azureServer';
import { image } from '../../support/paths';
import { startConnectProxy, type TestProxy } from '../../support/proxy';
import { apiKeyCredential } from '../../../src/core/net';
import { OpenAiLikeServer } from '../../support/openaiServer';

const server = new AzureLikeServer();
const logLines: string[] = [];
const userWords: string[] = [];
const logger: Logger = {
  trace: (m) => logLines.push(m),
  debug: (m) => logLines.push(m),
  info: (m) => logLines.push(m),
  warn: (m) => logLines.push(m),
  error: (m) => logLines.push(m),
};

before(() => server.start());
after(async () => {
  await server.stop();
});
beforeEach(() => server.reset());

const settings = () => resolveSettings({ endpoint: server.url, deployment: 'gpt-4o' });
const json = { 'content-type': 'application/json' };
const throttle = (headers: Record<string, string>) => ({ status: 429, headers: { ...json, ...headers }, body: { error: { code: '429', message: 'Requests to the ChatCompletions_Create Operation have exceeded call rate limit.' } } });
const failure = (status: number) => ({ status, headers: json, body: { error: { code: 'ServerError', message: `Failure ${status}` } } });

function run(options: { stream?: boolean; signal?: AbortSignal; client?: Partial<ClientOptions> } = {}) {
  const events: DescribeEvent[] = [];
  const promise = describeImages({
    settings: settings(),
    credential: apiKeyCredential(server.key),
    sources: [image('ui.png')],
    stream: options.stream ?? true,
    signal: options.signal,
    clientOptions: { transport: nodeTransport(), logger, random: () => 0, ...options.client },
    onEvent: (e) => events.push(e),
  });
  return { promise, events };
}

async function failsWith(p: Promise<unknown>, code: ErrorCode, words: RegExp): Promise<DescribeError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DescribeError, String(e));
    userWords.push(e.message, e.serviceMessage ?? '');
    assert.equal(e.code, code, e.message);
    assert.match(e.message, words);
    return e;
  }
  assert.fail('expected a failure');
}

const textOf = (events: DescribeEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join('');

describe('faults', () => {
  it('429 then success: retry-after-ms is honoured, and the wait is announced', async () => {
    server.script.push(throttle({ 'retry-after-ms': '400', 'retry-after': '30' }));
    const started = Date.now();
    const { promise, events } = run();
    const result = await promise;
    const waited = Date.now() - started;
    assert.ok(waited >= 400, `waited ${waited} ms`);
    assert.ok(waited < 5000, `waited ${waited} ms: retry-after-ms wins over retry-after`);
    assert.equal(result.attempts, 2);
    assert.match(result.text, /The fake model saw 1 image/);
    const wait = events.find((e) => e.type === 'waiting');
    assert.ok(wait && wait.type === 'waiting');
    assert.equal(wait.ms, 400);
    assert.match(wait.reason, /Too many requests \(429\)/);
  });

  it('429 with x-ms-retry-after-ms, then retry-after in seconds', async () => {
    server.script.push(throttle({ 'x-ms-retry-after-ms': '250' }), throttle({ 'retry-after': '1' }));
    const started = Date.now();
    const { promise, events } = run();
    const result = await promise;
    assert.equal(result.attempts, 3);
    assert.deepEqual(events.flatMap((e) => (e.type === 'waiting' ? [e.ms] : [])), [250, 1000]);
    assert.ok(Date.now() - started >= 1250);
  });

  it('503 twice then success', async () => {
    server.script.push(failure(503), failure(503));
    const result = await run({ client: { retry: { baseDelayMs: 50 } } }).promise;
    assert.equal(result.attempts, 3);
    assert.deepEqual(server.requests.map((r) => r.status), [503, 503, 200]);
  });

  it('500 once then success', async () => {
    server.script.push(failure(500));
    const result = await run({ client: { retry: { baseDelayMs: 50 } } }).promise;
    assert.equal(result.attempts, 2);
  });

  it('gives up after the retry limit with the last error', async () => {
    for (let i = 0; i < 5; i++) server.script.push(failure(502));
    await failsWith(run({ client: { retry: { baseDelayMs: 20 } } }).promise, 'server', /The service failed with 502: try again in a moment/);
    assert.equal(server.requests.length, 3, '1 try + 2 retries for 5xx');
  });

  it('never retries 400, 401, 403 or 404', async () => {
    for (const [status, code] of [[400, 'bad-request'], [401, 'auth'], [403, 'forbidden'], [404, 'not-found']] as const) {
      server.requests.length = 0;
      server.script.push({ status, headers: json, body: { error: { code: String(status), message: 'No.' } } });
      await failsWith(run().promise, code, /./);
      assert.equal(server.requests.length, 1, `${status} is not retried`);
    }
  });

  it('a connection reset before the first byte is retried', async () => {
    server.script.push({ fault: 'reset' });
    const result = await run({ client: { retry: { baseDelayMs: 20 } } }).promise;
    assert.equal(result.attempts, 2);
    assert.match(result.text, /The fake model saw/);
  });

  it('a reset in the middle of the stream keeps the text so far, marked incomplete, and is not resent', async () => {
    server.script.push({ sse: streamEvents('gpt-4o', 'The window shows a login form with two fields', 'stop', undefined).slice(0, 7), afterSse: 'reset' });
    const { promise, events } = run();
    const e = await failsWith(promise, 'network', /broke in the middle of the answer.*The 25 characters received so far are kept, marked incomplete/);
    assert.equal(e.partialText, 'The window shows a login ');
    assert.equal(textOf(events), e.partialText, 'what the user saw is what is kept');
    assert.equal(server.requests.length, 1);
    assert.ok(e.actions.includes('retry'));
  });

  it('a stall in the middle of the stream hits the silence timeout and keeps the text', async () => {
    server.script.push({ sse: streamEvents('gpt-4o', 'Half of the answer and then', 'stop', undefined).slice(0, 5), afterSse: 'stall' });
    const started = Date.now();
    const e = await failsWith(run({ client: { idleTimeoutMs: 400 } }).promise, 'timeout', /stopped: nothing arrived for 400 ms\. The \d+ characters received so far are kept/);
    assert.equal(e.partialText, 'Half of the ');
    assert.ok(Date.now() - started < 5000);
  });

  it('no answer at all within the first-byte timeout', async () => {
    server.script.push({ delayMs: 2000, status: 200, body: '{}' });
    await failsWith(run({ client: { timeoutMs: 300 } }).promise, 'timeout', /No answer from 127\.0\.0\.1:\d+ within 300 ms/);
  });

  it('a malformed JSON body', async () => {
    server.script.push({ status: 200, headers: json, body: '{"id": "x", "choices": [{"message": ' });
    await failsWith(run({ stream: false }).promise, 'bad-response', /not valid JSON/);
  });

  it('a malformed SSE event keeps the text before it', async () => {
    const events = streamEvents('gpt-4o', 'Good start but', 'stop', undefined);
    server.script.push({ sse: [...events.slice(0, 4), 'data: {"choices":[{"delta":{"content":"x"\n\n', ...events.slice(4)] });
    const e = await failsWith(run().promise, 'bad-response', /event that is not JSON.*kept, marked incomplete/);
    assert.equal(e.partialText, 'Good start ');
  });

  it('200 with an HTML page from a proxy', async () => {
    server.script.push({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html><head><title>Access Denied by Corporate Proxy</title></head><body>blocked</body></html>' });
    await failsWith(run().promise, 'bad-response', /HTML page instead of JSON .*Access Denied by Corporate Proxy/);
  });

  it('a server that echoes the key in its error body gets it redacted', async () => {
    server.script.push({ status: 400, headers: json, body: { error: { code: 'BadRequest', message: `Invalid header api-key=${server.key} (base64 ${Buffer.from(server.key).toString('base64')})` } } });
    const e = await failsWith(run().promise, 'bad-request', /api-key=\[REDACTED\] \(base64 \[REDACTED\]\)/);
    assert.ok(!JSON.stringify({ m: e.message, s: e.serviceMessage }).includes(server.key));
  });

  it('cancel during the wait ends it at once', async () => {
    server.script.push(throttle({ 'retry-after-ms': '20000' }));
    const controller = new AbortController();
    const { promise, events } = run({ signal: controller.signal });
    const started = Date.now();
    const timer = setInterval(() => events.some((e) => e.type === 'waiting') && controller.abort(), 20);
    await failsWith(promise, 'cancelled', /Cancelled/);
    clearInterval(timer);
    assert.ok(Date.now() - started < 3000, 'the 20 s wait was cut short');
    assert.equal(server.requests.length, 1);
  });

  it('cancel during the stream keeps what came', async () => {
    server.script.push({ sse: streamEvents('gpt-4o', 'one two three four five six seven eight nine ten', 'stop', undefined), chunkDelayMs: 150 });
    const controller = new AbortController();
    const { promise, events } = run({ signal: controller.signal });
    const timer = setInterval(() => textOf(events).length > 0 && controller.abort(), 10);
    const e = await failsWith(promise, 'cancelled', /Cancelled; the text received so far is kept/);
    clearInterval(timer);
    assert.ok(e.partialText && e.partialText.length > 0);
    assert.ok(!e.partialText.includes('ten'), 'stopped before the end');
    assert.equal(textOf(events), e.partialText);
  });

  it('streams the normal answer as it is written', async () => {
    const { promise, events } = run();
    const result = await promise;
    assert.ok(events.filter((e) => e.type === 'text').length > 5);
    assert.equal(textOf(events), result.text);
    assert.equal(result.finishReason, 'stop');
    assert.ok(result.usage?.totalTokens, 'include_usage gives usage at the end of the stream');
    assert.deepEqual(server.requests[0]?.body?.['stream_options'], { include_usage: true });
  });

  it('never shows the key in any log line or message of this suite', () => {
    assert.ok(logLines.length > 20, `${logLines.length} log lines were written`);
    const everything = [...logLines, ...userWords].join('\n');
    assert.ok(!everything.includes(server.key));
    assert.ok(!everything.includes(Buffer.from(server.key).toString('base64')));
  });
});

describe('proxy', () => {
  // A model server only the proxy can reach, by a name only it resolves (no key needed: a plain-http server).
  const models = new OpenAiLikeServer({ models: ['llava'] });
  let proxy: TestProxy;
  let port = '';
  const behindProxy = () => resolveSettings({ provider: 'openai', baseUrl: `http://models.corp.test:${port}/v1`, model: 'llava' });
  before(async () => {
    await models.start();
    port = new URL(models.url).port;
    proxy = await startConnectProxy({ hosts: { 'models.corp.test': '127.0.0.1' } });
  });
  after(async () => {
    await proxy.close();
    await models.stop();
  });
  beforeEach(() => {
    proxy.tunnels.length = 0;
    models.requests.length = 0;
  });

  it('sends requests through the configured proxy, with a dispatcher passed per client', async () => {
    const dispatcher = createDispatcher({ proxy: proxy.url });
    const client = new ChatClient({ credential: { kind: 'none' }, transport: undiciTransport(dispatcher) });
    try {
      const result = await describeImages({ settings: behindProxy(), sources: [image('ui.png')], client });
      assert.match(result.text, /The model llava saw 1 image/);
      assert.deepEqual(proxy.tunnels, [`models.corp.test:${port}`]);
    } finally {
      await client.close();
      await dispatcher.close();
    }
  });

  it('bypasses the proxy for hosts in the no-proxy list (which then cannot resolve the name)', async () => {
    const dispatcher = createDispatcher({ proxy: proxy.url, noProxy: ['corp.test'] });
    const client = new ChatClient({ credential: { kind: 'none' }, transport: undiciTransport(dispatcher), retry: { maxTransientRetries: 0 } });
    try {
      await failsWith(describeImages({ settings: behindProxy(), sources: [image('ui.png')], client }), 'network', /models\.corp\.test:\d+ was not found \(DNS\)/);
      assert.equal(proxy.tunnels.length, 0);
    } finally {
      await client.close();
      await dispatcher.close();
    }
  });

  it('sends requests to this machine direct, whatever the no-proxy list says (localhost, 127.0.0.0/8, ::1)', async () => {
    const dispatcher = createDispatcher({ proxy: proxy.url });
    const client = new ChatClient({ credential: apiKeyCredential(server.key), transport: undiciTransport(dispatcher) });
    try {
      assert.match((await describeImages({ settings: settings(), sources: [image('ui.png')], client })).text, /The fake model saw/);
      assert.deepEqual(proxy.tunnels, []);
      for (const url of ['http://localhost:11434/v1', 'http://127.0.0.2:1234/v1', 'http://[::1]:8000/v1', 'http://ollama.localhost/v1']) assert.equal(dispatcher.proxyFor(url), undefined, url);
      assert.equal(dispatcher.proxyFor('http://10.0.0.5:11434/v1'), proxy.url, 'another machine on the network is not this one');
    } finally {
      await client.close();
      await dispatcher.close();
    }
  });
});

describe('which requests go through the proxy', () => {
  it('follows the no-proxy list (names, suffixes, ports, IPv6, *) and names the proxy without its credentials', async () => {
    const d = createDispatcher({ proxy: 'http://user:p%40ss@proxy.corp.example:3128', noProxy: ['.internal.example', 'api.example.com:8443', '[fd00::1]', 'exact.example'] });
    try {
      assert.equal(d.proxyFor('https://res.openai.azure.com/x'), 'http://proxy.corp.example:3128');
      assert.equal(d.proxyFor('https://a.b.internal.example/x'), undefined);
      assert.equal(d.proxyFor('https://internal.example/x'), undefined);
      assert.equal(d.proxyFor('https://api.example.com:8443/x'), undefined);
      assert.equal(d.proxyFor('https://api.example.com/x'), 'http://proxy.corp.example:3128', 'another port goes through the proxy');
      assert.equal(d.proxyFor('https://[fd00::1]:8080/x'), undefined);
      assert.equal(d.proxyFor('https://exact.example/x'), undefined);
      assert.equal(d.proxyFor('https://notexact.example/x'), 'http://proxy.corp.example:3128');
    } finally {
      await d.close();
    }
    const all = createDispatcher({ proxy: 'http://proxy.corp.example:3128', noProxy: ['*'] });
    assert.equal(all.proxyFor('https://res.openai.azure.com/x'), undefined);
    await all.close();
  });
});

describe('a request given up behind a proxy that never answers CONNECT', () => {
  let hanging: TestProxy;
  before(async () => {
    hanging = await startConnectProxy({ onConnect: 'hang' });
  });
  after(() => hanging.close());

  it('settles at its deadline naming the proxy; the requests beside it finish, later ones work, close does not wait', async () => {
    // The loopback server goes direct (no-proxy list); the resource only a proxy could reach hangs in CONNECT.
    const dispatcher = createDispatcher({ proxy: hanging.url, noProxy: ['127.0.0.1'] });
    const client = new ChatClient({ credential: apiKeyCredential(server.key), transport: undiciTransport(dispatcher), timeoutMs: 800, retry: { maxTransientRetries: 0, maxThrottleRetries: 0 } });
    const behind = resolveSettings({ endpoint: 'https://my-resource.openai.azure.test', deployment: 'gpt-4o' });
    try {
      server.script.push({ delayMs: 1500, status: 200, headers: json, body: { id: 'x', model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content: 'The slow answer.' }, finish_reason: 'stop' }] } });
      const slow = describeImages({ settings: settings(), sources: [image('ui.png')], client: new ChatClient({ credential: apiKeyCredential(server.key), transport: undiciTransport(dispatcher), timeoutMs: 5000 }) });
      const started = Date.now();
      const e = await failsWith(describeImages({ settings: behind, sources: [image('ui.png')], client }), 'timeout', /No answer from my-resource\.openai\.azure\.test \(through the proxy http:\/\/127\.0\.0\.1:\d+\) within 800 ms/);
      assert.ok(Date.now() - started < 800 + 1000, `settled after ${Date.now() - started} ms`);
      assert.equal(e.proxy, hanging.url);
      assert.equal((await slow).text, 'The slow answer.', 'a request beside the one given up is not cut');
      assert.match((await describeImages({ settings: settings(), sources: [image('ui.png')], client })).text, /The fake model saw/, 'a later request works');
    } finally {
      const closing = Date.now();
      await client.close();
      await dispatcher.close();
      assert.ok(Date.now() - closing < 1000, `close took ${Date.now() - closing} ms`);
    }
  });
});
