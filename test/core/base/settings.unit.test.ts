import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DescribeError } from '../../../src/core/base';
import { chatCompletionsUrl } from '../../../src/core/net';
import { assertSecureEndpoint, isLoopbackHost, parseEndpoint, resolveSettings } from '../../../src/core/base';

function throwsCode(fn: () => unknown, code: string, words: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DescribeError, `expected DescribeError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, words);
    return true;
  });
}

describe('parseEndpoint', () => {
  it('takes a resource endpoint with or without a trailing slash', () => {
    assert.deepEqual(parseEndpoint('https://res.openai.azure.com/'), { endpoint: 'https://res.openai.azure.com', apiStyle: 'deployments' });
    assert.deepEqual(parseEndpoint('  https://res.openai.azure.com  '), { endpoint: 'https://res.openai.azure.com', apiStyle: 'deployments' });
  });

  it('splits the portal Target URI into endpoint, deployment and api-version', () => {
    assert.deepEqual(parseEndpoint('https://res.cognitiveservices.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2025-01-01-preview'), {
      endpoint: 'https://res.cognitiveservices.azure.com',
      deployment: 'gpt-4o',
      apiVersion: '2025-01-01-preview',
      apiStyle: 'deployments',
    });
  });

  it('recognises the v1 API and keeps a gateway path prefix', () => {
    assert.deepEqual(parseEndpoint('https://res.services.ai.azure.com/openai/v1/chat/completions'), { endpoint: 'https://res.services.ai.azure.com', apiStyle: 'v1' });
    assert.deepEqual(parseEndpoint('https://gw.example.com/team-a/openai/deployments/vision/chat/completions'), {
      endpoint: 'https://gw.example.com/team-a',
      deployment: 'vision',
      apiStyle: 'deployments',
    });
  });

  it('adds https:// to a bare host name', () => {
    assert.equal(parseEndpoint('res.openai.azure.com').endpoint, 'https://res.openai.azure.com');
  });

  it('refuses what is no http(s) URL, and credentials in the URL', () => {
    throwsCode(() => parseEndpoint(''), 'config', /No endpoint is set/);
    throwsCode(() => parseEndpoint('ftp://res.example.com'), 'config', /must start with https/);
    throwsCode(() => parseEndpoint('https://user:pw@res.example.com'), 'config', /user name or password/);
    throwsCode(() => parseEndpoint('http://[bad'), 'config', /is not a URL/);
  });
});

describe('resolveSettings', () => {
  it('uses the v1 API by default (no api-version) and takes the deployment from a Target URI', () => {
    const s = resolveSettings({ endpoint: 'https://r.openai.azure.com/openai/deployments/gpt-4o/chat/completions' });
    assert.equal(s.apiVersion, '');
    assert.equal(s.apiStyle, 'v1');
    assert.equal(chatCompletionsUrl(s), 'https://r.openai.azure.com/openai/v1/chat/completions');
    assert.equal(s.deployment, 'gpt-4o');
    assert.equal(s.detail, undefined);
    assert.equal(s.temperature, undefined);
    assert.equal(s.maxTokens, 1024);
  });

  it('lets explicit values win over the Target URI', () => {
    const s = resolveSettings({ endpoint: 'https://r.openai.azure.com/openai/deployments/a/chat/completions?api-version=2024-02-15-preview', deployment: 'b', apiVersion: '2024-10-21' });
    assert.equal(s.deployment, 'b');
    assert.equal(s.apiVersion, '2024-10-21');
  });

  it('names the first problem', () => {
    throwsCode(() => resolveSettings({ endpoint: 'https://r.openai.azure.com' }), 'config', /No deployment is set/);
    throwsCode(() => resolveSettings({ endpoint: 'https://r.openai.azure.com', deployment: 'my deployment' }), 'config', /contains spaces/);
    throwsCode(() => resolveSettings({ endpoint: 'https://r.openai.azure.com', deployment: 'd', apiVersion: 'latest' }), 'api-version', /YYYY-MM-DD/);
    throwsCode(() => resolveSettings({ endpoint: 'https://r.openai.azure.com', deployment: 'd', detail: 'ultra' }), 'config', /low, high or auto/);
    throwsCode(() => resolveSettings({ endpoint: 'https://r.openai.azure.com', deployment: 'd', maxTokens: '0' }), 'config', /whole number/);
    throwsCode(() => resolveSettings({ endpoint: 'https://r.openai.azure.com', deployment: 'd', maxTokens: 'many' }), 'config', /whole number/);
    throwsCode(() => resolveSettings({ endpoint: 'https://r.openai.azure.com', deployment: 'd', temperature: 3 }), 'config', /Temperature/);
  });

  it('keeps sampling parameters only when set', () => {
    const s = resolveSettings({ endpoint: 'https://r.openai.azure.com', deployment: 'd', temperature: '0.2', topP: 0.9, detail: 'HIGH' });
    assert.equal(s.temperature, 0.2);
    assert.equal(s.topP, 0.9);
    assert.equal(s.detail, 'high');
  });
});

describe('plain http', () => {
  it('is allowed only to loopback hosts', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1', 'foo.localhost']) assert.ok(isLoopbackHost(h), h);
    for (const h of ['example.com', '10.0.0.1', '192.168.1.1', '128.0.0.1', 'localhost.example.com']) assert.ok(!isLoopbackHost(h), h);
    assert.doesNotThrow(() => assertSecureEndpoint('http://127.0.0.1:8080'));
    assert.doesNotThrow(() => assertSecureEndpoint('https://res.openai.azure.com'));
    throwsCode(() => assertSecureEndpoint('http://res.openai.azure.com'), 'insecure-endpoint', /Refusing to send a key or token over plain http to res\.openai\.azure\.com/);
  });
});
