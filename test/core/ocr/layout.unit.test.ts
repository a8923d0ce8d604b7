/**
 * The screen's regions before recognition (src/core/ocr/layout.ts), on synthetic grey pages: "text" is drawn as
 * glyph-sized blocks, panels as flat rectangles, rules as one-pixel lines. Fast, no Tesseract: what the cuts do, and
 * what they must not (a table, a gutter, a numbered list stay one region). The same on real text read by Tesseract:
 * layoutReading.unit.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findRegions, type LayoutRegion } from '../../../src/core/ocr/layout';
import { MAX_REGIONS, planRegions, PSM_BLOCK, PSM_PAGE } from '../../../src/core/ocr/plan';
import { measureForLayout } from '../../../src/core/ocr/prepare';
import type { GreyImage } from '../../../src/core/ocr/protocol';

/** A grey page to draw on: flat rectangles, one-pixel rules, and lines of "words" made of glyph-sized blocks. */
class Page {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    background: number,
  ) {
    this.data = new Uint8Array(width * height).fill(background);
  }
  rect(x: number, y: number, w: number, h: number, v: number): this {
    for (let yy = y; yy < y + h; yy++) this.data.fill(v, yy * this.width + x, yy * this.width + x + w);
    return this;
  }
  /** A one-pixel border around a rectangle. */
  box(x: number, y: number, w: number, h: number, v: number): this {
    return this.rect(x, y, w, 1, v).rect(x, y + h - 1, w, 1, v).rect(x, y, 1, h, v).rect(x + w - 1, y, 1, h, v);
  }
  /**
   * A line of text, `baseline` its bottom: each letter a 5×8 block (every third one 12 tall, an ascender) 2 px apart,
   * words 6 px apart; `words` the letters per word. Returns the line's right end.
   */
  line(x: number, baseline: number, words: readonly number[], v: number): number {
    let at = x;
    let n = 0;
    for (const letters of words) {
      for (let i = 0; i < letters; i++, n++) {
        const tall = n % 3 === 0 ? 12 : 8;
        this.rect(at, baseline - tall, 5, tall, v);
        at += 7;
      }
      at += 6;
    }
    return at - 8;
  }
  grey(): GreyImage {
    return { width: this.width, height: this.height, data: this.data };
  }
}

function regionsOf(page: Page): LayoutRegion[] {
  const grey = page.grey();
  const { xHeight, normalised } = measureForLayout(grey);
  assert.ok(xHeight !== undefined && xHeight >= 7 && xHeight <= 9, `x-height ${xHeight}`);
  return findRegions(grey, normalised, xHeight);
}

/** The index of the region whose text holds the point. */
function at(regions: readonly LayoutRegion[], x: number, y: number): number {
  return regions.findIndex(({ text: r }) => x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height);
}

const WORDS = [[4, 6, 3], [7, 2, 5, 4], [3, 8], [5, 5, 2, 6], [6, 3, 7], [2, 9, 4]];

