import type { InboundSms } from './types';
import { keywordOf, optOutOf } from './keywords';
import { ownString } from './own-string';

export interface MultipartLimits {
  /** Groups held at once; past it a part that would start a new group is refused. */
  maxGroups: number;
  /** Groups one sender may have open at once, so one sender cannot take the room of all. */
  maxGroupsPerSender: number;
  /** Heap the held parts may take (estimated), across groups. */
  maxBytes: number;
  /** How long a group waits for its missing parts. */
  expiryMs: number;
}

export const DEFAULT_LIMITS: MultipartLimits = {
  maxGroups: 10_000,
  maxGroupsPerSender: 20,
  maxBytes: 16 * 1024 * 1024,
  expiryMs: 5 * 60_000,
};

/**
 * New groups may fill this share of `maxBytes`; the rest is kept for the missing parts of
 * groups already held, so a full memory still lets those complete.
 */
const NEW_GROUP_SHARE = 0.9;

/** What holding a part costs beyond its strings: the part, its raw fields, the group's entries. */
const PART_OVERHEAD_BYTES = 1024;

interface Group {
  sender: string;
  total: number;
  parts: Map<number, InboundSms>;
  firstAt: number;
  bytes: number;
}

/** The cost of holding a part, estimated: its text and raw fields (two bytes a character at most). */
export function sizeOf(part: InboundSms): number {
  let chars = part.text.length + part.from.length + part.to.length + part.messageId.length;
  const raw = part.raw;
  if (raw && typeof raw === 'object') {
    for (const [name, value] of Object.entries(raw)) chars += name.length + (typeof value === 'string' ? value.length : 16);
  }
  return 2 * chars + PART_OVERHEAD_BYTES;
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

/** A reference number is only unique per sender and number (SPEC §4: sender + concat-ref). */
function keyOf(part: InboundSms): string {
  return `${part.from}\u0000${part.to}\u0000${part.concat?.ref ?? ''}`;
}

/**
 * Holds Vonage SMS API multipart parts (each already acknowledged) until all have arrived,
 * then hands one message to `emit`. A held part leaves only with its message: complete, or
 * incomplete at its expiry or when the node goes away — never pushed out by other parts.
 * Memory is bounded instead by refusing, before it is acknowledged, a part that would start
 * a group past the caps (`admits`); the provider retries it later.
 */
export class MultipartAssembler {
  private readonly groups = new Map<string, Group>();
  private readonly groupsBySender = new Map<string, number>();
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly emit: (sms: InboundSms) => void,
    private limits: MultipartLimits = DEFAULT_LIMITS,
  ) {}

  /** New limits (the assembler outlives redeploys of its node); groups already held stay. */
  setLimits(limits: MultipartLimits): void {
    this.limits = limits;
    this.stop();
    this.schedule();
  }

  /** Whether `part` can be held now: its group is held and there is room, or a new group fits. */
  admits(part: InboundSms): boolean {
    if (!part.concat) return true;
    const group = this.groups.get(keyOf(part));
    if (group?.parts.has(part.concat.part)) return true;
    const size = sizeOf(part);
    if (group) return this.bytes + size <= this.limits.maxBytes;
    return (
      this.groups.size < this.limits.maxGroups &&
      (this.groupsBySender.get(part.from) ?? 0) < this.limits.maxGroupsPerSender &&
      this.bytes + size <= this.limits.maxBytes * NEW_GROUP_SHARE
    );
  }

  /** Holds a part that `admits` accepted (emitting its message when it completes the group). */
  add(part: InboundSms, now = Date.now()): void {
    const concat = part.concat;
    if (!concat) {
      this.emit(part);
      return;
    }
    const key = keyOf(part);
    let group = this.groups.get(key);
    if (!group) {
      // Own copies: strings parsed from a request may be slices that keep its whole body alive.
      const sender = ownString(part.from);
      group = { sender, total: concat.total, parts: new Map(), firstAt: now, bytes: 0 };
      this.groups.set(ownString(key), group);
      this.groupsBySender.set(sender, (this.groupsBySender.get(sender) ?? 0) + 1);
    }
    if (group.parts.has(concat.part)) return;
    const size = sizeOf(part);
    group.parts.set(concat.part, part);
    group.bytes += size;
    this.bytes += size;
    if (group.parts.size >= group.total) this.release(key, group);
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
    const left = (this.groupsBySender.get(group.sender) ?? 1) - 1;
    if (left > 0) this.groupsBySender.set(group.sender, left);
    else this.groupsBySender.delete(group.sender);
    this.emit(combineParts([...group.parts.values()], group.total));
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
