/** Where micromark saw code (fenced, indented, inline), math, front matter or an HTML comment: no page syntax there. */
import type { Event } from 'micromark-util-types';
import type { Span } from './model';

const NOT_CONTENT = new Set(['codeFenced', 'codeIndented', 'codeText', 'mathFlow', 'mathText', 'yaml', 'toml']);

/** The outermost such regions, in document order. */
export function codeRegions(events: readonly Event[], text: string): Span[] {
  const out: Span[] = [];
  for (const [kind, token] of events) {
    if (kind !== 'enter') continue;
    const type = token.type as string;
    const comment = (type === 'htmlFlow' || type === 'htmlText') && text.startsWith('<!--', token.start.offset);
    if (!NOT_CONTENT.has(type) && !comment) continue;
    const last = out[out.length - 1];
    if (last && token.start.offset < last.end) continue;
    out.push({ start: token.start.offset, end: token.end.offset });
  }
  return out;
}

/** For offsets asked in increasing order: the end of the region holding the offset, if any. */
export function regionSkipper(regions: readonly Span[]): (offset: number) => number | undefined {
  let i = 0;
  return (offset) => {
    while (i < regions.length && (regions[i] as Span).end <= offset) i++;
    const r = regions[i];
    return r && r.start <= offset ? r.end : undefined;
  };
}

/** Is the offset inside one of the spans (sorted, not overlapping)? O(log n). */
export function insideAny(spans: readonly Span[], offset: number): boolean {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = spans[mid] as Span;
    if (offset < s.start) hi = mid - 1;
    else if (offset >= s.end) lo = mid + 1;
    else return true;
  }
  return false;
}