describe('finding the regions of a screen', () => {
  it('keeps a table in one region: its columns are far apart but their rows align', () => {
    const page = new Page(900, 400, 255);
    for (let r = 0; r < 10; r++) {
      [40, 260, 420, 640].forEach((x, c) => page.line(x, 40 + r * 34, WORDS[(r + c) % WORDS.length]?.slice(0, 2) ?? [], 30));
    }
    const regions = regionsOf(page);
    assert.equal(regions.length, 1, JSON.stringify(regions));
  });

  it('keeps a line-number gutter with its code, and a numbered list’s numbers with their items', () => {
    const page = new Page(700, 520, 255);
    for (let r = 0; r < 14; r++) {
      // The numbers right-aligned in their own column, 3 x-heights from the text; line 5 is empty.
      page.line(r < 9 ? 47 : 40, 40 + r * 34, [r < 9 ? 1 : 2], 120);
      if (r !== 5) page.line(80, 40 + r * 34, WORDS[r % WORDS.length] ?? [], 30);
    }
    const regions = regionsOf(page);
    assert.equal(regions.length, 1, JSON.stringify(regions));
  });

  it('cuts two panels side by side at a change of background, even when their lines are on the same rows', () => {
    const page = new Page(1000, 400, 255).rect(500, 0, 500, 400, 236);
    for (let r = 0; r < 9; r++) {
      page.line(30, 40 + r * 34, WORDS[r % WORDS.length] ?? [], 30);
      page.line(530, 40 + r * 34, WORDS[(r + 2) % WORDS.length] ?? [], 30);
    }
    const regions = regionsOf(page);
    assert.equal(regions.length, 2, JSON.stringify(regions));
    assert.deepEqual([at(regions, 35, 35), at(regions, 535, 35)], [0, 1], 'the left panel first');
  });

  it('cuts two bordered cards on one background at their borders, though their lines align', () => {
    const page = new Page(1000, 400, 255).box(10, 10, 470, 380, 200).box(500, 10, 480, 380, 200);
    for (let r = 0; r < 9; r++) {
      page.line(30, 50 + r * 34, WORDS[r % WORDS.length] ?? [], 30);
      page.line(520, 50 + r * 34, WORDS[(r + 2) % WORDS.length] ?? [], 30);
    }
    assert.equal(regionsOf(page).length, 2);
  });

  it('keeps a ruled table in one region: a grid’s rules down between aligned columns are not panel edges', () => {
    const page = new Page(800, 400, 255);
    for (const x of [240, 480]) page.rect(x, 20, 1, 360, 190);
    for (let r = 0; r <= 10; r++) page.rect(20, 20 + r * 34 + 3, 760, 1, 190);
    for (let r = 0; r < 10; r++) [30, 270, 510].forEach((x, c) => page.line(x, 50 + r * 34, WORDS[(r + c) % WORDS.length]?.slice(0, 2) ?? [], 30));
    assert.equal(regionsOf(page).length, 1);
  });

  it('keeps a zebra-striped table in one region', () => {
    const page = new Page(800, 420, 255);
    for (let r = 0; r < 11; r += 2) page.rect(20, 22 + r * 34, 760, 34, 246);
    for (let r = 0; r < 11; r++) [30, 270, 510].forEach((x, c) => page.line(x, 48 + r * 34, WORDS[(r + c) % WORDS.length]?.slice(0, 2) ?? [], 30));
    assert.equal(regionsOf(page).length, 1);
  });

  it('cuts a split editor at its one rule, though the two sides’ lines align', () => {
    const page = new Page(1200, 420, 30).rect(600, 0, 1, 420, 70);
    for (let r = 0; r < 11; r++) {
      page.line(20, 40 + r * 34, WORDS[r % WORDS.length] ?? [], 210);
      page.line(620, 40 + r * 34, WORDS[(r + 3) % WORDS.length] ?? [], 210);
    }
    const regions = regionsOf(page);
    assert.equal(regions.length, 2, JSON.stringify(regions));
  });

  it('cuts a split editor at its rule when a long line of the left side runs up to it (clipped there)', () => {
    const page = new Page(1200, 420, 30).rect(600, 0, 1, 420, 70);
    for (let r = 0; r < 11; r++) {
      page.line(20, 40 + r * 34, WORDS[r % WORDS.length] ?? [], 210);
      page.line(612, 40 + r * 34, WORDS[(r + 3) % WORDS.length] ?? [], 210);
    }
    // One line long enough to be clipped by the right side: its last letter ends a pixel before the rule.
    page.rect(20, 194, 578, 8, 30);
    for (let x = 20; x + 5 <= 599; x += 7) page.rect(x, 194, 5, 8, 210);
    const regions = regionsOf(page);
    assert.equal(regions.length, 2, JSON.stringify(regions));
    assert.notEqual(at(regions, 590, 198), at(regions, 620, 40 + 4 * 34 - 4));
  });

  it('cuts two columns apart at a wide gap when their lines do not align', () => {
    const page = new Page(1000, 420, 255);
    for (let r = 0; r < 11; r++) page.line(30, 40 + r * 34, WORDS[r % WORDS.length] ?? [], 30);
    for (let r = 0; r < 15; r++) page.line(560, 40 + r * 25, WORDS[(r + 1) % WORDS.length] ?? [], 30);
    const regions = regionsOf(page);
    assert.equal(regions.length, 2, JSON.stringify(regions));
    assert.deepEqual([at(regions, 35, 35), at(regions, 565, 35)], [0, 1]);
  });

  it('reads the top bar first, then the sidebar, then the columns left to right, each top to bottom', () => {
    // A dark top bar, a grey sidebar, two bordered cards stacked on the left of the main area, a panel on the right.
    const page = new Page(1200, 700, 246).rect(0, 0, 1200, 40, 36).rect(0, 40, 200, 660, 232);
    page.line(20, 28, [5, 9], 240);
    page.line(900, 28, [4, 7, 5], 200);
    for (let r = 0; r < 8; r++) page.line(20, 80 + r * 34, [WORDS[r % WORDS.length]?.[0] ?? 4], 30);
    page.rect(220, 60, 600, 280, 255).box(220, 60, 600, 280, 210).rect(220, 360, 600, 320, 255).box(220, 360, 600, 320, 210);
    for (let r = 0; r < 7; r++) page.line(240, 100 + r * 34, WORDS[r % WORDS.length] ?? [], 30);
    for (let r = 0; r < 8; r++) page.line(240, 400 + r * 34, WORDS[(r + 3) % WORDS.length] ?? [], 30);
    page.rect(840, 60, 340, 620, 255).box(840, 60, 340, 620, 210);
    for (let r = 0; r < 16; r++) page.line(860, 100 + r * 36, [WORDS[r % WORDS.length]?.[0] ?? 3, 4], 30);
    const regions = regionsOf(page);
    // The top bar's two ends are two regions (a single line is cut at a very wide gap), then one region per panel.
    const order = [[25, 25], [905, 25], [25, 75], [245, 95], [245, 395], [865, 95]].map(([x, y]) => at(regions, x ?? 0, y ?? 0));
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5], JSON.stringify(regions));
  });

  it('finds nothing on an empty page, and the one region of a single line', () => {
    const empty = new Page(300, 100, 255);
    assert.deepEqual(findRegions(empty.grey(), empty.grey(), 8), []);
    const one = new Page(600, 60, 255);
    one.line(20, 40, [5, 3, 8, 4, 6, 2, 7], 30);
    const regions = findRegions(one.grey(), one.grey(), 8);
    assert.equal(regions.length, 1);
    assert.deepEqual(regions[0]?.text, { x: 20, y: 28, width: regions[0]?.text.width, height: 12 });
  });
});

