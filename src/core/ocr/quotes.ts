/**
 * Quotes read by their marks (in the OCR worker thread, for glyphs.ts).
 *
 * Found first (generated editors, DejaVu Sans Mono): the model reads a backtick (`` `${a}` ``) as `"` or as `'`.
 * Every font draws `"` as two marks and a backtick as one, slanted, unlike its straight single quote. So, against the
 * region's single quote (the home group of the glyphs read `'`, see glyphs.ts):
 * - a `"` drawn as one mark is a single quote when it has that shape (within {@link SAME} on average), a backtick
 *   when it is unlike it (beyond {@link UNLIKE});
 * - a `'` outside that home, unlike it and shaped like a backtick found so (within {@link SAME}), is a backtick; so
 *   is one shaped like a backtick found that way, and so on.
 * Without a home for `'` (its glyphs too few or too varied to group), each glyph is compared with the nearest glyph
 * read `'`; with fewer than two of those nothing changes. Before all that, and without any single quote to compare
 * with, a `'` or a one-mark `"` whose one mark leans down to the right (glyphShapes.ts, backtickShaped) is a backtick:
 * straight quotes stand upright, commas and typographic quotes lean the other way. Pure functions, no I/O.
 */
import { backtickShaped, type Glyph } from './glyphShapes';

/** The quote readings compared here. */
export const QUOTES: readonly string[] = ['"', "'", '`'];

/** Average share of ink that differs under which a glyph has the single quote's shape. */
const SAME = 0.12;
/** Above this it is unlike the single quote. */
const UNLIKE = 0.25;

/** Average of d[i, m] over the members m. */
function average(d: Float64Array, n: number, i: number, members: readonly number[]): number {
  let sum = 0;
  for (const m of members) sum += d[i * n + m] as number;
  return sum / members.length;
}

/**
 * The quotes to read again (see the header): `d` the glyphs' shape distances (n × n), `singles` the members of the
 * single quote's home group.
 */
export function quoteReadings(glyphs: readonly Glyph[], d: Float64Array, singles: readonly number[] | undefined): Map<Glyph, string> {
  const out = new Map<Glyph, string>();
  // Whatever the region holds: a quote drawn as one mark leaning down to the right is a backtick.
  for (const g of glyphs) if ((g.text === "'" || (g.text === '"' && g.parts === 1)) && backtickShaped(g)) out.set(g, '`');
  const n = glyphs.length;
  // Without a home (single quotes too few or too varied to group), the glyphs read `'`, each compared on its own.
  const read = glyphs.flatMap((g, i) => (g.text === "'" ? [i] : []));
  const away = singles?.length ? (i: number) => average(d, n, i, singles) : (i: number) => Math.min(...read.map((r) => d[i * n + r] as number));
  if (!singles?.length && read.length < 2) return out;
  const home = new Set(singles?.length ? singles : read);
  const backticks: number[] = [];
  glyphs.forEach((g, i) => {
    if (g.text === '`' || out.get(g) === '`') backticks.push(i);
    if (g.text !== '"' || g.parts !== 1 || out.has(g)) return;
    const distance = away(i);
    if (distance <= SAME) out.set(g, "'");
    else if (distance > UNLIKE) {
      out.set(g, '`');
      backticks.push(i);
    }
  });
  // Single quotes unlike the home, like a backtick found so far (each found one joins the comparison).
  const candidates = glyphs.flatMap((g, i) => (g.text === "'" && !home.has(i) && away(i) > UNLIKE ? [i] : []));
  for (let found = true; found && backticks.length; ) {
    found = false;
    for (const i of candidates) {
      const g = glyphs[i] as Glyph;
      if (out.has(g) || !backticks.some((b) => (d[i * n + b] as number) <= SAME)) continue;
      out.set(g, '`');
      backticks.push(i);
      found = true;
    }
  }
  return out;
}
