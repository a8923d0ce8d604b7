/**
 * The dense screens the OCR is measured on (test/support/denseScreens.ts) and the layout check built on their truth
 * (test/support/screenLayout.ts): the screens are what the issue asks for (1080p, ≥ 400 words, the same for a seed, a
 * held-out variant unlike the dev one), their truth matches what was drawn, and the check catches each way a reader
 * can break a layout — with hand-made reader output modelled on what the issue saw — while a perfect reading passes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { denseScreen, denseScreens, layoutViolations, renderScreen, type DenseScene } from '../../support/denseScreens';
import { regionsFromPlaced, type ScreenLayout } from '../../support/screenLayout';
import { wordsFound } from '../../support/screens';

/** What a perfect reader gives: each panel's lines, panel after panel. */
const perfect = (scene: DenseScene): string[] => scene.layout.regions.flatMap((r) => r.lines);
const region = (scene: DenseScene, name: string): readonly string[] => {
  const r = scene.layout.regions.find((x) => x.name === name);
  assert.ok(r, `no panel ${name}`);
  return r.lines;
};
const kinds = (v: readonly { kind: string }[]): Record<string, number> => v.reduce<Record<string, number>>((m, x) => ({ ...m, [x.kind]: (m[x.kind] ?? 0) + 1 }), {});

describe('dense screens', () => {
  const dev = denseScreens('dev');
  const heldOut = denseScreens('held-out');

  it('are 1080p, with at least 400 words each, every text inside the screen', () => {
    for (const s of [...dev, ...heldOut]) {
      const words = s.lines.flatMap((l) => l.split(/\s+/).filter(Boolean)).length;
      assert.ok(words >= 400, `${s.variant} ${s.title}: ${words} words`);
      assert.equal(`${s.width}×${s.height}`, '1920×1080');
      for (const [text, x, y] of s.placed) assert.ok(x >= 0 && x < 1920 && y > 0 && y <= 1080, `${text} at ${x},${y}`);
    }
  });

  it('are the same for a seed, and the held-out variant is other content of the same kind, its panels moved', () => {
    for (const [i, s] of dev.entries()) {
      assert.equal(denseScreen(s.kind, 'dev').svg, s.svg);
      const other = heldOut[i];
      assert.ok(other && other.kind === s.kind && other.seed !== s.seed);
      assert.deepEqual(other.layout.regions.map((r) => r.name), s.layout.regions.map((r) => r.name));
      // …and laid out elsewhere: a layout tuned on the dev screen's pixel positions does not fit the held-out one.
      if (s.kind !== 'terminal') assert.notDeepEqual(other.layout.regions.map((r) => r.rect), s.layout.regions.map((r) => r.rect));
      // The editor's code follows one template (other names, numbers, packages, tree and terminal): most of its words recur.
      assert.ok(wordsFound(s.lines, other.lines.join('\n')).share < (s.kind === 'editor' ? 0.9 : 0.7), `${s.title}: the held-out screen repeats the dev one`);
    }
  });

  it('know their layout: every drawn text in one panel, table rows and numbered items among the panel lines', () => {
    for (const s of [...dev, ...heldOut]) {
      const drawn = s.lines.flatMap((l) => l.split(/\s+/).filter(Boolean)).sort();
      assert.deepEqual(perfect(s).flatMap((l) => l.split(/\s+/).filter(Boolean)).sort(), drawn, s.title);
      for (const t of s.layout.tables) for (const row of t.rows) assert.ok(region(s, t.region).includes(row), `${s.title}: row ${row}`);
      for (const n of s.layout.numbered) {
        const line = `${n.number.padStart(n.kind === 'gutter' ? 2 : 0, ' ')} ${n.item}`.trim();
        const squeeze = (l: string): string => l.trim().replace(/\s+/g, ' ');
        assert.ok(region(s, n.region).some((l) => squeeze(l) === squeeze(line)), `${s.title}: ${line}`);
      }
    }
    const [dashboard, editor, terminal] = dev;
    assert.equal(dashboard?.layout.tables[0]?.rows.length, 13); // the header and 12 rows
    assert.equal(dashboard?.layout.numbered.length, 16);
    assert.equal(editor?.layout.numbered.filter((n) => n.region === 'editor').length, 22); // 25 lines, 3 of them empty
    assert.ok(terminal?.layout.tables.some((t) => t.rows.some((r) => r.startsWith('drwxr-xr-x'))));
  });

  it('refuse a truth with a text outside every panel', () => {
    assert.throws(() => regionsFromPlaced([['stray', 50, 50, 13]], [{ name: 'a', rect: { x: 100, y: 0, width: 100, height: 100 } }]), /"stray" at \(50, 50\) lies in 0 panels/);
  });

  it('render at their own size', async () => {
    const png = await renderScreen(dev[0] as DenseScene);
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1920, 1080]);
  });
});

