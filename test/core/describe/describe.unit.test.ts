/**
 * The describe engine against the Azure-like server on 127.0.0.1: the request that arrives, every answer the service
 * can give, and the words the user sees for each error.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ChatClient, InMemoryTokenParamMemory } from '../../../src/core/net';
import { nodeTransport } from '../../../src/core/nodeHttp';
import { describeImages } from '../../../src/core/describe';
import { DescribeError, type ErrorCode } from '../../../src/core/base';
import { resolveSettings, type RawSettings } from '../../../src/core/base';
import { AzureLikeServer, CONTENT_FILTER_TRIGGER } from '../../support/azureServer';
import { image } from '../../support/paths';
import { apiKeyCredential } from '../../../src/core/net';

const server = new AzureLikeServer();
before(() => server.start());
after(() => server.stop());
beforeEach(() => server.reset());

const settings = (raw: RawSettings = {}) => resolveSettings({ endpoint: server.url, deployment: 'gpt-4o', ...raw });

async function failsWith(p: Promise<unknown>, code: ErrorCode, words: RegExp): Promise<DescribeError> {
  let caught: DescribeError | undefined;
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DescribeError, `expected DescribeError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, words);
    assert.ok(!e.message.includes(server.key), 'the key must not appear in a message');
    caught = e;
    return true;
  });
  return caught as DescribeError;
}

async function fails(p: Promise<unknown>, code: ErrorCode, words: RegExp): Promise<void> {
  await failsWith(p, code, words);
}

describe('describeImages against the Azure-like server', () => {
  it('describes a PNG: the request goes to the v1 API with the deployment as model, the key and the image bytes', async () => {
    const result = await describeImages({ settings: settings({ detail: 'high' }), credential: apiKeyCredential(server.key), sources: [image('ui.png')] });
    assert.match(result.text, /The fake model saw 1 image\(s\): image 1 is a 160x100 image\/png of 970 bytes/);
    assert.equal(result.finishReason, 'stop');
    assert.equal(result.model, 'gpt-4o-2024-08-06');
    assert.equal(result.usage?.totalTokens, (result.usage?.promptTokens ?? 0) + (result.usage?.completionTokens ?? 0));
    assert.deepEqual(result.warnings, []);
    const [req] = server.requests;
    assert.ok(req);
    assert.equal(req.path, '/openai/v1/chat/completions');
    assert.equal(req.query.get('api-version'), null, 'the v1 API takes no api-version');
    assert.equal(req.body?.['model'], 'gpt-4o');
    assert.equal(req.headers['api-key'], server.key);
    assert.equal(req.images[0]?.detail, 'high');
    assert.equal(req.body?.['max_tokens'], 1024);
    assert.equal('temperature' in (req.body ?? {}), false);
  });

  it('describes a JPEG and a mislabelled JPEG together in one request', async () => {
    const result = await describeImages({ settings: settings(), credential: apiKeyCredential(server.key), sources: [image('photo.jpg'), image('really-a-jpeg.png')] });
    assert.match(result.text, /saw 2 image\(s\)/);
    assert.equal(server.requests.length, 1);
    assert.deepEqual(server.requests[0]?.images.map((i) => i.declaredMime), ['image/jpeg', 'image/jpeg']);
    assert.match(result.warnings.join(' '), /really-a-jpeg\.png is named as image\/png but its bytes are image\/jpeg/);
  });

  it('takes the whole Target URI as the endpoint', async () => {
    const s = resolveSettings({ endpoint: server.targetUri('gpt-4o', '2024-06-01') });
    await describeImages({ settings: s, credential: apiKeyCredential(server.key), sources: [image('ui.png')] });
    assert.equal(server.requests[0]?.query.get('api-version'), '2024-06-01');
  });

  it('retries a reasoning deployment once with max_completion_tokens and remembers it', async () => {
    const memory = new InMemoryTokenParamMemory();
    const client = new ChatClient({ credential: apiKeyCredential(server.key), transport: nodeTransport(), tokenParamMemory: memory });
    try {
      const s = settings({ deployment: 'o4-mini' });
      const first = await describeImages({ settings: s, credential: apiKeyCredential(server.key), sources: [image('ui.png')], client });
      assert.equal(first.tokenParam, 'max_completion_tokens');
      assert.deepEqual(server.requests.map((r) => r.status), [400, 200]);
      assert.equal(server.requests[1]?.body?.['max_completion_tokens'], 1024);
      assert.equal('max_tokens' in (server.requests[1]?.body ?? {}), false);
      await describeImages({ settings: s, credential: apiKeyCredential(server.key), sources: [image('ui.png')], client });
      assert.deepEqual(server.requests.map((r) => r.status), [400, 200, 200], 'the second describe goes straight to max_completion_tokens');
    } finally {
      await client.close();
    }
  });

  it('does not retry a sampling parameter the reasoning model rejects, and says which', async () => {
    const memory = new InMemoryTokenParamMemory();
    memory.set(`${server.url}|o4-mini`, 'max_completion_tokens');
    const client = new ChatClient({ credential: apiKeyCredential(server.key), transport: nodeTransport(), tokenParamMemory: memory });
    await failsWith(describeImages({ settings: settings({ deployment: 'o4-mini', temperature: 0.2 }), credential: apiKeyCredential(server.key), sources: [image('ui.png')], client }), 'unsupported-parameter', /does not accept the parameter "temperature"/);
    assert.equal(server.requests.length, 1);
    await client.close();
  });

  it('reports the cut when the answer hit the output limit', async () => {
    const result = await describeImages({ settings: settings({ maxTokens: 5 }), credential: apiKeyCredential(server.key), sources: [image('ui.png')] });
    assert.equal(result.finishReason, 'length');
    assert.match(result.warnings.join(' '), /cut short at the output limit \(5 tokens\)/);
  });

  it('reads finish_reason given as an object, and completion filter results', async () => {
    server.script.push({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: {
        id: 'x',
        model: 'gpt-4',
        choices: [
          {
            index: 0,
            finish_reason: { type: 'content_filter', stop: '<|fim_suffix|>' },
            message: { role: 'assistant', content: 'Part of it.' },
            content_filter_results: { violence: { filtered: true, severity: 'high' }, hate: { filtered: false, severity: 'safe' } },
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 },
      },
    });
    const result = await describeImages({ settings: settings(), credential: apiKeyCredential(server.key), sources: [image('ui.png')] });
    assert.equal(result.finishReason, 'content_filter');
    assert.match(result.warnings.join(' '), /withheld by the content filter \(violence \(high\)\)/);
    assert.equal(result.text, 'Part of it.');
  });

  describe('errors, in the words the user sees', () => {
    // No retries here: these tests are about the words for each answer (retries have their own suite).
    const noRetry = () => ({ transport: nodeTransport(), retry: { maxThrottleRetries: 0, maxTransientRetries: 0 } });
    const run = (raw: RawSettings = {}, key = server.key, sources = [image('ui.png')]) => describeImages({ settings: settings(raw), credential: apiKeyCredential(key), sources, clientOptions: noRetry() });

    it('401 wrong key', async () => {
      const e = await failsWith(run({}, 'wrong-key-123'), 'auth', /The API key was refused \(401\): set the key of the resource at http:\/\/127\.0\.0\.1:\d+/);
      assert.deepEqual([...e.actions], ['set-key', 'configure-endpoint', 'show-log']);
    });
    it('404 deployment not found', () => fails(run({ deployment: 'nope' }), 'deployment-not-found', /The deployment "nope" was not found at .* \(404\): check the deployment name/));
    it('404 resource not found (wrong path)', () => fails(describeImages({ settings: resolveSettings({ endpoint: `${server.url}/wrong/prefix`, deployment: 'gpt-4o', apiVersion: '2024-10-21' }), credential: apiKeyCredential(server.key), sources: [image('ui.png')] }), 'not-found', /404 Resource not found: check the endpoint URL .* and the api-version \(2024-10-21\)/));
    it('api-version refused: the advice is the v1 API or a version the model accepts', async () => {
      server.script.push({ status: 400, headers: { 'content-type': 'application/json' }, body: { error: { code: 'BadRequest', message: 'API version not supported' } } });
      await failsWith(run({ apiVersion: '2024-10-21' }), 'api-version', /did not accept api-version 2024-10-21: leave the api-version empty to use the v1 API \(it needs none\), or use a newer api-version such as 2025-04-01-preview/);
    });
    it('a reasoning deployment on an old api-version: the advice names the version it needs, never the one that failed', async () => {
      const e = await failsWith(run({ deployment: 'o4-mini', apiVersion: '2024-10-21' }), 'api-version', /did not accept api-version 2024-10-21: leave the api-version empty to use the v1 API \(it needs none\), or use api-version 2024-12-01-preview or later/);
      assert.doesNotMatch(e.message, /e\.g\. 2024-10-21/);
    });
    it('400 content filter names the categories and severities', () => fails(describeImages({ settings: settings({ userPrompt: `Describe ${CONTENT_FILTER_TRIGGER}` }), credential: apiKeyCredential(server.key), sources: [image('ui.png')] }), 'content-filter', /blocked by the content filter \(violence \(medium\)\)/));
    it('400 deployment takes no images', () => fails(run({ deployment: 'text-only' }), 'no-image-support', /The deployment "text-only" does not take images: deploy a vision-capable model/));
    it('400 image rejected by the service', async () => {
      server.script.push({ status: 400, headers: { 'content-type': 'application/json' }, body: { error: { code: 'BadRequest', message: 'The image size must be greater than zero and cannot exceed 20971520 bytes.' } } });
      await failsWith(run(), 'image-rejected', /The service refused an image\. The service said: "The image size must be greater than zero/);
    });
    it('429 too many requests with retry-after', async () => {
      server.script.push({ status: 429, headers: { 'content-type': 'application/json', 'retry-after': '7' }, body: { error: { code: '429', message: 'Requests to the ChatCompletions_Create Operation have exceeded call rate limit.' } } });
      const e = await failsWith(run(), 'rate-limited', /Too many requests \(429\).*wait 7 s/);
      assert.equal(e.retryAfterMs, 7000);
    });
    it('500 server error', async () => {
      server.script.push({ status: 500, headers: { 'content-type': 'application/json' }, body: { error: { code: 'InternalServerError', message: 'The server had an error while processing your request.' } } });
      await failsWith(run(), 'server', /The service failed with 500: try again in a moment/);
    });
    it('403 forbidden', async () => {
      server.script.push({ status: 403, headers: { 'content-type': 'application/json' }, body: { error: { code: '403', message: 'Public access is disabled. Please configure private endpoint.' } } });
      await failsWith(run(), 'forbidden', /forbidden \(403\).*Public access is disabled/);
    });
    it('network failure', async () => {
      const closed = new AzureLikeServer();
      const url = await closed.start();
      await closed.stop();
      await failsWith(describeImages({ settings: resolveSettings({ endpoint: url, deployment: 'gpt-4o' }), credential: apiKeyCredential('k-123456'), sources: [image('ui.png')] }), 'network', /refused the connection/);
    });
    it('timeout', async () => {
      server.script.push({ delayMs: 1500, status: 200, body: '{}' });
      await failsWith(describeImages({ settings: settings(), credential: apiKeyCredential(server.key), sources: [image('ui.png')], clientOptions: { transport: nodeTransport(), timeoutMs: 300 } }), 'timeout', /No answer from 127\.0\.0\.1:\d+ within 300 ms/);
    });
    it('cancel aborts the request', async () => {
      server.script.push({ delayMs: 5000, status: 200, body: '{}' });
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), 100);
      await failsWith(describeImages({ settings: settings(), credential: apiKeyCredential(server.key), sources: [image('ui.png')], signal: controller.signal }), 'cancelled', /Cancelled/);
      assert.ok(Date.now() - started < 3000, 'cancel must not wait for the answer');
    });
    it('an HTML page instead of JSON', async () => {
      server.script.push({ status: 200, body: '<!DOCTYPE html><html><head><title>Proxy Authentication Required</title></head><body>…</body></html>' });
      await failsWith(run(), 'bad-response', /HTML page instead of JSON .*Proxy Authentication Required/);
    });
    it('a body that is not JSON', async () => {
      server.script.push({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"choices": [' });
      await failsWith(run(), 'bad-response', /not valid JSON/);
    });
    it('a redirect is not followed with the key', async () => {
      server.script.push({ status: 307, headers: { location: 'http://127.0.0.2:1/elsewhere' }, body: '' });
      await failsWith(run(), 'config', /redirect \(307\) to http:\/\/127\.0\.0\.2:1\/elsewhere; it is not followed with the credential/);
      assert.equal(server.requests.length, 1);
    });
    it('the key echoed in an error body is redacted', async () => {
      server.script.push({ status: 400, headers: { 'content-type': 'application/json' }, body: { error: { code: 'BadRequest', message: `Bad header api-key: ${server.key}` } } });
      const e = await failsWith(run(), 'bad-request', /Bad header api-key: \[REDACTED\]/);
      assert.ok(!e.serviceMessage?.includes(server.key));
    });
  });

  describe('refused before any request', () => {
    const none = async (p: Promise<unknown>, code: ErrorCode, words: RegExp) => {
      await failsWith(p, code, words);
      assert.equal(server.requests.length, 0, 'nothing may be sent');
    };
    it('no key', () => none(describeImages({ settings: settings(), credential: apiKeyCredential(''), sources: [image('ui.png')] }), 'missing-key', /No API key is set/));
    it('plain http to a host that is not loopback', () => none(describeImages({ settings: resolveSettings({ endpoint: 'http://example.com', deployment: 'd' }), credential: apiKeyCredential('k-123456'), sources: [image('ui.png')] }), 'insecure-endpoint', /plain http to example\.com/));
    it('bad images', () => none(describeImages({ settings: settings(), credential: apiKeyCredential(server.key), sources: [image('ui.png'), image('not-an-image.png')] }), 'bad-input', /not-an-image\.png is not an image/));
  });
});
