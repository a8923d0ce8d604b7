/** Streamed answers: Azure's quirks, and the same text whatever the chunk boundaries. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DescribeError, redact, REDACTED, StreamRedactor } from '../../../src/core/base';
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

describe('secrets in streamed text', () => {
  const KEY = 'k3y-0f-the-resource-9f8e7d6c';
  const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.a-token';
  const secrets = [KEY, TOKEN];
  const text = `Before ${KEY} middle ${encodeURIComponent(TOKEN)} and ${Buffer.from(KEY).toString('base64')}, the end: ${KEY}`;

  it('removes a secret however the text is cut, and loses nothing else', () => {
    for (let a = 1; a < text.length; a++) {
      for (const size of [1, 2, 3]) {
        const r = new StreamRedactor(() => secrets);
        const outs: string[] = [r.push(text.slice(0, a))];
        for (let at = a; at < text.length; at += size) outs.push(r.push(text.slice(at, at + size)));
        outs.push(r.end());
        for (const out of outs) {
          for (const s of [KEY, TOKEN]) {
            // No piece written shows a secret, nor more than its first half.
            assert.ok(!out.includes(s.slice(0, Math.ceil(s.length / 2))), `cut at ${a}, pieces of ${size}: ${JSON.stringify(out)}`);
          }
        }
        assert.equal(outs.join(''), redact(text, secrets), `cut at ${a}, pieces of ${size}`);
      }
    }
  });

  it('holds back only an end that could begin a secret, and releases it at the end', () => {
    const r = new StreamRedactor(() => [KEY]);
    assert.equal(r.push('x'.repeat(100)), 'x'.repeat(100), 'nothing that could begin the key waits');
    assert.equal(r.push(`words then ${KEY.slice(0, 7)}`), 'words then ', 'the start of the key waits');
    assert.equal(r.push(' was not it'), `${KEY.slice(0, 7)} was not it`);
    assert.equal(r.push(`and ${Buffer.from(KEY).toString('base64').slice(0, 9)}`), 'and ', 'so does the start of its base64 form');
    assert.equal(r.end(), Buffer.from(KEY).toString('base64').slice(0, 9), 'the end releases what waits');
    const none = new StreamRedactor(() => []);
    assert.equal(none.push('word by word'), 'word by word', 'without secrets nothing waits');
  });

  it('a secret that contains another is removed whole; a secret learnt mid-stream counts from then on', () => {
    const inner = KEY.slice(4, 14);
    const r = new StreamRedactor(() => [inner, KEY]);
    assert.equal([...`a ${KEY} b`].map((c) => r.push(c)).join('') + r.end(), `a ${REDACTED} b`);
    const known: string[] = [];
    const late = new StreamRedactor(() => known);
    let out = late.push('before ');
    known.push(TOKEN);
    for (const c of TOKEN) out += late.push(c);
    out += late.end();
    assert.equal(out, `before ${REDACTED}`);
  });
});