describe('layout violations', () => {
  const [dashboard, editor, terminal] = denseScreens('held-out') as [DenseScene, DenseScene, DenseScene];

  it('none for a perfect reading of each screen, in any order of its panels', () => {
    for (const s of [...denseScreens('dev'), dashboard, editor, terminal]) {
      assert.deepEqual(layoutViolations(s.layout, perfect(s)), [], `${s.variant} ${s.title}`);
      assert.deepEqual(layoutViolations(s.layout, [...s.layout.regions].reverse().flatMap((r) => r.lines)), [], s.title);
    }
  });

  it('none for misread words (a letter wrong, a number misread) that keep the layout', () => {
    const misread = perfect(dashboard).map((l) => l.replace(/v(\d)/g, 'va').replace(/Compare/g, 'Cornpare').replace(/Healthy/g, 'Healthv'));
    assert.deepEqual(layoutViolations(dashboard.layout, misread), []);
  });

  it('none for words split where the screen has them whole (MAX_ENTRIES read as "MAX ENTRIES", $NODE_ENV as "$NODE _ENV")', () => {
    for (const s of [editor, terminal]) {
      const split = perfect(s).map((l) => l.replace(/_/g, ' ').replace(/\$NODE ENV/g, '$NODE _ENV'));
      assert.deepEqual(layoutViolations(s.layout, split), [], s.title);
    }
  });

  it('two side-by-side panels read line by line into each other ("Europe … 30.256 … 3. Compare query plans")', () => {
    const table = region(dashboard, 'region table');
    const list = region(dashboard, 'checklist');
    const joined = table.map((row, i) => `${row} ${list[i] ?? ''}`);
    const v = layoutViolations(dashboard.layout, [...region(dashboard, 'header'), ...joined, ...list.slice(table.length)]);
    const panels = v.filter((x) => x.kind === 'panels-joined');
    assert.equal(panels.length, table.length, v.map((x) => x.message).join('\n'));
    assert.match(panels[2]?.message ?? '', /^line \d+ joins region table \("[^"]+"\) and checklist \("[^"]+"\): /);
  });

  it('not for panels stacked one above the other on one line (they are not side by side)', () => {
    const stacked = [`${region(dashboard, 'header').join(' ')} ${region(dashboard, 'card 1').join(' ')}`];
    assert.deepEqual(layoutViolations({ ...dashboard.layout, numbered: [], tables: [] }, stacked).filter((x) => x.kind === 'panels-joined'), []);
  });

  it('a numbered list read as all the numbers first, then all the items', () => {
    const items = dashboard.layout.numbered;
    const v = layoutViolations(dashboard.layout, [...items.map((n) => n.number), ...items.map((n) => n.item)]);
    const apart = v.filter((x) => x.kind === 'number-apart');
    assert.equal(apart.length, 16);
    assert.match(apart[2]?.message ?? '', /^number 3\. is not with ".+"; its item is on line 19: /);
  });

  it('a number on the line before or after its item, or next to another item', () => {
    const items = dashboard.layout.numbered;
    const shifted = items.map((n, i) => `${n.number} ${items[(i + 1) % items.length]?.item ?? ''}`);
    assert.equal(layoutViolations(dashboard.layout, shifted).filter((x) => x.kind === 'number-apart').length, 16);
    const ownLine = items.flatMap((n) => [n.number, n.item]);
    assert.equal(layoutViolations(dashboard.layout, ownLine).filter((x) => x.kind === 'number-apart').length, 16);
  });

  it('a line-number gutter turned into garbage lines ("HO OW oO NOULE WN"), unless the gutter is to be dropped', () => {
    const code = editor.layout.numbered.filter((n) => n.region === 'editor');
    const lines = ['HO OW oO NOULE WN', 'NOULE oO HO', ...code.map((n) => n.item)];
    assert.equal(layoutViolations(editor.layout, lines).filter((x) => x.kind === 'number-apart' && /^line number \d+ /.test(x.message)).length, editor.layout.numbered.length);
    const dropped = layoutViolations(editor.layout, lines, { gutter: 'dropped' });
    assert.deepEqual(dropped, []);
    const kept = layoutViolations(editor.layout, perfect(editor), { gutter: 'dropped' });
    assert.equal(kept.length, editor.layout.numbered.length);
    assert.match(kept[0]?.message ?? '', /^gutter number 1 kept \(the gutter is to be dropped\): /);
  });

  it('a table row over two lines: a cut word ("E" / "urope", "H" / "ealthy") or cells on the next line', () => {
    const rows = dashboard.layout.tables[0]?.rows ?? [];
    const row = rows.slice(1).find((r) => (r.split(' ')[0] ?? '').length >= 4) ?? '';
    const [first = ''] = row.split(' ');
    const cut = perfect(dashboard).flatMap((l) => (l === row ? [first.slice(0, 1), `${first.slice(1)}${row.slice(first.length)}`] : [l]));
    const v = layoutViolations(dashboard.layout, cut);
    assert.deepEqual(kinds(v), { 'row-split': 1 }, v.map((x) => x.message).join('\n'));
    assert.match(v[0]?.message ?? '', new RegExp(`"${first.toLowerCase()}" is cut between lines \\("${first.slice(0, 1).toLowerCase()}" / "${first.slice(1).toLowerCase()}"\\)`));

    const cells = row.split(' ');
    const halves = perfect(dashboard).flatMap((l) => (l === row ? [cells.slice(0, 4).join(' '), cells.slice(4).join(' ')] : [l]));
    const spread = layoutViolations(dashboard.layout, halves);
    assert.equal(spread.length, 1);
    assert.match(spread[0]?.message ?? '', /is spread over lines \d+, \d+: /);
  });

  it('a table row not read at all, and an ls -l listing folded in two', () => {
    const rows = dashboard.layout.tables[0]?.rows ?? [];
    const v = layoutViolations(dashboard.layout, perfect(dashboard).filter((l) => l !== rows[5]));
    assert.deepEqual(v.map((x) => x.message), [`table row not found: ${rows[5]}`]);
    const listing = terminal.layout.tables[0]?.rows ?? [];
    const folded = perfect(terminal).flatMap((l) => (listing.includes(l) ? [l.slice(0, 30), l.slice(30)] : [l]));
    assert.ok(layoutViolations(terminal.layout, folded).filter((x) => x.kind === 'row-split').length >= listing.length - 1);
  });

  it('lines of one panel read as one line: two table rows, or a whole terminal on a single line', () => {
    const rows = dashboard.layout.tables[0]?.rows ?? [];
    const two = perfect(dashboard).flatMap((l) => (l === rows[2] ? [] : l === rows[1] ? [`${rows[1]} ${rows[2]}`] : [l]));
    const v = layoutViolations(dashboard.layout, two);
    assert.deepEqual(kinds(v), { 'lines-joined': 1 }, v.map((x) => x.message).join('\n'));
    assert.match(v[0]?.message ?? '', /^line \d+ joins 2 lines of region table: /);
    const single = layoutViolations(terminal.layout, [perfect(terminal).join(' ')]);
    assert.equal(single.filter((x) => x.kind === 'lines-joined').length, 1);
    assert.match(single.find((x) => x.kind === 'lines-joined')?.message ?? '', /^line 1 joins \d{2} lines of terminal: /);
  });

  it('a reader\'s output cut short: only what is missing is reported; 20,000 lines of noise around it change nothing', () => {
    const all = perfect(dashboard);
    const list = region(dashboard, 'checklist');
    const cut = all.slice(0, all.indexOf(list[10] ?? ''));
    const v = layoutViolations(dashboard.layout, cut);
    assert.deepEqual(kinds(v), { 'number-apart': 16 - 8 }, v.map((x) => x.message).join('\n')); // items 1–8 are in
    assert.ok(v.every((x) => x.message.endsWith('its item is not found')));
    const noise = Array.from({ length: 20_000 }, (_, i) => `lorem ipsum ${i} dolor sit amet`);
    assert.deepEqual(layoutViolations(dashboard.layout, [...noise.slice(0, 10_000), ...all, ...noise.slice(10_000)]), []);
  });

  it('a small hand-made layout: each rule on its own', () => {
    const layout: ScreenLayout = {
      regions: [
        { name: 'left', rect: { x: 0, y: 0, width: 100, height: 100 }, lines: ['Alpha bravo', '1. Charlie delta echo'] },
        { name: 'right', rect: { x: 100, y: 0, width: 100, height: 100 }, lines: ['Name Size', 'Foxtrot 1,234'] },
      ],
      tables: [{ region: 'right', rows: ['Name Size', 'Foxtrot 1,234'] }],
      numbered: [{ region: 'left', kind: 'list', number: '1.', item: 'Charlie delta echo' }],
    };
    assert.deepEqual(layoutViolations(layout, ['Alpha bravo', '1. Charlie delta echo', 'Name Size', 'Foxtrot 1,234']), []);
    assert.deepEqual(kinds(layoutViolations(layout, ['Alpha bravo Name Size', '1. Charlie delta echo Foxtrot 1,234'])), { 'panels-joined': 2 });
    assert.deepEqual(kinds(layoutViolations(layout, ['Alpha bravo', '1.', 'Charlie delta echo', 'Name Size', 'Foxtrot 1,234'])), { 'number-apart': 1 });
    assert.deepEqual(kinds(layoutViolations(layout, ['Alpha bravo 1. Charlie delta echo', 'Name Size', 'Foxtrot 1,234'])), { 'lines-joined': 1 });
    assert.deepEqual(kinds(layoutViolations(layout, ['Alpha bravo', '1) Charlie delta echo', 'Name Size', 'Foxtrot', '1,234'])), { 'row-split': 1 });
  });
});
