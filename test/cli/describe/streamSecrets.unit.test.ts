/**
 * A hostile server that echoes the key back in a streamed answer, cut into pieces of 1 to 3 characters (so no single
 * piece holds the key): `--stream` to a pipe (a real process) and to a terminal (in process, isTty) never prints the
 * key, and prints every other character of the answer (what was held back is flushed at the end).
 */
import assert from 'node:assert/strict';
import { describe,it } from 'node:test';
import { runCli } from '../../../src/cli/main';
import { REDACTED } from '../../../src/core/base';
import { cliSandbox } from '../../support/cliSandbox';
import { runCliProcess } from '../../support/cli';
import { image } from '../../support/paths';

const box = cliSandbox('di-stream-secrets-');
const server = box.server;

/** The text cut into pieces of 1, 2, 3, 1, 2, 3… characters, each its own SSE event (Azure's shape). */
export function echoInPieces(text: string): string[] {
  const data = (o: unknown) => `data: ${typeof o === 'string' ? o : JSON.stringify(o)}\n\n`;
  const chunk = (delta: unknown, finish: string | null = null) => data({ id: 'chatcmpl-echo', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: finish }] });
  const events = [data({ id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: [] }), chunk({ role: 'assistant', content: '' })];
  for (let at = 0, n = 0; at < text.length; n++) {
    const size = (n % 3) + 1;
    events.push(chunk({ content: text.slice(at, at + size) }));
    at += size;
  }
  events.push(chunk({}, 'stop'), data('[DONE]'));
  return events;
}

const answer = () => `Before the key: ${server.key} (that was it).\nA tag <b>${server.key}</b> and the last words`;
const env = () => ({ AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', AZURE_OPENAI_API_KEY: server.key });

function assertRedactedWithNothingLost(stdout: string, tagAs: string): void {
  assert.ok(!stdout.includes(server.key), `the key was printed:\n${stdout}`);
  assert.ok(stdout.includes(`Before the key: ${REDACTED} (that was it).\nA tag ${tagAs}${REDACTED}${tagAs.replace('<', '</').replace('&lt;', '&lt;/')} and the last words\n`), `every other character is there:\n${stdout}`);
}

describe('--stream with a server that echoes the key in pieces of 1-3 characters', () => {
  it('into a pipe: the key never appears, the text around it does', async () => {
    server.script.push({ sse: echoInPieces(answer()) });
    const r = await runCliProcess([image('ui.png'), '--stream'], { cwd: box.dir, guardLog: box.guardLog, env: env(), secrets: [server.key] });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stderr.includes(server.key));
    // A pipe gets HTML neutralised: the tag is shown as text.
    assertRedactedWithNothingLost(r.stdout, '&lt;b>');
  });

  it('to a terminal: the key never appears, the text around it does', async () => {
    server.script.push({ sse: echoInPieces(answer()) });
    const pieces: string[] = [];
    let stderr = '';
    const code = await runCli([image('ui.png'), '--stream'], { stdout: (t) => pieces.push(t), stderr: (t) => (stderr += t), env: env(), cwd: box.dir, isTty: true });
    const stdout = pieces.join('');
    assert.equal(code, 0, stderr);
    assert.ok(pieces.length > 10, `the text streamed (${pieces.length} writes)`);
    assert.ok(!stderr.includes(server.key));
    assertRedactedWithNothingLost(stdout, '<b>');
  });

  it('a stream that breaks: the characters held back are printed before the Incomplete note', async () => {
    server.script.push({ sse: echoInPieces(`The key ${server.key} then the last words before the break`).slice(0, -2), afterSse: 'reset' });
    const r = await runCliProcess([image('ui.png'), '--stream'], { cwd: box.dir, guardLog: box.guardLog, env: env(), secrets: [server.key] });
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`The key \\[REDACTED\\] then the last words before the break\\n\\n> \\*\\*Incomplete:\\*\\*`));
  });
});
