/** Streamed answers: Azure's quirks, and the same text whatever the chunk boundaries. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DescribeError } from '../../../src/core/base';
import { parseChatStream, StreamBroken } from '../../../src/core/net';
import { streamEvents } from '../../support/azureServer';

async function* pieces<T>(...chunks: T[]): AsyncGenerator<T> {
  for (const c of chunks) yield c;
}

const TEXT = 'A dialog titled “Café ✓” with an OK button — 日本語 text, and `<code>` in it.';
const USAGE = { prompt_tokens: 120, completion_tokens: 18, total_tokens: 138 };

describe('streamed answers', () => {
  it('folds Azure chunks into the same result as a non-streamed answer', async () => {
    const deltas: string[] = [];
    const { completion } = await parseChatStream(pieces(...streamEvents('gpt-4o-2024-08-06', TEXT, 'stop', USAGE)), { onText: (d) => deltas.push(d) });
    assert.equal(completion.content, TEXT);
    assert.equal(deltas.join(''), TEXT);
    assert.ok(deltas.length > 5, 'the text arrived in pieces');
    assert.equal(completion.finishReason, 'stop');
    assert.equal(completion.model, 'gpt-4o-2024-08-06');
    assert.deepEqual(completion.usage, { promptTokens: 120, completionTokens: 18, totalTokens: 138, reasoningTokens: undefined });
    assert.deepEqual(completion.promptFilter.map((f) => f.category).sort(), ['hate', 'self_harm', 'sexual', 'violence']);
  });

  it('gives the same text, usage and finish reason when the bytes are split at every position', async () => {
    const bytes = Buffer.from(streamEvents('m', TEXT, 'stop', USAGE).join(''), 'utf8');
    for (let i = 0; i <= bytes.length; i++) {
      const { completion } = await parseChatStream(pieces(bytes.subarray(0, i), bytes.subarray(i)));
      assert.equal(completion.content, TEXT, `split at byte ${i}`);
      assert.equal(completion.finishReason, 'stop', `split at byte ${i}`);
      assert.equal(completion.usage?.totalTokens, 138, `split at byte ${i}`);
    }
    // And one byte at a time.
    const { completion } = await parseChatStream(pieces(...[...bytes].map((b) => Uint8Array.of(b))));
    assert.equal(completion.content, TEXT);
  });

  it('handles prompt_annotations, filter-only chunks, content_filter mid-stream, CRLF and comments', async () => {
    const data = (o: unknown) => `data: ${JSON.stringify(o)}\r\n\r\n`;
    const { completion } = await parseChatStream(
      pieces(
        ': keep-alive\n\n',
        data({ id: '', choices: [], prompt_annotations: [{ prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: 'safe' } } }] }),
        data({ id: 'c1', model: 'gpt-4o', choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }] }),
        data({ id: 'c1', choices: [{ index: 0, delta: { content: 'A person ' }, finish_reason: null }] }),
        data({ id: 'c1', choices: [{ index: 0, content_filter_results: { violence: { filtered: false, severity: 'low' } } }] }),
        data({ id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'content_filter', content_filter_results: { violence: { filtered: true, severity: 'high' } } }] }),
        'data: [DONE]\r\n\r\n',
      ),
    );
    assert.equal(completion.content, 'A person ');
    assert.equal(completion.finishReason, 'content_filter');
    assert.deepEqual(completion.promptFilter, [{ category: 'hate', filtered: false, severity: 'safe', detected: undefined }]);
    assert.deepEqual(completion.completionFilter, [{ category: 'violence', filtered: true, severity: 'high', detected: undefined }]);
  });

  it('stops at [DONE] and ignores what follows', async () => {
    const events = streamEvents('m', 'Done here.', 'stop', undefined);
    const { completion } = await parseChatStream(pieces(...events, 'data: {not json\n\n'));
    assert.equal(completion.content, 'Done here.');
  });

  it('a malformed event is a bad-response that keeps the text so far', async () => {
    const events = streamEvents('m', 'First words then', 'stop', undefined);
    await assert.rejects(parseChatStream(pieces(...events.slice(0, 4), 'data: {"choices": [\n\n', ...events.slice(4))), (e: unknown) => {
      assert.ok(e instanceof DescribeError);
      assert.equal(e.code, 'bad-response');
      assert.match(e.message, /an event that is not JSON: \{"choices": \[.*The text received before it is kept, marked incomplete/);
      assert.equal(e.partialText, 'First words ');
      return true;
    });
  });

  it('an error event in the stream is reported', async () => {
    await assert.rejects(parseChatStream(pieces('data: {"error":{"message":"The server had an error while processing your request."}}\n\n')), /error in the middle of the answer: The server had an error/);
  });

  it('a body that ends before [DONE] or a finish reason is broken, with what arrived', async () => {
    const events = streamEvents('m', 'Only part of it', 'stop', undefined);
    await assert.rejects(parseChatStream(pieces(...events.slice(0, 4))), (e: unknown) => {
      assert.ok(e instanceof StreamBroken);
      assert.equal(e.accumulator.text, 'Only part ');
      return true;
    });
  });
});
