/** The waiting line, in process with a recorded stderr: where it is drawn, how it is cleared, what it never prints. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WaitingLine, type CliIo } from '../../../src/cli/base';

function terminal(isTty: boolean) {
  const writes: { to: 'stdout' | 'stderr'; text: string }[] = [];
  const io: CliIo = { env: {}, cwd: '/', stdout: (text) => writes.push({ to: 'stdout', text }), stderr: (text) => writes.push({ to: 'stderr', text }), stderrIsTty: isTty, columns: 30 };
  return { io, writes };
}

describe('WaitingLine', () => {
  it('draws on stderr with the seconds, clears before any other write, and once more when stopped', () => {
    const { io, writes } = terminal(true);
    let now = 0;
    const line = new WaitingLine(io, {}, () => now);
    line.show('waiting for gpt-4o…');
    now = 2300;
    line.show('waiting for gpt-4o…');
    line.wrap(io).stdout('text');
    line.stop();
    assert.deepEqual(
      writes.map((w) => [w.to, w.text.replace(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/, '*')]),
      [
        ['stderr', '\r\u001b[K* waiting for gpt-4o…'],
        ['stderr', '\r\u001b[K* waiting for gpt-4o… 2 s'],
        ['stderr', '\r\u001b[K'],
        ['stdout', 'text'],
      ],
    );
  });

  it('never wider than the terminal, and control characters in a name are shown as ?', () => {
    const { io, writes } = terminal(true);
    const line = new WaitingLine(io);
    line.show('reading the text in evil\u001b[2J\u0007name-that-is-long.png');
    line.stop();
    const drawn = writes[0]?.text.slice(4) ?? '';
    assert.ok(!drawn.includes('\u001b') && !drawn.includes('\u0007'), JSON.stringify(drawn));
    assert.equal([...drawn].length, 29);
  });

  it('prints nothing when stderr is not a terminal, or with --json', () => {
    for (const [isTty, json] of [[false, false], [true, true]] as const) {
      const { io, writes } = terminal(isTty);
      const line = new WaitingLine(io, { json });
      line.show('waiting…');
      line.wrap(io).stderr('a message\n');
      line.stop();
      assert.deepEqual(writes, [{ to: 'stderr', text: 'a message\n' }]);
    }
  });
});
