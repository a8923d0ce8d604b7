/**
 * The batch's input is the interactive run's requests: the JSONL body of each image is the body the interactive run
 * sends for it (same prompt, context, image preparation, parameters), with the deployment as `model`; cached answers
 * are not asked; identical images in the same context share one line; files split at the limits. And result lines
 * are read as interactive answers are (failures with their reason, secrets removed).
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { altRunSetup } from '../../support/altRun';
import { defaultAnswer } from '../../support/azureServer';
import { image } from '../../support/paths';
import { generateAltTexts, planAltGroups, type AltCache, type AltJob, type AltRunOptions } from '../../../src/core/docs';
import { readResultFile, readResultLine, writeBatchInput, type BatchAnswer } from '../../../src/core/batch';
import * as os from 'node:os';

const setup = altRunSetup({
  answer: defaultAnswer,
  prefix: 'di-batch-input-',
  fill: async (dir) => {
    await fs.copyFile(image('ui.png'), path.join(dir, 'ui.png'));
    await fs.copyFile(image('ui.png'), path.join(dir, 'ui-copy.png'));
    await fs.copyFile(image('photo.jpg'), path.join(dir, 'photo.jpg'));
    await fs.copyFile(image('animated.gif'), path.join(dir, 'animated.gif'));
  },
});

const context = { heading: 'Set up', before: 'Open the settings panel:' };
const jobs = (): AltJob[] => [
  { id: 'a.md#0', source: path.join(setup.dir, 'ui.png'), context },
  { id: 'b.md#0', source: path.join(setup.dir, 'ui-copy.png'), context },
  { id: 'a.md#1', source: path.join(setup.dir, 'photo.jpg'), context: { heading: 'The team' }, purpose: 'functional' as const },
  { id: 'a.md#2', source: path.join(setup.dir, 'animated.gif') },
];

async function lines(file: string): Promise<Record<string, unknown>[]> {
  return (await fs.readFile(file, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('batch input', () => {
  it('each line body is exactly the body the interactive run sends, with the deployment as model', async () => {
    await setup.withClient(async (client) => {
      const options: AltRunOptions = { settings: setup.settings(), client, maxLength: 125 };
      const run = await generateAltTexts(jobs(), options);
      assert.equal(run.stats.sent, 3, 'the copy shares its twin request');
      const interactive = setup.server.requests.map((r) => r.body);
      const { groups } = await planAltGroups(jobs(), options);
      const dir = path.join(setup.dir, 'input-1');
      const input = await writeBatchInput(groups, { shape: 'azure-v1', options, dir, limits: { maxRequests: 100, maxBytes: 10_000_000 } });
      assert.equal(input.parts.length, 1);
      const written = await lines(input.parts[0]?.file ?? '');
      assert.equal(written.length, 3);
      for (const line of written) {
        assert.equal(line['method'], 'POST');
        assert.equal(line['url'], '/chat/completions');
        const body = line['body'] as Record<string, unknown>;
        assert.equal(body['model'], 'gpt-4o');
        assert.ok(
          interactive.some((b) => JSON.stringify(b) === JSON.stringify(body)),
          'the same bytes as one interactive request',
        );
      }
    });
  });

  it('cached answers are left out; the rest split at the requests and bytes per file', async () => {
    await setup.withClient(async (client) => {
      const map = new Map<string, string>();
      const cache: AltCache = { get: (k) => map.get(k), set: (k, v) => void map.set(k, v) };
      const options: AltRunOptions = { settings: setup.settings(), client, cache };
      await generateAltTexts(jobs().slice(0, 1), options);
      const { groups } = await planAltGroups(jobs(), options);
      const missing = groups.filter((g) => g.hit === undefined);
      assert.equal(missing.length, 2, 'ui.png and its copy are answered from the cache');
      const byCount = await writeBatchInput(missing, { shape: 'openai', options, dir: path.join(setup.dir, 'input-2'), limits: { maxRequests: 1, maxBytes: 10_000_000 } });
      assert.deepEqual(byCount.parts.map((p) => p.customIds.length), [1, 1]);
      assert.equal((await lines(byCount.parts[0]?.file ?? ''))[0]?.['url'], '/v1/chat/completions');
      const sizes = byCount.parts.map((p) => p.bytes);
      const byBytes = await writeBatchInput(missing, { shape: 'openai', options, dir: path.join(setup.dir, 'input-3'), limits: { maxRequests: 100, maxBytes: Math.max(...sizes) + 1 } });
      assert.equal(byBytes.parts.length, 2, 'two lines do not fit one file');
      for (const p of byBytes.parts) assert.equal((await fs.stat(p.file)).size, p.bytes);
    });
  });
});

describe('batch result lines', () => {
  const ok = (content: string, finish = 'stop') => JSON.stringify({ id: 'batch_req_1', custom_id: 'alt-1', response: { status_code: 200, request_id: 'r1', body: { choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finish }] } }, error: null });

  it('reads an answer as the interactive client does', () => {
    assert.deepEqual(readResultLine(ok('A settings panel'), []), { customId: 'alt-1', answer: { ok: true, text: 'A settings panel', finishReason: 'stop' } });
    assert.deepEqual(readResultLine(ok('cut', 'length'), [])?.answer, { ok: true, text: 'cut', finishReason: 'length' });
  });

  it('a failed request has the service reason, without any secret', () => {
    const line = JSON.stringify({ id: 'x', custom_id: 'alt-2', response: { status_code: 400, request_id: 'r', body: { error: { code: 'invalid_image', message: 'bad image for key sk-secret-1' } } }, error: null });
    assert.deepEqual(readResultLine(line, ['sk-secret-1'])?.answer, { ok: false, reason: 'the batch request failed (invalid_image: bad image for key [REDACTED])' });
    const expired = JSON.stringify({ id: 'y', custom_id: 'alt-3', response: null, error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' } });
    assert.match((readResultLine(expired, [])?.answer as { reason: string }).reason, /batch_expired/);
    assert.equal(readResultLine('not json', []), undefined);
  });

  it('a result file with a line too long to hold, lines not JSON, a duplicate and a cut last line: the good lines read, the rest counted', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'di-results-'));
    try {
      const file = path.join(dir, 'out.jsonl');
      const failed = JSON.stringify({ id: 'z', custom_id: 'alt-1', response: { status_code: 400, request_id: 'r', body: { error: { code: 'x', message: 'later' } } }, error: null });
      const huge = ok('y'.repeat(3 * 1024 * 1024)).replace('alt-1', 'alt-9');
      await fs.writeFile(file, [ok('A settings panel'), huge, 'not json', failed, '{"custom_id":"alt-2","respo'].join('\r\n'));
      const answers = new Map<string, BatchAnswer>();
      const unread = await readResultFile(file, answers, []);
      assert.deepEqual([...answers], [['alt-1', { ok: true, text: 'A settings panel', finishReason: 'stop' }]], 'the success stands, the huge line is not read');
      assert.equal(unread, 3, 'the huge line, the line that is not JSON and the cut one');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
