/** Flags refused in the CLI's words: the distance that finds the flag meant, and the parser pass that words a refusal. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closestFlag, editDistance, parseCliArgs, UsageError } from '../../../src/cli/base';

const OPTIONS = { detail: { type: 'string' }, json: { type: 'boolean' }, 'max-tokens': { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and a swap of neighbours as one edit each', () => {
    assert.equal(editDistance('detail', 'detail'), 0);
    assert.equal(editDistance('detial', 'detail'), 1);
    assert.equal(editDistance('jsno', 'json'), 1);
    assert.equal(editDistance('max-token', 'max-tokens'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'out'), 3);
  });
});

describe('closestFlag', () => {
  it('names the flag meant, and nothing when no flag is near', () => {
    assert.equal(closestFlag('--detial', OPTIONS), '--detail');
    assert.equal(closestFlag('--JSON', OPTIONS), '--json');
    assert.equal(closestFlag('--maxtokens', OPTIONS), '--max-tokens');
    assert.equal(closestFlag('--colour', OPTIONS), undefined);
    assert.equal(closestFlag('-x', OPTIONS), undefined);
  });
});

describe('parseCliArgs', () => {
  const refusal = (argv: string[]) => {
    try {
      parseCliArgs('describe-image', argv, OPTIONS);
    } catch (e) {
      assert.ok(e instanceof UsageError);
      return { message: e.message, json: e.json };
    }
    assert.fail('refused');
  };
  it('reads good flags as the strict parser does', () => {
    const r = parseCliArgs('describe-image', ['--detail', 'low', '-h', 'a.png', '--', '--not-a-flag.png'], OPTIONS);
    assert.deepEqual({ ...r.values }, { detail: 'low', help: true });
    assert.deepEqual(r.positionals, ['a.png', '--not-a-flag.png']);
  });
  it('words every refusal in one line with the pointer, and says whether --json was asked', () => {
    assert.deepEqual(refusal(['--json', '--detial', 'low']), { message: 'unknown flag --detial: did you mean --detail? Run describe-image --help for usage.', json: true });
    assert.deepEqual(refusal(['-x']), { message: 'unknown flag -x. Run describe-image --help for usage.', json: false });
    assert.equal(refusal(['--out']).message, '--out needs a value. Run describe-image --help for usage.');
    assert.equal(refusal(['--json=no']).message, '--json takes no value (got --json=no). Run describe-image --help for usage.');
  });
  it('a command without positionals says so', () => {
    assert.throws(() => parseCliArgs('describe-image mcp', ['extra'], OPTIONS, false), /unexpected argument "extra": describe-image mcp takes flags only\. Run describe-image mcp --help for usage\./);
  });
});
