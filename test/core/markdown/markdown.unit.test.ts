import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DescribeResult } from '../../../src/core/describe';
import { micromark } from 'micromark';
import { findImages } from '../../../src/core/finders';
import { escapeMarkdownText, LineNeutraliser, LiveNeutraliser, markdownCodeSpan, markdownLinkTarget, markdownPlainText, neutraliseHtml, markdownEvents } from '../../../src/core/markdown';
import type { PreparedImage } from '../../../src/core/images';
import { formatUsage, relativeImageRef, renderMarkdown } from '../../../src/core/describe';

const img = (p: string): PreparedImage => ({
  url: 'data:image/png;base64,AAAA', source: p, name: p.split('/').pop() ?? p, kind: 'file', path: p,
  originalMime: 'image/png', originalBytes: 3, width: 1, height: 1, sentMime: 'image/png', sentBytes: 3, sentWidth: 1, sentHeight: 1, estimatedTokens: 255, notes: [], warnings: [],
});

const result = (over: Partial<DescribeResult> = {}): DescribeResult => ({
  text: 'A login form with **two** fields.', finishReason: 'stop', model: 'gpt-4o-2024-08-06', deployment: 'gpt-4o',
  usage: { promptTokens: 100, completionTokens: 20, totalTokens: 120, reasoningTokens: undefined },
  provider: 'azure', promptFilter: [], completionFilter: [], images: [img('/docs/shots/login form.png')], warnings: [], notes: [], tokenParam: 'max_tokens', elapsedMs: 5, attempts: 1, estimatedImageTokens: undefined, ...over,
});

