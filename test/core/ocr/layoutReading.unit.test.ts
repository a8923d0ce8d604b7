/**
 * The layout of what the engine reads, on generated screens read by the real Tesseract (test/support/layoutScreens.ts:
 * SVG rendered with the bundled DejaVu fonts; each screen knows its panels and its rows): two panels side by side never
 * share a line, a table row is one line, a numbered item keeps its number, a code line keeps its line number, and the
 * panels come in reading order — the top bar first, then the sidebar, then the columns left to right, each top to
 * bottom. The region finder alone, on synthetic pages: layout.unit.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OcrEngine, type OcrResult } from '../../../src/core/ocr';
import { CHECKLIST, CODE, dashboard, editor, layoutViolations, renderAtSize, TABLE, twoPanels, type LayoutScene } from '../../support/layoutScreens';
import { denseScreens, layoutViolations as denseViolations, renderScreen } from '../../support/denseScreens';
import { wordsFound } from '../../support/screens';

describe('the layout of what is read', () => {
  let engine: OcrEngine;
  const scenes: Record<string, LayoutScene> = { panels: twoPanels(), dashboard: dashboard(), editor: editor() };
  const results = new Map<string, OcrResult>();
  const read = async (name: string): Promise<{ scene: LayoutScene; result: OcrResult }> => {
    const scene = scenes[name];
    assert.ok(scene);
    let result = results.get(name);
    if (!result) {
      result = await engine.recognize(await renderAtSize(scene), { name: `${name}.png` });
      results.set(name, result);
    }
    return { scene, result };
  };
  /** The lines, spaces squeezed (runs of spaces are kept between words that stand apart, like a table's cells). */
  const squeezed = (r: OcrResult): string[] => r.lines.map((l) => l.text.replace(/\s+/g, ' ').trim());

  before(() => {
    engine = new OcrEngine();
  });
  after(async () => {
    await engine.dispose();
  });

  it('never joins two panels side by side into one line, though their lines are on the same rows', async () => {
    const { scene, result } = await read('panels');
    assert.deepEqual(layoutViolations(scene, result.lines), [], result.text);
    const lines = squeezed(result);
    assert.ok(lines.includes('Pull requests waiting for review') && lines.includes('Build log of the nightly run'), result.text);
    assert.ok(lines.indexOf('Load the images lazily') < lines.indexOf('Build log of the nightly run'), `the left panel, then the right one:\n${result.text}`);
  });

  it('reads a table row as one line, and a numbered item with its number', async () => {
    const { scene, result } = await read('dashboard');
    assert.deepEqual(layoutViolations(scene, result.lines), [], result.text);
    const lines = squeezed(result);
    // By the text too (the words' places are checked above): a row's first and last cells on one line, in order.
    for (const cells of TABLE) {
      const [first = '', last = ''] = [cells[0], cells[cells.length - 1]];
      assert.ok(lines.some((l) => l.startsWith(first) && l.endsWith(last)), `${cells.join(' | ')} as one line in:\n${result.text}`);
    }
    CHECKLIST.forEach((item, i) => assert.ok(lines.some((l) => l.startsWith(`${i + 1}. ${item.split(' ')[0] ?? ''} `)), `${i + 1}. ${item} in:\n${result.text}`));
    const share = wordsFound(scene.lines, result.text).share;
    assert.ok(share >= 0.98, `${(share * 100).toFixed(1)} % of the words`);
  });

  it('keeps each line number with its code line, and reads the panels in order', async () => {
    const { scene, result } = await read('editor');
    assert.deepEqual(layoutViolations(scene, result.lines), [], result.text);
    const lines = squeezed(result);
    CODE.forEach((spans, i) => {
      // The number, then the code's first four characters (what follows may be misread; a lone "}" may be lost).
      const first = spans.map(([t]) => t).join('').trim().slice(0, 4);
      if (first.length === 4) assert.ok(lines.some((l) => l.startsWith(`${i + 1} ${first}`)), `line ${i + 1} starts with its number and "${first}":\n${result.text}`);
    });
  });

  it('reads monospaced code as written: ones in versions, quotes, $ and //', async () => {
    const { scene, result } = await read('editor');
    for (const exact of ["'cache@1.4.2';", "'v4.6.1';", '$ npm install cache@1.4.2', "'$19.99'", '// Read the settings once', "'node:fs/promises';", '~/.app/local.json']) {
      assert.ok(result.text.includes(exact), `${exact} in:\n${result.text}`);
    }
    const { share, missed } = wordsFound(scene.lines, result.text);
    assert.ok(share >= 0.95, `${(share * 100).toFixed(1)} % of the words; missed: ${missed.join(' | ')}`);
  });

  it('reads the dense DEV screens (dashboard, editor with a split and a terminal, terminal) with no layout violation', async () => {
    for (const scene of denseScreens('dev')) {
      const r = await engine.recognize(await renderScreen(scene), { name: `${scene.kind}.png` });
      const violations = denseViolations(scene.layout, r.text.split('\n').filter((l) => l.trim()));
      assert.deepEqual(violations.map((v) => v.message), [], `${scene.title}:\n${r.text}`);
      const { share } = wordsFound(scene.lines, r.text);
      assert.ok(share >= 0.9, `${scene.title}: ${(share * 100).toFixed(1)} % of the words`);
    }
  });
});
