/**
 * Spreading a budget of frames over a sequence of weighted changes. It minimises the largest *unseen* part between two
 * chosen frames (the weights between them minus the largest: one jump between two chosen frames is fully seen) by
 * bisecting over that bound with a greedy walk, then splits the largest gaps at their balance point while budget is
 * left. Nodes are 0…count-1; `change[k]` is the weight of going from node k-1 to node k.
 */

/** Was node k already shown by one of the picks (the same screen, a near-duplicate)? */
type IsDup = (k: number, picks: readonly number[]) => boolean;

/** Unseen change between chosen nodes a < b: the weights after a up to b, minus the largest (seen as a → b). */
function unseen(change: readonly number[], a: number, b: number): number {
  let sum = 0;
  let max = 0;
  for (let j = a + 1; j <= b; j++) {
    const c = change[j] ?? 0;
    sum += c;
    max = Math.max(max, c);
  }
  return sum - max;
}

/** The farthest node after `a` whose unseen change from `a` stays within `bound`, stopping at a forced node. */
function reach(change: readonly number[], a: number, last: number, bound: number, isForced: (k: number) => boolean): number {
  let far = a + 1;
  let sum = change[far] ?? 0;
  let max = sum;
  if (isForced(far)) return far;
  for (let j = a + 2; j <= last; j++) {
    const c = change[j] ?? 0;
    if (sum + c - Math.max(max, c) > bound) break;
    sum += c;
    max = Math.max(max, c);
    far = j;
    if (isForced(j)) break;
  }
  return far;
}

/** One greedy walk from node 0 to the last, each step as far as `bound` allows; undefined when over the budget. */
function walk(change: readonly number[], last: number, bound: number, isForced: (k: number) => boolean, budget: number, isDup: IsDup): number[] | undefined {
  const picks = [0];
  for (let a = 0; a < last; ) {
    a = reach(change, a, last, bound, isForced);
    if (isDup(a, picks)) continue; // already shown: move on without spending a frame
    picks.push(a);
    if (picks.length > budget) return undefined;
  }
  return picks;
}

/** The walk with the least bound on the unseen change that the budget allows, found by bisection. */
function tightestWalk(change: readonly number[], last: number, isForced: (k: number) => boolean, budget: number, isDup: IsDup): number[] {
  const tryBound = (bound: number) => walk(change, last, bound, isForced, budget, isDup);
  let hi = change.reduce((s, c) => s + c, 0) + 1;
  let best = tryBound(hi);
  if (!best) return [0]; // cannot happen: forced nodes are never more than the budget
  const exact = tryBound(0);
  if (exact) return exact;
  let lo = 0;
  for (let iter = 0; iter < 48 && hi - lo > 1e-9; iter++) {
    const mid = (lo + hi) / 2;
    const w = tryBound(mid);
    if (w) {
      best = w;
      hi = mid;
    } else lo = mid;
  }
  return best;
}

/** The gap (index into `bounds`) with the most unseen change that can still be split, or -1. */
function worstGap(change: readonly number[], bounds: readonly number[], exhausted: ReadonlySet<number>): number {
  let gap = -1;
  let worst = 0;
  for (let g = 0; g + 1 < bounds.length; g++) {
    const a = bounds[g] as number;
    const b = bounds[g + 1] as number;
    if (b - a < 2 || exhausted.has(a)) continue;
    const u = unseen(change, a, b);
    if (u > worst) {
      worst = u;
      gap = g;
    }
  }
  return gap;
}

/**
 * The node between a and b to split their gap at: the one whose larger side (unseen before it from a, after it up to
 * b) is least, not already shown; -1 for none.
 */
function balancePoint(change: readonly number[], a: number, b: number, picks: readonly number[], isDup: IsDup): number {
  const after = new Float64Array(b - a);
  for (let k = b - 1, sum = 0, max = 0; k > a; k--) {
    const c = change[k + 1] ?? 0;
    sum += c;
    max = Math.max(max, c);
    after[k - a] = sum - max;
  }
  const candidates: { k: number; cost: number }[] = [];
  for (let k = a + 1, sum = 0, max = 0; k < b; k++) {
    const c = change[k] ?? 0;
    sum += c;
    max = Math.max(max, c);
    candidates.push({ k, cost: Math.max(sum - max, after[k - a] as number) });
  }
  candidates.sort((x, y) => x.cost - y.cost || x.k - y.k);
  return candidates.find((c) => !isDup(c.k, picks))?.k ?? -1;
}

/** Budget left: split the gaps with most unseen change at their balance point. */
function splitGaps(change: readonly number[], last: number, chosen: readonly number[], budget: number, isDup: IsDup): number[] {
  const picks = [...chosen];
  const exhausted = new Set<number>();
  while (picks.length < budget) {
    const bounds = picks[picks.length - 1] === last ? picks : [...picks, last];
    const gap = worstGap(change, bounds, exhausted);
    if (gap < 0) break;
    const a = bounds[gap] as number;
    const choice = balancePoint(change, a, bounds[gap + 1] as number, picks, isDup);
    if (choice < 0) {
      exhausted.add(a);
      continue;
    }
    picks.push(choice);
    picks.sort((x, y) => x - y);
  }
  return picks;
}

/**
 * Pick at most `budget` of `count` nodes (0 always; the last unless already seen), minimising the largest unseen
 * change between consecutive picks, stopping at forced nodes; never a node `isDup` says was already shown.
 */
export function spread(count: number, change: readonly number[], isForced: (k: number) => boolean, budget: number, isDup: IsDup): number[] {
  const last = count - 1;
  return splitGaps(change, last, tightestWalk(change, last, isForced, budget, isDup), budget, isDup);
}
