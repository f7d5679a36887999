/**
 * Spaces calls evenly at `ratePerSecond` (a virtual schedule, so many callers waiting at once are
 * released one interval apart rather than in a burst). A slot left unused during a short pause (at most
 * `catchUpMs` ago) may still be taken, so brief stalls do not lower the sustained rate; SES counts its
 * maximum rate over a second, so this never exceeds it.
 */
export class Pacer {
  private next = 0;
  constructor(
    private readonly ratePerSecond: number,
    private readonly catchUpMs = 100,
    private readonly clock: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    if (!(ratePerSecond > 0)) throw new Error('send rate must be positive');
  }

  /** Resolves when the caller may make its call. */
  async take(): Promise<void> {
    const interval = 1000 / this.ratePerSecond;
    const now = this.clock();
    const slot = Math.max(now - this.catchUpMs, this.next);
    this.next = slot + interval;
    if (slot > now) await this.sleep(slot - now);
  }

  /** Pushes every later slot back (after the service said we were too fast). */
  backOff(ms: number): void {
    this.next = Math.max(this.next, this.clock() + ms);
  }
}
