/**
 * Remembers keys for a while, bounded in count, to drop provider retries of a webhook
 * that was already acknowledged. Insertion order doubles as age order.
 */
export class RecentIds {
  private readonly seenAt = new Map<string, number>();

  constructor(
    private readonly ttlMs = 15 * 60_000,
    private readonly max = 10_000,
  ) {}

  /** True when `key` was recorded within the TTL; records it otherwise. */
  check(key: string, now = Date.now()): boolean {
    this.prune(now);
    if (this.seenAt.has(key)) return true;
    this.seenAt.set(key, now);
    if (this.seenAt.size > this.max) {
      const oldest = this.seenAt.keys().next().value;
      if (oldest !== undefined) this.seenAt.delete(oldest);
    }
    return false;
  }

  get size(): number {
    return this.seenAt.size;
  }

  private prune(now: number): void {
    for (const [key, at] of this.seenAt) {
      if (now - at < this.ttlMs) break;
      this.seenAt.delete(key);
    }
  }
}
