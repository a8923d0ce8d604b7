/**
 * The introducing sentence as the Markdown walk keeps it (finders/intro.ts), fed micromark's real events the way
 * markdown.ts feeds it: the text before the image in its paragraph, else the paragraph before; nothing across a
 * heading, code, a table or math; a paragraph that introduces nothing (a figure's caption) leaves the one before; a
 * gallery paragraph is read once, each image getting the sentence right before it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IntroSentences } from '../../../src/core/finders/intro';
import { findEnter, plainText } from '../../../src/core/finders/events';
import { oneLine } from '../../../src/core/finders/model';
import { markdownEvents } from '../../../src/core/markdown';

/** The introducing sentence of each image of a Markdown text, the tracker fed as the walk feeds it. */
function intros(text: string): (string | undefined)[] {
  const events = markdownEvents(text, {});
  const intro = new IntroSentences(events, text);
  const found: (string | undefined)[] = [];
  for (const [i, [kind, token]] of events.entries()) {
    const type = token.type as string;
    if (kind === 'enter') {
      intro.enter(type, i);
      if (type === 'image') found.push(intro.at(i));
    } else if (type === 'atxHeadingText') intro.heading();
    else if (type === 'paragraph') intro.endParagraph(oneLine(plainText(events, findEnter(events, i), i, text, true)) || undefined);
  }
  return found;
}

describe('the introducing sentence, kept along the walk', () => {
  it('the text before the image in its paragraph, else the last sentence of the paragraph before', () => {
    const text = 'Open **Settings**. Then select *Appearance*:\n\n![](a.png)\n\n![](b.png) comes first here. The picker ![](c.png) is next.\n';
    assert.deepEqual(intros(text), ['Then select Appearance:', 'Then select Appearance:', 'The picker']);
  });

  it('nothing across a heading, fenced or indented code, a table or math', () => {
    const blocks = ['# Next', '```sh\nnpm start\n```', '    npm start', '| a |\n| - |\n| b |', '$$\nx^2\n$$'];
    for (const block of blocks) assert.deepEqual(intros(`Run this:\n\n${block}\n\n![](a.png)\n`), [undefined], block);
  });

  it('a paragraph that introduces nothing (a figure\'s caption) leaves the sentence before it', () => {
    const intro = new IntroSentences([], '');
    intro.endParagraph('Open it. The dialog looks like this:');
    intro.enter('paragraph', 0);
    intro.endParagraph(undefined);
    assert.equal(intro.at(0), 'The dialog looks like this:');
    intro.heading();
    assert.equal(intro.at(0), undefined);
  });

  it('a gallery of 1,000 images in one paragraph: each gets the sentence right before it', () => {
    const text = `${Array.from({ length: 1000 }, (_, n) => `Step ${n + 1}. ![](${n + 1}.png)`).join(' ')}\n`;
    const found = intros(text);
    assert.equal(found.length, 1000);
    assert.deepEqual([found[0], found[1], found[999]], ['Step 1.', 'Step 2.', 'Step 1000.']);
  });
});
