/**
 * An image's purpose: what the document decides before sending (a link or button, a decorative mark, Learn's
 * type="complex"), the purpose-aware prompt, and the model's answer read tolerantly — the asked-for JSON, JSON in a
 * code fence or prose, labelled lines, missing fields, hostile values — and plain text taken as the alt text as before.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { altPrompt, documentPurpose, MAX_LONG_DESCRIPTION, parseAltAnswer, purposeInstruction, withPurpose } from '../../../src/core/docs';
import { findImages } from '../../../src/core/finders';

const only = (text: string, language: 'markdown' | 'html' | 'mdx' = 'markdown') => {
  const images = findImages(text, language);
  assert.equal(images.length, 1, text);
  return images[0] as NonNullable<(typeof images)[0]>;
};

describe('the purpose the document decides', () => {
  it('a linked image or an image in a button is functional, in every syntax', () => {
    assert.equal(documentPurpose(only('[![](download.png)](https://example.com/download)\n')), 'functional');
    assert.equal(documentPurpose(only('<a href="/download"><img src="download.png"></a>', 'html')), 'functional');
    assert.equal(documentPurpose(only('<button type="submit"><img src="save.png"></button>', 'html')), 'functional');
    assert.equal(documentPurpose(only('<a href="/x">\n  <img src="x.png" />\n</a>\n', 'mdx')), 'functional');
    assert.equal(documentPurpose(only('<a href="/x">\n\n![](x.png)\n\n</a>\n', 'mdx')), 'functional', 'a Markdown image inside a JSX link');
    assert.equal(findImages('<button>\n  <img src="x.png" />\n</button>\n\n![](y.png)\n', 'mdx').map(documentPurpose).join(), 'functional,', 'after the button closes, an image is not functional');
  });

  it('marked decorative (aria-hidden, role=presentation, Learn icon, alt that calls itself decorative) is decorative', () => {
    assert.equal(documentPurpose(only('<img src="bg.png" aria-hidden="true">', 'html')), 'decorative');
    assert.equal(documentPurpose(only('<img src="bg.png" role="presentation">', 'html')), 'decorative');
    assert.equal(documentPurpose(only(':::image type="icon" source="bg.png" border="false":::\n')), 'decorative');
    assert.equal(documentPurpose(only('![Decorative background image.](bg.png)\n')), 'decorative');
  });

  it('Learn type="complex" is complex; anything else is left to the model', () => {
    assert.equal(documentPurpose(only(':::image type="complex" source="chart.png" alt-text="Sign-ups":::\n:::image-end:::\n')), 'complex');
    assert.equal(documentPurpose(only('![](chart.png)\n')), undefined);
    assert.equal(documentPurpose(only('<img src="chart.png">', 'html')), undefined);
  });

  it('the prompt asks for one JSON object, says what the document decided, and keeps the context lines', () => {
    const decide = withPurpose(altPrompt(100, { heading: 'Install', text: 'Run the installer.' }), 100, undefined);
    assert.match(decide, /"informative"[\s\S]*"image-of-text"[\s\S]*"complex"/);
    assert.match(decide, /one JSON object only/);
    assert.match(decide, /at most 100 characters/);
    assert.match(decide, /"Install"[\s\S]*"Run the installer\."/, 'the context lines follow');
    assert.match(withPurpose(altPrompt(125), 125, 'functional'), /link or button[\s\S]*action or the destination/);
    assert.match(purposeInstruction(125, 'complex'), /long description/);
    assert.doesNotMatch(withPurpose(altPrompt(125), 125, undefined), /\n/, 'no context: one line');
  });
});

describe('reading the answer', () => {
  it('the asked-for object, in a code fence, or inside prose', () => {
    const want = { purpose: 'complex', alt: 'Bar chart of sign-ups per month, peaking in March', longDescription: 'January 10, February 20, March 45.', plain: false };
    assert.deepEqual(parseAltAnswer(JSON.stringify(want)), want);
    assert.deepEqual(parseAltAnswer('```json\n' + JSON.stringify(want, null, 2) + '\n```'), want);
    assert.deepEqual(parseAltAnswer(`Sure! Here is the answer:\n${JSON.stringify(want)}\nHope this helps.`), want);
  });

  it('labelled lines, as some models answer anyway', () => {
    const a = parseAltAnswer('**Purpose:** image of text\n**Alt:** Welcome to Contoso\n');
    assert.equal(a.purpose, 'image-of-text');
    assert.equal(a.alt, 'Welcome to Contoso');
    const b = parseAltAnswer('Purpose: complex\nAlt text: Architecture of the service\nLong description: The web tier calls the API.\n\nThe API writes to the queue.');
    assert.equal(b.longDescription, 'The web tier calls the API.\n\nThe API writes to the queue.');
  });

  it('missing or odd fields: no purpose is informative, an unknown purpose is informative, no alt is plain text', () => {
    assert.deepEqual(parseAltAnswer('{"alt": "The settings dialog"}'), { purpose: 'informative', alt: 'The settings dialog', longDescription: undefined, plain: false });
    assert.equal(parseAltAnswer('{"purpose": "constructor", "alt": "A dialog"}').purpose, 'informative');
    assert.equal(parseAltAnswer('{"purpose": "__proto__", "alt": "A dialog"}').purpose, 'informative');
    const noAlt = parseAltAnswer('{"purpose": "complex"}');
    assert.equal(noAlt.plain, true, 'not the asked-for object: the whole answer is plain alt text');
    assert.equal(parseAltAnswer('{"purpose": "informative", "alt": 42}').plain, true);
    assert.equal(parseAltAnswer('{"purpose":"complex","alt":"A chart","longDescription":{"x":1}}').longDescription, undefined);
  });

  it('a model that echoes the prompt\'s template ("...") gave no object: its whole answer is the alt text', () => {
    const echo = `I was asked: "Answer with one JSON object only, no other text: {"purpose": "...", "alt": "...", "longDescription": "..."}". It shows a dialog.`;
    const a = parseAltAnswer(echo, 500);
    assert.equal(a.plain, true);
    assert.equal(a.longDescription, undefined);
    assert.match(a.alt, /It shows a dialog\.$/);
    assert.equal(parseAltAnswer('{"purpose": "complex", "alt": "A chart", "longDescription": "…"}').longDescription, undefined);
  });

  it('plain text is the alt text, cleaned as before; "decorative" alone is decorative', () => {
    assert.deepEqual(parseAltAnswer('Image of a settings dialog with two tabs.'), { purpose: 'informative', alt: 'A settings dialog with two tabs.', plain: true });
    assert.deepEqual(parseAltAnswer('decorative'), { purpose: 'decorative', alt: '', plain: true });
    assert.equal(parseAltAnswer('{"purpose": "decorative", "alt": "A swirl"}').alt, '', 'decorative is alt="", not words');
    assert.equal(parseAltAnswer('{ not json').alt, '{ not json');
  });

  it('a 20 KB long description is cut at a sentence; paragraphs are kept, lines inside them joined', () => {
    const long = Array.from({ length: 400 }, (_, i) => `Step ${i} sends a message to the queue.`).join(' ');
    assert.ok(long.length > 15_000);
    const a = parseAltAnswer(JSON.stringify({ purpose: 'complex', alt: 'Message flow', longDescription: long }));
    assert.ok(a.longDescription && a.longDescription.length <= MAX_LONG_DESCRIPTION, String(a.longDescription?.length));
    assert.match(a.longDescription ?? '', /queue\.$/);
    assert.equal(parseAltAnswer(JSON.stringify({ purpose: 'complex', alt: 'x y', longDescription: 'One\nline.\n\n\nTwo.' })).longDescription, 'One line.\n\nTwo.');
  });

  it('an image of text longer than the alt can hold: the alt is clipped, the whole text is the long description', () => {
    const text = 'Welcome to the Contoso developer portal. Sign in with your work account to manage keys, quotas and deployments for every region.';
    const a = parseAltAnswer(JSON.stringify({ purpose: 'image-of-text', alt: text }), 80);
    assert.ok(a.alt.length <= 80, a.alt);
    assert.equal(a.longDescription, text);
    assert.equal(parseAltAnswer(JSON.stringify({ purpose: 'image-of-text', alt: 'Welcome' }), 80).longDescription, undefined);
  });

  it('a hostile answer (200 KB of fences, blanks and labels with nothing after them) is read in linear time', () => {
    const hostile = [
      '```'.repeat(70_000),
      `Purpose${' '.repeat(100_000)}`,
      `Alt:${' '.repeat(100_000)}x${' '.repeat(100_000)}`,
      `${' '.repeat(100_000)}-${' '.repeat(100_000)}Purpose`,
    ];
    for (const answer of hostile) {
      const started = performance.now();
      parseAltAnswer(answer);
      const ms = performance.now() - started;
      assert.ok(ms < 500, `${ms.toFixed(0)} ms for ${answer.length} characters starting ${JSON.stringify(answer.slice(0, 12))}`);
    }
  });

  it('markup in the answer stays text here (escaping is the writer\'s job)', () => {
    const a = parseAltAnswer(JSON.stringify({ purpose: 'complex', alt: 'A <b>chart</b> of {x}', longDescription: '</details> :::image-end::: {props} <script>' }));
    assert.equal(a.alt, 'A <b>chart</b> of {x}');
    assert.equal(a.longDescription, '</details> :::image-end::: {props} <script>');
  });
});
