/** How many requests an alt-text run sends at once (generate.ts): fewer when the service throttles, more as it answers. */

/** What the throttle counts into the run's statistics. */
export interface ThrottleStats {
  /** Answers that said 429 (too many requests). */
  throttled: number;
  /** The most requests that were open at once. */
  peakConcurrency: number;
}

/**
 * At most `limit` requests at once: it starts at 4 (or less), halves when the service throttles (429) and grows by
 * one after as many answers as the limit, up to `max`.
 */
export class Throttle {
  private limit: number;
  private running = 0;
  private successesSinceChange = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly max: number,
    private readonly stats: ThrottleStats,
  ) {
    this.limit = Math.min(4, max);
  }

  async acquire(): Promise<void> {
    while (this.running >= this.limit) await new Promise<void>((r) => this.waiters.push(r));
    this.running++;
    this.stats.peakConcurrency = Math.max(this.stats.peakConcurrency, this.running);
  }

  release(): void {
    this.running--;
    this.wake();
  }

  throttled(): void {
    this.stats.throttled++;
    this.limit = Math.max(1, Math.floor(this.limit / 2));
    this.successesSinceChange = 0;
  }

  answered(): void {
    if (++this.successesSinceChange >= this.limit && this.limit < this.max) {
      this.limit++;
      this.successesSinceChange = 0;
      this.wake();
    }
  }

  private wake(): void {
    while (this.waiters.length && this.running < this.limit) this.waiters.shift()?.();
  }
}
