import { checkKey, checkName, checkPart, checkTtl, toJson } from './keys';
import { decidePart, isExpired, limitsOf, parseGroup, parseResult, type GroupRecord } from './multipart-rules';
import { retentionMsOf, type StoreConfig } from './settings';
import { claimed, entryOf, newRecord, type InboxRecord } from './inbox-record';
import { memoryOutbound } from './outbound-memory';
import type { Collection, HeldGroup, InboxClaim, MultipartLimits, SmsStore, StoreLog } from './types';

// Tests only: one process's memory, gone on restart. Same contract as the others, values
// copied through JSON so nothing passes by reference that redis would not pass.

/** Ids kept for a fixed time: insertion order is expiry order. */
class ExpiringIds {
  private readonly until = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  add(id: string, now = Date.now()): boolean {
    this.prune(now);
    if (this.until.has(id)) return false;
    this.until.set(id, now + this.ttlMs);
    return true;
  }

  delete(id: string): void {
    this.until.delete(id);
  }

  private prune(now: number): void {
    for (const [id, until] of this.until) {
      if (until > now) break;
      this.until.delete(id);
    }
  }
}

interface Held {
  json: string;
  until?: number;
}

class MemoryCollection<T> implements Collection<T> {
  private readonly items = new Map<string, Held>();

  private live(key: string): Held | undefined {
    const held = this.items.get(key);
    if (held?.until !== undefined && held.until <= Date.now()) {
      this.items.delete(key);
      return undefined;
    }
    return held;
  }

  async get(key: string): Promise<T | undefined> {
    checkKey('key', key);
    const held = this.live(key);
    return held && (JSON.parse(held.json) as T);
  }

  async set(key: string, value: T, ttlMs?: number): Promise<void> {
    checkKey('key', key);
    checkTtl(ttlMs);
    this.items.set(key, { json: toJson(value), until: ttlMs === undefined ? undefined : Date.now() + ttlMs });
  }

  // Each decision below runs without an await inside: nothing interleaves with it.
  async setIfAbsent(key: string, value: T, ttlMs?: number): Promise<boolean> {
    checkKey('key', key);
    checkTtl(ttlMs);
    if (this.live(key)) return false;
    this.items.set(key, { json: toJson(value), until: ttlMs === undefined ? undefined : Date.now() + ttlMs });
    return true;
  }

  async take(key: string): Promise<T | undefined> {
    checkKey('key', key);
    const held = this.live(key);
    this.items.delete(key);
    return held && (JSON.parse(held.json) as T);
  }

  async delete(key: string): Promise<boolean> {
    checkKey('key', key);
    const had = this.live(key) !== undefined;
    this.items.delete(key);
    return had;
  }

  async entries(): Promise<Array<[string, T]>> {
    const out: Array<[string, T]> = [];
    for (const key of [...this.items.keys()]) {
      const held = this.live(key);
      if (held) out.push([key, JSON.parse(held.json) as T]);
    }
    return out;
  }
}

export function openMemoryStore(config: StoreConfig, instance: string, log: StoreLog): SmsStore {
  log.warn('sms store: memory — everything it holds (seen ids, multipart parts, the inbox) is forgotten on restart; for tests only');
  const retentionMs = retentionMsOf(config);
  const limits = config.multipart;
  const seen = new ExpiringIds(retentionMs);
  const replies = new ExpiringIds(retentionMs);
  const groups = new Map<string, GroupRecord>();
  const inbox = new Map<string, InboxRecord>();
  const collections = new Map<string, MemoryCollection<unknown>>();
  const groupsBySender = new Map<string, number>();
  let heldBytes = 0;
  const countSender = (sender: string | undefined, by: number): void => {
    if (sender === undefined) return;
    const n = (groupsBySender.get(sender) ?? 0) + by;
    if (n > 0) groupsBySender.set(sender, n);
    else groupsBySender.delete(sender);
  };

  const toInbox = (group: string, record: GroupRecord): void => {
    if (record.inboxId !== undefined) inbox.set(record.inboxId, newRecord(instance, toJson(parseGroup(group, record))));
  };

  return {
    kind: 'memory',
    instance,
    retentionMs,
    seen: {
      async firstTime(id) {
        checkKey('id', id);
        return seen.add(id);
      },
      async forget(id) {
        checkKey('id', id);
        seen.delete(id);
      },
    },
    multipart: {
      async add(part, callLimits) {
        checkKey('group', part.group);
        checkPart(part.index, part.total);
        if (part.inboxId !== undefined) checkKey('inbox id', part.inboxId);
        if (part.sender !== undefined) checkKey('sender', part.sender);
        const existing = groups.get(part.group);
        const json = toJson(part.value);
        const usage = { groups: groups.size, bytes: heldBytes, senderGroups: part.sender === undefined ? 0 : (groupsBySender.get(part.sender) ?? 0) };
        const decision = decidePart(existing, { ...part, json }, limitsOf(limits, callLimits), usage, Date.now());
        if (decision.next !== undefined) {
          heldBytes += (decision.next?.bytes ?? 0) - (existing?.bytes ?? 0);
          if (!existing) countSender(part.sender, 1);
          if (decision.next === null) {
            groups.delete(part.group);
            countSender(decision.completed?.sender, -1);
          } else groups.set(part.group, decision.next);
        }
        if (decision.completed) toInbox(part.group, decision.completed);
        return parseResult(decision.result);
      },
      async takeExpired<T>(callLimits?: Partial<MultipartLimits>) {
        const now = Date.now();
        const out: HeldGroup<T>[] = [];
        const effective = limitsOf(limits, callLimits);
        for (const [group, record] of groups) {
          if (!isExpired(record, effective, now)) continue;
          groups.delete(group);
          heldBytes -= record.bytes;
          countSender(record.sender, -1);
          toInbox(group, record);
          out.push(parseGroup<T>(group, record));
        }
        return out;
      },
    },
    inbox: {
      async put(id, value) {
        checkKey('id', id);
        inbox.set(id, newRecord(instance, toJson(value)));
      },
      async admit(id, value) {
        checkKey('id', id);
        const json = toJson(value);
        if (!seen.add(id)) return false;
        inbox.set(id, newRecord(instance, json));
        return true;
      },
      async remove(id) {
        checkKey('id', id);
        return inbox.delete(id);
      },
      async list<T>() {
        return [...inbox].map(([id, e]) => entryOf<T>(id, e));
      },
      async claim<T>(listed: InboxClaim) {
        checkKey('id', listed.id);
        const next = claimed(inbox.get(listed.id), listed, instance);
        if (!next) return undefined;
        inbox.set(listed.id, next);
        return entryOf<T>(listed.id, next);
      },
    },
    replies: {
      async claim(inboundId) {
        checkKey('inbound id', inboundId);
        return replies.add(inboundId);
      },
      async release(inboundId) {
        checkKey('inbound id', inboundId);
        replies.delete(inboundId);
      },
    },
    collection<T>(name: string): Collection<T> {
      checkName(name);
      let c = collections.get(name);
      if (!c) {
        c = new MemoryCollection<unknown>();
        collections.set(name, c);
      }
      return c as Collection<T>;
    },
    outbound: memoryOutbound(instance),
    async close() {},
  };
}
