/** The paste panel's protocol: the extension's validation of everything the webview sends. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_PROMPT_LENGTH, safeImageName, validateFromWebview } from '../../src/webview/protocol';

const limits = { maxBytes: 1000, maxImages: 10 };
const ok = (m: unknown) => {
  const r = validateFromWebview(m, limits);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.message;
};
const bad = (m: unknown, reason: RegExp) => {
  const r = validateFromWebview(m, limits);
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.reason, reason);
};

describe('paste panel protocol', () => {
  it('accepts well-formed messages and copies only known fields', () => {
    assert.deepEqual(ok({ type: 'ready', extra: 'dropped' }), { type: 'ready' });
    assert.deepEqual(ok({ type: 'send', prompt: 'Review this UI', detail: 'high', presetId: 'review-ui', html: '<script>' }), { type: 'send', prompt: 'Review this UI', detail: 'high', presetId: 'review-ui' });
    assert.deepEqual(ok({ type: 'addImages', images: [{ name: 'a.png', dataBase64: 'iVBORw0KGgo=' }] }), { type: 'addImages', images: [{ name: 'a.png', dataBase64: 'iVBORw0KGgo=' }] });
    assert.deepEqual(ok({ type: 'addUrl', url: 'https://example.com/a.png' }), { type: 'addUrl', url: 'https://example.com/a.png' });
    assert.deepEqual(ok({ type: 'action', action: 'set-key' }), { type: 'action', action: 'set-key' });
  });

  it('refuses what is malformed, unknown, too large or too many', () => {
    bad(null, /not a message/);
    bad('send', /not a message/);
    bad({ type: 'eval', code: '1' }, /unknown message type "eval"/);
    bad({ type: 'send', prompt: 1, detail: 'high' }, /bad prompt/);
    bad({ type: 'send', prompt: 'x'.repeat(MAX_PROMPT_LENGTH + 1), detail: 'high' }, /bad prompt/);
    bad({ type: 'send', prompt: 'x', detail: 'ultra' }, /bad detail/);
    bad({ type: 'addImages', images: [] }, /no images/);
    bad({ type: 'addImages', images: Array.from({ length: 11 }, () => ({ name: 'a', dataBase64: 'AA==' })) }, /more than 10 images/);
    bad({ type: 'addImages', images: [{ name: 'a', dataBase64: 'A'.repeat(2000) }] }, /too large/);
    bad({ type: 'addImages', images: [{ name: 'a', dataBase64: 'not base64!' }] }, /not base64/);
    bad({ type: 'addUrl', url: 'file:///etc/passwd' }, /not an http\(s\) URL/);
    bad({ type: 'addUrl', url: 'javascript:alert(1)' }, /not an http\(s\) URL/);
    bad({ type: 'action', action: 'run-command' }, /unknown action/);
    bad({ type: 'remove', id: 42 }, /bad id/);
  });

  it('makes safe file names', () => {
    assert.equal(safeImageName('../../etc/passwd', 'x'), 'passwd');
    assert.equal(safeImageName('C:\\Users\\me\\shot<1>.png', 'x'), 'shot1.png');
    assert.equal(safeImageName('', 'pasted-1'), 'pasted-1');
  });
});
