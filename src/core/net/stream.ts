/**
 * Streamed chat completions: server-sent events parsed with `eventsource-parser` (not by splitting lines by hand),
 * folded into the same ChatCompletion a non-streamed answer gives. Handles Azure's quirks: a first chunk with empty
 * `choices` and `prompt_filter_results` (or `prompt_annotations`), chunks that carry only content-filter results and no
 * `delta`, `finish_reason: "content_filter"` mid-stream, a final usage chunk, and `[DONE]`.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { DescribeError } from '../base';
import { isObject } from '../base';
import { contentText, normaliseFinishReason, parseFilterResults, parseUsage, snippet, type ChatCompletion, type FilterCategory, type Usage } from './response';


/** Folds chunks into a completion; independent of how the bytes were split. */
export class StreamAccumulator {
  private readonly parts: string[] = [];
  id: string | undefined;
  model: string | undefined;
  finishReason: string | undefined;
  usage: Usage | undefined;
  done = false;
  private readonly promptFilter = new Map<string, FilterCategory>();
  private readonly completionFilter = new Map<string, FilterCategory>();

  get text(): string {
    return this.parts.join('');
  }

  /** Apply one `data:` payload; returns the text delta it carried ('' for none). */
  apply(data: string, secrets: readonly string[] = []): string {
    if (data.trim() === '[DONE]') {
      this.done = true;
      return '';
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      throw new DescribeError('bad-response', `The stream carried an event that is not JSON: ${snippet(data, secrets, 120)}`);
    }
    if (!isObject(chunk)) throw new DescribeError('bad-response', `The stream carried an event that is not a JSON object: ${snippet(data, secrets, 120)}`);
    if (isObject(chunk['error'])) {
      const message = typeof chunk['error']['message'] === 'string' ? chunk['error']['message'] : 'unknown error';
      throw new DescribeError('server', `The service reported an error in the middle of the answer: ${snippet(message, secrets)}`);
    }
    if (typeof chunk['id'] === 'string' && chunk['id']) this.id = chunk['id'];
    if (typeof chunk['model'] === 'string' && chunk['model']) this.model = chunk['model'];
    for (const f of parseFilterResults(chunk['prompt_filter_results'] ?? chunk['prompt_annotations'])) mergeFilter(this.promptFilter, f);
    const usage = parseUsage(chunk['usage']);
    if (usage) this.usage = usage;
    let delta = '';
    const choices = Array.isArray(chunk['choices']) ? chunk['choices'] : [];
    for (const choice of choices) {
      if (!isObject(choice) || (typeof choice['index'] === 'number' && choice['index'] !== 0)) continue;
      for (const f of parseFilterResults(choice['content_filter_results'])) mergeFilter(this.completionFilter, f);
      const d = isObject(choice['delta']) ? choice['delta'] : undefined;
      if (d) delta += contentText(d['content']);
      const reason = normaliseFinishReason(choice['finish_reason']);
      if (reason) this.finishReason = reason;
    }
    if (delta) this.parts.push(delta);
    return delta;
  }

  completion(): ChatCompletion {
    return {
      id: this.id,
      model: this.model,
      content: this.text,
      finishReason: this.finishReason,
      promptFilter: [...this.promptFilter.values()],
      completionFilter: [...this.completionFilter.values()],
      usage: this.usage,
    };
  }
}

function mergeFilter(map: Map<string, FilterCategory>, f: FilterCategory): void {
  const old = map.get(f.category);
  // Keep the most telling result seen for a category: filtered beats not, a severity beats "safe".
  if (!old || (f.filtered && !old.filtered) || (f.detected && !old.detected) || (old.severity === 'safe' && f.severity && f.severity !== 'safe')) {
    map.set(f.category, f);
  }
}

export interface ParseStreamOptions {
  readonly onText?: ((delta: string) => void) | undefined;
  readonly secrets?: readonly string[] | undefined;
}

/**
 * Parse a whole SSE body. Transport errors from the iterator propagate as they are (the client maps them, keeping
 * the partial text); malformed events throw `bad-response` with the partial text attached.
 */
export async function parseChatStream(body: AsyncIterable<Uint8Array | string>, options: ParseStreamOptions = {}): Promise<{ completion: ChatCompletion; accumulator: StreamAccumulator }> {
  const acc = new StreamAccumulator();
  let failure: DescribeError | undefined;
  const parser = createParser({
    onEvent: (event: EventSourceMessage) => {
      if (failure || acc.done) return;
      try {
        const delta = acc.apply(event.data, options.secrets);
        if (delta) options.onText?.(delta);
      } catch (e) {
        failure = e instanceof DescribeError ? e : new DescribeError('bad-response', String(e));
      }
    },
  });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of body) {
      parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
      if (failure || acc.done) break;
    }
    parser.feed(decoder.decode());
  } catch (e) {
    throw new StreamBroken(acc, e);
  }
  if (failure) {
    throw new DescribeError(failure.code, `${failure.message}${acc.text ? ' The text received before it is kept, marked incomplete.' : ''}`, { partialText: acc.text, cause: failure });
  }
  if (!acc.done && !acc.finishReason) {
    throw new StreamBroken(acc, undefined);
  }
  return { completion: acc.completion(), accumulator: acc };
}

/** The body ended or failed before the answer was complete; carries what arrived. */
export class StreamBroken extends Error {
  constructor(
    readonly accumulator: StreamAccumulator,
    override readonly cause: unknown,
  ) {
    super('stream broken');
  }
}
