import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildChatBody, chatCompletionsUrl, supportsStreamUsage } from '../../../src/core/net';
import { resolveSettings } from '../../../src/core/base';

const base = { endpoint: 'https://res.openai.azure.com', deployment: 'gpt-4o', systemPrompt: 'You are a helpful assistant.', userPrompt: 'Describe this picture:' };

describe('request', () => {
  it('builds the exact body of the seed: system message, user text part, one image_url part per image, max_tokens', () => {
    const s = resolveSettings({ ...base, maxTokens: 100, apiVersion: '2024-10-21' });
    const body = buildChatBody(s, [{ url: 'data:image/png;base64,AAAA' }, { url: 'https://example.com/a.jpg' }], { tokenParam: 'max_tokens', stream: false });
    assert.deepEqual(body, {
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe this picture:' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            { type: 'image_url', image_url: { url: 'https://example.com/a.jpg' } },
          ],
        },
      ],
      stream: false,
      max_tokens: 100,
    });
  });

  it('adds detail only when set, sampling only when set, and the other token parameter when asked', () => {
    const s = resolveSettings({ ...base, detail: 'low', temperature: 0.5 });
    const body = buildChatBody(s, [{ url: 'data:image/png;base64,AAAA' }], { tokenParam: 'max_completion_tokens', stream: false });
    assert.deepEqual(body.messages[1].content[1], { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } });
    assert.equal(body.max_tokens, undefined);
    assert.equal(body.max_completion_tokens, 1024);
    assert.equal(body.temperature, 0.5);
    assert.equal('top_p' in body, false);
  });

  it('asks for usage in streams only where the api-version supports it', () => {
    const newer = resolveSettings({ ...base, apiVersion: '2024-10-21' });
    const older = resolveSettings({ ...base, apiVersion: '2024-02-15-preview' });
    assert.equal(supportsStreamUsage(newer), true);
    assert.equal(supportsStreamUsage(older), false);
    assert.deepEqual(buildChatBody(newer, [], { tokenParam: 'max_tokens', stream: true }).stream_options, { include_usage: true });
    assert.equal(buildChatBody(older, [], { tokenParam: 'max_tokens', stream: true }).stream_options, undefined);
  });

  it('builds the v1 URL by default, and the deployments URL when an api-version is given', () => {
    assert.equal(chatCompletionsUrl(resolveSettings({ ...base, deployment: 'my.dep' })), 'https://res.openai.azure.com/openai/v1/chat/completions');
    assert.equal(chatCompletionsUrl(resolveSettings({ ...base, deployment: 'my.dep', apiVersion: '2024-10-21' })), 'https://res.openai.azure.com/openai/deployments/my.dep/chat/completions?api-version=2024-10-21');
    for (const host of ['res.cognitiveservices.azure.com', 'res.services.ai.azure.com']) {
      assert.equal(chatCompletionsUrl(resolveSettings({ ...base, endpoint: `https://${host}` })), `https://${host}/openai/v1/chat/completions`);
    }
    const v1 = resolveSettings({ ...base, endpoint: 'https://res.openai.azure.com/openai/v1/' });
    assert.equal(chatCompletionsUrl(v1), 'https://res.openai.azure.com/openai/v1/chat/completions');
    assert.equal(buildChatBody(v1, [], { tokenParam: 'max_tokens', stream: false }).model, 'gpt-4o');
  });
});
