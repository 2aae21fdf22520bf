import type { AddPartResult, HeldGroup, MultipartLimits } from './types';

// The multipart decision of the memory and embedded stores (redis makes the same one in
// Lua): both run it inside their own atomic section.

/** A group as stored: parts by index, each as JSON text. */
export interface GroupRecord {
  total: number;
  firstAt: number;
  bytes: number;
  parts: Record<string, string>;
  inboxId?: string;
  /** For the per-sender count, given back when the group goes. */
  sender?: string;
}

export interface GroupsUsage {
  groups: number;
  bytes: number;
}

/**
 * New groups may fill this share of `maxBytes`; the rest is kept for the missing parts of
 * groups already held, so a full store still lets those complete.
 */
export const NEW_GROUP_SHARE = 0.9;

/** The store's limits with a call's own over them. */
export function limitsOf(base: MultipartLimits, call?: Partial<MultipartLimits>): MultipartLimits {
  if (!call) return base;
  const out = { ...base };
  for (const key of Object.keys(out) as (keyof MultipartLimits)[]) {
    const value = call[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) out[key] = value;
  }
  return out;
}

export interface PartDecision {
  result: AddPartResult<string>;
  /** The group after this part: unchanged (undefined), replaced, or gone (null). */
  next: GroupRecord | null | undefined;
  /** The whole group, when this part completed it. */
  completed?: GroupRecord;
}

export function decidePart(
  existing: GroupRecord | undefined,
  part: { index: number; total: number; json: string; inboxId?: string; sender?: string },
  limits: MultipartLimits,
  usage: GroupsUsage & { senderGroups: number },
  now: number,
): PartDecision {
  const size = Buffer.byteLength(part.json);
  if (!existing) {
    // Only a new group is refused: a part of a group already held always gets in, so a
    // sender that completes within the expiry is never split by a flood of others.
    if (
      usage.groups >= limits.maxGroups ||
      (part.sender !== undefined && usage.senderGroups >= limits.maxGroupsPerSender) ||
      usage.bytes + size > limits.maxBytes * NEW_GROUP_SHARE
    ) {
      return { result: { state: 'full' }, next: undefined };
    }
  } else if (existing.parts[part.index] !== undefined || part.index > existing.total) {
    // Held already (a retry), or an index this group cannot have: the group keeps the
    // total of its first part.
    return { result: { state: 'duplicate' }, next: undefined };
  }
  const group: GroupRecord = existing
    ? { ...existing, parts: { ...existing.parts } }
    : {
        total: part.total,
        firstAt: now,
        bytes: 0,
        parts: {},
        ...(part.inboxId === undefined ? {} : { inboxId: part.inboxId }),
        ...(part.sender === undefined ? {} : { sender: part.sender }),
      };
  group.parts[part.index] = part.json;
  group.bytes += size;
  const received = Object.keys(group.parts).length;
  if (received >= group.total) {
    const parts = orderedParts(group).map((p) => p.value);
    const result: AddPartResult<string> = { state: 'complete', parts, ...(group.inboxId === undefined ? {} : { inboxId: group.inboxId }) };
    return { result, next: null, completed: group };
  }
  return { result: { state: 'held', received, total: group.total }, next: group };
}

export function orderedParts(group: GroupRecord): Array<{ index: number; value: string }> {
  return Object.entries(group.parts)
    .map(([index, value]) => ({ index: Number(index), value }))
    .sort((a, b) => a.index - b.index);
}

export function isExpired(group: GroupRecord, limits: MultipartLimits, now: number): boolean {
  return now - group.firstAt >= limits.expiryMs;
}

export function parseResult<T>(result: AddPartResult<string>): AddPartResult<T> {
  return result.state === 'complete' ? { ...result, parts: result.parts.map((p) => JSON.parse(p) as T) } : result;
}

export function parseGroup<T>(group: string, record: GroupRecord): HeldGroup<T> {
  return {
    group,
    total: record.total,
    firstAt: record.firstAt,
    ...(record.inboxId === undefined ? {} : { inboxId: record.inboxId }),
    parts: orderedParts(record).map((p) => ({ index: p.index, value: JSON.parse(p.value) as T })),
  };
}
