/** When frames play: the delays as browsers play them, and when each frame starts. */

/** Browsers play delays of 10 ms or less (and missing ones) as 100 ms. */
export function playedDelay(ms: number | undefined): number {
  return ms === undefined || !Number.isFinite(ms) || ms <= 10 ? 100 : ms;
}

/** When each frame starts, in ms from the start, and how long all of them play. */
export function timeline(delays: readonly number[]): { startsMs: number[]; durationMs: number } {
  const startsMs: number[] = [];
  let t = 0;
  for (const d of delays) {
    startsMs.push(t);
    t += d;
  }
  return { startsMs, durationMs: t };
}
