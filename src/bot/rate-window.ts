/**
 * Counts events per key in a sliding window. The group pace and the auto-answer budget use it
 * to keep every group under Telegram's limit of about 20 messages a minute.
 */
export class RateWindow {
  private readonly events = new Map<string | number, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** When the next event for `key` may happen without exceeding the limit (`now` if at once). */
  nextSlot(key: string | number, now = Date.now()): number {
    const times = this.prune(key, now);
    if (times.length < this.limit) return now;
    return (times[times.length - this.limit] ?? now) + this.windowMs;
  }

  /** Records an event at `at` (a time from {@link nextSlot}). */
  record(key: string | number, at = Date.now()): void {
    const times = this.events.get(key) ?? [];
    times.push(at);
    times.sort((a, b) => a - b);
    this.events.set(key, times);
  }

  /** Records an event now if the limit allows it; false when the window is full. */
  tryTake(key: string | number, now = Date.now()): boolean {
    if (this.nextSlot(key, now) > now) return false;
    this.record(key, now);
    return true;
  }

  private prune(key: string | number, now: number): number[] {
    const times = this.events.get(key);
    if (!times) return [];
    const fresh = times.filter((t) => t > now - this.windowMs);
    if (fresh.length === 0) this.events.delete(key);
    else this.events.set(key, fresh);
    return fresh;
  }
}
