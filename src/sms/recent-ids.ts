import { ownString } from './own-string';

/**
 * Remembers keys (provider message ids) for the retention, bounded in bytes, to drop
 * provider retries and replays of a webhook that was already acknowledged. Insertion order
 * doubles as age order.
 */

export const DEFAULT_RETENTION_MS = 48 * 3_600_000;

/**
 * 16 MiB holds some 100 000 ids of 40 characters: the 48 h of a number receiving one message
 * every two seconds. A flood of fresh ids beyond that pushes out the oldest, never the heap.
 */
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/** Map entry, the time as a heap number and the string's header, as V8 lays them out (rounded up). */
const ENTRY_OVERHEAD_BYTES = 96;

/** What a key costs here: two bytes a character at most, plus the entry. */
export function keyBytes(key: string): number {
  return 2 * key.length + ENTRY_OVERHEAD_BYTES;
}

export class RecentIds {
  private readonly seenAt = new Map<string, number>();
  private bytes = 0;
  /** Keys forgotten before their time because the memory was full. */
  evicted = 0;

  /**
   * `ttlMs`: how long a key is remembered, the retention (smsStore.retentionHours, SPEC §4);
   * `max` keys and `maxBytes` of heap (estimated) at most, past which the oldest are forgotten.
   */
  constructor(
    private ttlMs = DEFAULT_RETENTION_MS,
    private readonly max = Number.POSITIVE_INFINITY,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {}

  /** Another retention (a redeploy with other settings); the keys held stay. */
  setTtl(ttlMs: number): void {
    this.ttlMs = ttlMs;
  }

  /** True when `key` was recorded within the TTL. */
  has(key: string, now = Date.now()): boolean {
    this.prune(now);
    return this.seenAt.has(key);
  }

  /** True when `key` was recorded within the TTL; records it otherwise. */
  check(key: string, now = Date.now()): boolean {
    this.prune(now);
    if (this.seenAt.has(key)) return true;
    const own = ownString(key);
    this.seenAt.set(own, now);
    this.bytes += keyBytes(own);
    for (const oldest of this.seenAt.keys()) {
      if (this.bytes <= this.maxBytes && this.seenAt.size <= this.max) break;
      this.forget(oldest);
      this.evicted += 1;
    }
    return false;
  }

  get size(): number {
    return this.seenAt.size;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  private forget(key: string): void {
    this.seenAt.delete(key);
    this.bytes -= keyBytes(key);
  }

  private prune(now: number): void {
    for (const [key, at] of this.seenAt) {
      if (now - at < this.ttlMs) break;
      this.forget(key);
    }
  }
}
