import type { InboundSms } from './types';
import { keywordOf, optOutOf } from './keywords';

export interface MultipartLimits {
  /** Groups held at once; past it the oldest is emitted incomplete. */
  maxGroups: number;
  /** Text bytes held at once, across groups; past it the oldest is emitted incomplete. */
  maxBytes: number;
  /** How long a group waits for its missing parts. */
  expiryMs: number;
}

export const DEFAULT_LIMITS: MultipartLimits = { maxGroups: 1000, maxBytes: 4 * 1024 * 1024, expiryMs: 5 * 60_000 };

interface Group {
  total: number;
  parts: Map<number, InboundSms>;
  firstAt: number;
  bytes: number;
}

/** The cost of holding a part: its text plus what `raw` keeps of it. */
function sizeOf(part: InboundSms): number {
  return Buffer.byteLength(part.text) + Buffer.byteLength(JSON.stringify(part.raw ?? null));
}

/** One message from the parts that arrived, in part order. */
export function combineParts(parts: InboundSms[], total: number): InboundSms {
  const ordered = [...parts].sort((a, b) => (a.concat?.part ?? 0) - (b.concat?.part ?? 0));
  const head = ordered[0];
  const text = ordered.map((p) => p.text).join('');
  const combined: InboundSms = {
    ...head,
    text,
    keyword: keywordOf(text),
    optOut: optOutOf(text),
    segments: total,
    raw: ordered.map((p) => p.raw),
  };
  if (combined.optOut === undefined) delete combined.optOut;
  delete combined.concat;
  if (ordered.length < total) combined.incomplete = true;
  return combined;
}

/**
 * Holds Vonage SMS API multipart parts (each already acknowledged) until all have arrived,
 * then hands one message to `emit`. Memory is bounded by group count, bytes and expiry;
 * a group pushed out by a bound is emitted with what it has, never silently dropped.
 */
export class MultipartAssembler {
  private readonly groups = new Map<string, Group>();
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly emit: (sms: InboundSms) => void,
    private limits: MultipartLimits = DEFAULT_LIMITS,
  ) {}

  /**
   * New limits for the groups already held too: the assembler outlives redeploys of its
   * node, and a redeploy may come with other settings.
   */
  setLimits(limits: MultipartLimits): void {
    this.limits = limits;
    this.stop();
    this.enforceLimits();
    this.schedule();
  }

  add(part: InboundSms, now = Date.now()): void {
    const concat = part.concat;
    if (!concat) {
      this.emit(part);
      return;
    }
    // A reference number is only unique per sender and number.
    const key = `${part.from}\u0000${part.to}\u0000${concat.ref}`;
    let group = this.groups.get(key);
    if (!group) {
      group = { total: concat.total, parts: new Map(), firstAt: now, bytes: 0 };
      this.groups.set(key, group);
    }
    if (group.parts.has(concat.part)) return;
    const size = sizeOf(part);
    group.parts.set(concat.part, part);
    group.bytes += size;
    this.bytes += size;
    if (group.parts.size >= group.total) {
      this.release(key, group);
    }
    this.enforceLimits();
    this.schedule();
  }

  /** Emits every group older than the expiry, incomplete. */
  expire(now = Date.now()): void {
    for (const [key, group] of this.groups) {
      if (now - group.firstAt < this.limits.expiryMs) break;
      this.release(key, group);
    }
    this.schedule();
  }

  /** Emits everything held, incomplete; used when the node goes away. */
  flush(): void {
    for (const [key, group] of this.groups) this.release(key, group);
    this.stop();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  get groupCount(): number {
    return this.groups.size;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  private release(key: string, group: Group): void {
    this.groups.delete(key);
    this.bytes -= group.bytes;
    this.emit(combineParts([...group.parts.values()], group.total));
  }

  private enforceLimits(): void {
    for (const [key, group] of this.groups) {
      if (this.groups.size <= this.limits.maxGroups && this.bytes <= this.limits.maxBytes) break;
      this.release(key, group);
    }
  }

  /** One timer for the oldest group; it does not keep Node-RED alive. */
  private schedule(): void {
    if (this.timer) return;
    const oldest = this.groups.values().next().value;
    if (!oldest) return;
    const wait = Math.max(0, oldest.firstAt + this.limits.expiryMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.expire();
    }, wait);
    this.timer.unref();
  }
}