describe('planning the reading', () => {
  it('reads a page of scattered regions whole, with Tesseract’s own layout, past MAX_REGIONS', () => {
    // A mosaic of 12 × 9 tiles of alternating shades, a word in each: every tile is a region of its own.
    const page = new Page(1200, 540, 255);
    for (let r = 0; r < 9; r++) {
      for (let c = 0; c < 12; c++) {
        if ((r + c) % 2) page.rect(c * 100, r * 60, 100, 60, 170);
        page.line(c * 100 + 15, r * 60 + 38, [4, 3], (r + c) % 2 ? 20 : 60);
      }
    }
    const grey = page.grey();
    const { xHeight, normalised } = measureForLayout(grey);
    assert.ok(findRegions(grey, normalised, xHeight ?? 8).length > MAX_REGIONS);
    const plan = planRegions({ grey, prepare: {} });
    assert.equal(plan.psm, PSM_PAGE);
    assert.deepEqual(plan.regions.map((r) => r.rect), [{ x: 0, y: 0, width: 1200, height: 540 }]);
    // A few tiles: one region each, read as blocks.
    const few = new Page(400, 120, 255).rect(200, 0, 200, 120, 170);
    few.line(15, 40, [4, 3, 5], 60);
    few.line(215, 40, [5, 2, 4], 20);
    const small = planRegions({ grey: few.grey(), prepare: {} });
    assert.equal(small.psm, PSM_BLOCK);
    assert.equal(small.regions.length, 2);
  });
});