describe('markdown', () => {
  it('alt text with a colon before a word or number (a text directive) reads back the same once escaped', () => {
    for (const alt of ['Settings](javascript:alert(1)) panel', 'Note:warning sign', 'A clock at 10:30, see https://example.com']) {
      const images = findImages(`Text\n\n![${escapeMarkdownText(alt, false)}](ui.png)\n`, 'markdown');
      assert.deepEqual(images.map((i) => [i.alt, i.src]), [[alt, 'ui.png']]);
    }
  });

  it('has title, image reference, description, then model, finish reason and usage', () => {
    const md = renderMarkdown(result(), { imageRef: (i) => relativeImageRef(i, '/docs') });
    assert.equal(md, [
      '# Description of login form.png', '',
      '![login form.png](shots/login%20form.png)', '',
      'A login form with **two** fields.', '',
      '---', '',
      '- **Model:** gpt-4o-2024-08-06 (deployment `gpt-4o`)',
      '- **Finish reason:** stop',
      '- **Token usage:** 100 prompt + 20 completion = 120 total', '',
    ].join('\n'));
  });

  it('shows a visible warning when the text was cut or filtered', () => {
    const md = renderMarkdown(result({ finishReason: 'length', warnings: ['The description was cut short.'] }), { imageRef: (i) => i.source });
    assert.match(md, /\n> \*\*Warning:\*\* The description was cut short\.\n/);
    assert.match(md, /Finish reason:\*\* length/);
  });

  it('titles several images and links URLs as they are', () => {
    const url: PreparedImage = { ...img('x'), kind: 'url', source: 'https://example.com/a (1).png', name: 'a (1).png', path: undefined };
    const md = renderMarkdown(result({ images: [img('/a/b.png'), url] }), { imageRef: (i) => relativeImageRef(i, '/a') });
    assert.match(md, /^# Description of 2 images\n\n!\[b\.png\]\(b\.png\)\n!\[a \(1\)\.png\]\(https:\/\/example\.com\/a%20%281%29\.png\)/);
  });

  it('never lets the model write raw HTML, but keeps code and autolinks as written', () => {
    const text = 'Click <b>here</b> <img src=x onerror=alert(1)>\n\n```html\n<div>kept</div>\n```\nand `<span>` too, see <https://example.com>\n\n<script>\nalert(1)\n</script>\n\n<!-- hidden -->\n';
    assert.equal(
      neutraliseHtml(text),
      'Click &lt;b>here&lt;/b> &lt;img src=x onerror=alert(1)>\n\n```html\n<div>kept</div>\n```\nand `<span>` too, see <https://example.com>\n\n&lt;script>\nalert(1)\n&lt;/script>\n\n&lt;!-- hidden -->\n',
    );
    const htmlTokens = (t: string) => markdownEvents(t).filter(([kind, tok]) => kind === 'enter' && (tok.type === 'htmlFlow' || tok.type === 'htmlText')).length;
    assert.ok(htmlTokens(text) > 0);
    assert.equal(htmlTokens(neutraliseHtml(text)), 0, 'the parser finds no HTML left');
  });

  it('streamed to a pipe, the text is released line by line and never carries HTML, however it was split', () => {
    const text = 'A <b>bold</b> claim.\nThen `<code>` and\n<div onclick="x">\nblock\n</div>\nend <i>';
    for (let cut = 1; cut < text.length; cut++) {
      const n = new LineNeutraliser();
      const out = n.push(text.slice(0, cut)) + n.push(text.slice(cut)) + n.end();
      assert.equal(out, neutraliseHtml(text), `split at ${cut}`);
    }
    const n = new LineNeutraliser();
    assert.equal(n.push('no newline yet, a long '), 'no newline yet, a long ', 'text with no `<` goes out at once');
    assert.equal(n.push('paragraph \\<b'), 'paragraph ', 'from a `<` (and the backslashes before it) on, only once its line is complete');
    assert.equal(n.push('> and more'), '');
    assert.equal(n.push('\nnext'), '\\<b> and more\nnext');
    assert.equal(n.end(), '');
  });

  it('streamed to a pipe word by word, however split, comes out exactly as the whole text neutralised (tags, escapes, autolinks, code, HTML blocks)', () => {
    const cases = ['plain words then <span title="a b">x</span> end', 'a \\<b> escaped and <i>real</i>', 'see <https://example.com> and `<code>` then <b', '<div>\nline\n</div>\n\ntext <em>x</em>'];
    for (const text of cases) {
      for (let cut = 1; cut < text.length; cut++) {
        for (let cut2 = cut; cut2 < text.length; cut2 += 3) {
          const n = new LineNeutraliser();
          const out = n.push(text.slice(0, cut)) + n.push(text.slice(cut, cut2)) + n.push(text.slice(cut2)) + n.end();
          assert.equal(out, neutraliseHtml(text), `${JSON.stringify(text)} split at ${cut}, ${cut2}`);
        }
      }
    }
  });

  const fill = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length));
  /** Texts of about n characters, each with tags on many of its lines, in the shapes a model writes. */
  const shapes: Record<string, (n: number) => string> = {
    'one long line': (n) => `${fill('word ', n)}<b>end</b>\n`,
    'paragraphs with tags': (n) => fill('A paragraph with <b>bold</b> and `<code>` words.\n\n', n),
    'a paragraph of many lines': (n) => fill('a line of one long paragraph with <b>x</b> in it\n', n),
    'a tight list with tags': (n) => `Items:\n\n${fill('- an item with a <b>tag</b> in it\n', n)}`,
    'a fenced code block of HTML': (n) => `Code:\n\n\`\`\`html\n${fill('<div class="row">cell</div>\n', n)}\`\`\`\n\nAfter <i>it</i>.\n`,
    'an HTML block': (n) => `<div>\n${fill('<p>row</p>\n', n)}</div>\n`,
    'a table with tags': (n) => `| a | b |\n| - | - |\n${fill('| <b>x</b> | y |\n', n)}`,
    'a block quote with tags': (n) => fill('> quoted <b>text</b> here\n>\n', n),
  };

  it('streamed to a pipe, the parser\'s work grows linearly: 8 times the text, about 8 times the work, whatever its shape', () => {
    const work = (text: string) => {
      const n = new LineNeutraliser();
      let out = '';
      for (let at = 0; at < text.length; at += 3) out += n.push(text.slice(at, at + 3));
      out += n.end();
      assert.equal(out, neutraliseHtml(text));
      return n.meter.parsedChars;
    };
    for (const [name, make] of Object.entries(shapes)) {
      const small = work(make(1000));
      const large = work(make(8000));
      assert.ok(large <= 12 * Math.max(small, 1000), `${name}: ${small} characters parsed for 1 KB, ${large} for 8 KB (${(large / small).toFixed(1)} times)`);
    }
  });

  it('streamed into the document (rendered whole at every piece), the same: linear, and the whole text neutralised at every step', () => {
    const work = (text: string, check: boolean) => {
      const n = new LiveNeutraliser();
      for (let at = 7; at < text.length + 7; at += 7) {
        const shown = n.render(text.slice(0, at));
        if (check) assert.equal(shown, neutraliseHtml(text.slice(0, at)));
      }
      return n.meter.parsedChars;
    };
    for (const [name, make] of Object.entries(shapes)) {
      work(make(150), true);
      const small = work(make(1000), false);
      const large = work(make(8000), false);
      assert.ok(large <= 12 * Math.max(small, 1000), `${name}: ${small} characters parsed for 1 KB, ${large} for 8 KB (${(large / small).toFixed(1)} times)`);
    }
  });

  it('streamed, reads each piece as the whole text reads it, also where a later line changes an earlier one', () => {
    const texts = [
      // Front matter is known only when its closing fence comes.
      '---\n[a]: <http://x>\n# head <b>\n```\n---\n</script>\nafter <i>x</i>\n',
      // A table is known by its second line; until then its head may be part of a paragraph with a tag across lines.
      'a <b\ntitle="x">\n| - | - |\nmore <i>y</i>\n',
      // Escaping an HTML block makes it a paragraph, which takes in the indented line after it.
      '<script>\n-->\n</script>\n    indented <b>\n>\n',
      // A link across lines: its destination in <…> is not a tag.
      'a [link <b>\nover lines\nand more\n](<dest>) f\n\nnext <i>x</i>\n',
      // Code spans and math across lines.
      'a `code\n<b> still code\nends` <i>x</i>\n\n$$\n<b>\n$$\n',
    ];
    for (const text of texts) {
      for (const size of [1, 2, 3, 5]) {
        const line = new LineNeutraliser();
        const live = new LiveNeutraliser();
        let out = '';
        for (let at = 0; at < text.length; at += size) {
          out += line.push(text.slice(at, at + size));
          const so = text.slice(0, at + size);
          assert.equal(live.render(so), neutraliseHtml(so), `${JSON.stringify(so)} in pieces of ${size}`);
        }
        out += line.end();
        assert.equal(out.replace(/&lt;/g, '<'), text, 'nothing but `<` changed, nothing lost');
      }
    }
  });

  it('a code span holds any text whole, and plain text stays plain: every string of up to 5 characters that could break out', () => {
    const alphabet = ['`', ' ', 'a', '\n', '<', '[', ']', '&', '\\'];
    const html = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const shown = (t: string) => t.replace(/\n/g, '\\n');
    let texts = [''];
    let all = [''];
    for (let length = 1; length <= 5; length++) {
      texts = texts.flatMap((t) => alphabet.map((c) => t + c));
      all = all.concat(texts);
    }
    for (const text of all) {
      const code = micromark(`Send ${markdownCodeSpan(text)}, then`, { allowDangerousHtml: true });
      assert.equal(code, `<p>Send <code>${html(shown(text)) || ' '}</code>, then</p>`, JSON.stringify(text));
      const plain = micromark(`Send ${markdownPlainText(text)} then`, { allowDangerousHtml: true });
      // Spaces at a line's end and runs of them are the renderer's business; every character is still there.
      assert.equal(plain, `<p>Send ${html(shown(text))} then</p>`, JSON.stringify(text));
    }
    assert.equal(markdownCodeSpan('a\u202Eb\u2028c\u0007'), '`a\\u{202e}b\\u{2028}c\\u{7}`', 'direction and line separators are shown');
    assert.equal(markdownCodeSpan('ui\u200B.png\uFEFF'), '`ui\\u{200b}.png\\u{feff}`', 'so are invisible characters that make two names look alike');
  });

  it('formats usage, including reasoning tokens', () => {
    assert.equal(formatUsage(undefined), 'not reported');
    assert.equal(formatUsage({ promptTokens: 1, completionTokens: 2, totalTokens: 3, reasoningTokens: 1 }), '1 prompt + 2 completion (1 reasoning) = 3 total');
    assert.equal(markdownLinkTarget('C:\\x y\\a.png'), 'C:/x%20y/a.png');
  });
});
