import fs from 'node:fs';
import path from 'node:path';
import type * as Lmdb from 'lmdb';
import { StoreUnavailableError, withinTime } from './errors';
import { checkKey, checkName, checkPart, checkTtl, toJson } from './keys';
import { decidePart, isExpired, limitsOf, parseGroup, parseResult, type GroupRecord, type GroupsUsage } from './multipart-rules';
import { retentionMsOf, type StoreConfig } from './settings';
import { claimed, entryOf, newRecord, type InboxRecord } from './inbox-record';
import { embeddedOutbound } from './outbound-embedded';
import type { Collection, HeldGroup, InboxClaim, MultipartLimits, PartInput, SmsStore, StoreLog } from './types';

// The default store: an LMDB database (the `lmdb` package, prebuilt binaries shipped as
// npm packages for every platform Node-RED runs on) in a folder of the user directory.
// Every write resolves only once it is flushed to disk; see docs/store.md.

type LmdbModule = typeof Lmdb;
let lmdb: LmdbModule | undefined;
function lmdbModule(): LmdbModule {
  // Loaded when a store is opened, not when Node-RED requires the package (written out
  // here: the store imports nothing local, so not runtime/lazy-require).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  lmdb ??= require('lmdb') as LmdbModule;
  return lmdb;
}

interface StoredValue {
  json: string;
  until?: number;
}

/** What expires, by time: [until, space, key] → nothing; `space` is 'seen', 'reply' or a collection. */
type ExpiryKey = [number, string, string];

const USAGE_KEY = 'multipart-usage';
const PRUNE_EVERY_MS = 60_000;
const PRUNE_BATCH = 5000;
/** How long a write that need not reach the disk waits for another write to share its commit. */
const SOON_WAIT_MS = 20;

export async function openEmbeddedStore(config: StoreConfig, userDir: string, instance: string, log: StoreLog): Promise<SmsStore> {
  const dir = path.resolve(userDir, config.path);
  const kind = 'embedded';
  let root: Lmdb.RootDatabase;
  try {
    fs.mkdirSync(dir, { recursive: true });
    // lmdb's default of 12 named databases is too few: the store and the outbound queue use 13.
    root = lmdbModule().open({ path: dir, maxDbs: 32 });
  } catch (err) {
    throw new StoreUnavailableError(kind, `cannot open the database in ${dir}: ${(err as Error).message}`, { cause: err });
  }
  const seenDb = root.openDB<number, string>('seen', {});
  const repliesDb = root.openDB<number, string>('replies', {});
  const groupsDb = root.openDB<GroupRecord, string>('multipart', {});
  const inboxDb = root.openDB<InboxRecord, string>('inbox', {});
  const valuesDb = root.openDB<StoredValue, [string, string]>('collections', {});
  const expiryDb = root.openDB<null, ExpiryKey>('expiry', {});
  const metaDb = root.openDB<GroupsUsage, string>('meta', {});
  /** Open groups per sender (absent: none). */
  const sendersDb = root.openDB<number, string>('multipart-senders', {});
  const retentionMs = retentionMsOf(config);
  const limits = config.multipart;

  /** A write's outcome within the store's time limit; any failure as StoreUnavailableError. */
  function bounded<T>(what: string, work: Promise<T>): Promise<T> {
    return withinTime(kind, config.timeoutMs, what, work).catch((err: unknown) => {
      if (err instanceof StoreUnavailableError) throw err;
      throw new StoreUnavailableError(kind, `${what} failed: ${(err as Error).message}`, { cause: err });
    });
  }

  /**
   * Writes a crash must keep but a power cut may lose (an inbox removal when the flow has
   * finished with a message, an outbound job marked done): each waits up to SOON_WAIT_MS to
   * ride the next write's commit rather than cost a commit and a disk sync of its own.
   * Lost to a power cut, the message is emitted again at start (its reply is recorded, so
   * not sent twice), the job reported `unknown-outcome` (never sent twice).
   */
  type Soon = { action: () => unknown; settle: (err: unknown, value?: unknown) => void };
  type Ran = { settle: Soon['settle']; err?: unknown; value?: unknown };
  let soon: Soon[] = [];
  let soonTimer: NodeJS.Timeout | undefined;
  /** The commit of the writes last taken (a read after them waits for it). */
  let lastSoon: Promise<void> = Promise.resolve();
  let closed = false;
  /**
   * Commits what waits, as a transaction of its own. Issued with another write in the same
   * turn, lmdb puts both in one commit, each with its own result or error.
   */
  function commitSoon(): Promise<void> {
    if (soon.length === 0) return lastSoon;
    const taken = soon;
    soon = [];
    if (soonTimer) clearTimeout(soonTimer);
    soonTimer = undefined;
    const ran: Ran[] = [];
    let committed: Promise<unknown>;
    try {
      committed = root.transaction(() => {
        for (const { action, settle } of taken) {
          try {
            ran.push({ settle, value: action() });
          } catch (err) {
            ran.push({ settle, err: err ?? new Error('failed') });
          }
        }
      });
    } catch (err) {
      // The database is closed (lmdb throws at once): every waiting write fails.
      for (const { settle } of taken) settle(err ?? new Error('the database is closed'));
      return Promise.resolve();
    }
    lastSoon = committed.then(
      () => ran.forEach((r) => r.settle(r.err, r.value)),
      (err: unknown) => ran.forEach((r) => r.settle(err ?? new Error('commit failed'))),
    );
    return lastSoon;
  }
  /** Inbox ids being removed (a count per id): the inbox's list leaves them out. */
  const removing = new Map<string, number>();
  function writeSoon<T>(what: string, action: () => T): Promise<T> {
    if (closed) return Promise.reject(new StoreUnavailableError(kind, `${what} failed: the store is closed`));
    const work = new Promise<T>((resolve, reject) => {
      soon.push({ action, settle: (err, value) => (err === undefined ? resolve(value as T) : reject(err)) });
      soonTimer ??= setTimeout(() => void commitSoon(), SOON_WAIT_MS).unref();
    });
    return bounded(what, work);
  }

  /**
   * A transaction, then the flush to disk: resolved means durable. Bounded in time. Never
   * called from inside an action: lmdb would run it in that transaction, and the flush
   * taken would be another batch's.
   */
  function write<T>(what: string, action: () => T): Promise<T> {
    const work = (async () => {
      // What waits rides this write's commit, ahead of it, with outcomes of its own.
      void commitSoon();
      const committed = root.transaction(action);
      // The flush of this write's batch, taken now: `root.flushed` read after the commit is
      // the newest batch's, so under steady writes every write waited for a later batch's
      // commit and sync as well as its own.
      const flushed = new Promise<void>((resolve, reject) => void root.flushed.then(() => resolve(), reject));
      flushed.catch(() => undefined); // a failed commit is reported by `committed`
      const result = await committed;
      await flushed;
      return result;
    })();
    return bounded(what, work);
  }

  function read<T>(what: string, action: () => T): Promise<T> {
    try {
      return Promise.resolve(action());
    } catch (err) {
      return Promise.reject(new StoreUnavailableError(kind, `${what} failed: ${(err as Error).message}`, { cause: err }));
    }
  }

  /** Records `id` in `db` unless it is there and still within the retention (inside a transaction). */
  function addExpiring(db: Lmdb.Database<number, string>, space: string, id: string): boolean {
    const now = Date.now();
    const until = db.get(id);
    if (until !== undefined && until > now) return false;
    db.putSync(id, now + retentionMs);
    expiryDb.putSync([now + retentionMs, space, id], null);
    return true;
  }

  function liveValue(name: string, key: string): StoredValue | undefined {
    const held = valuesDb.get([name, key]);
    return held && (held.until === undefined || held.until > Date.now()) ? held : undefined;
  }

  /** Deletes one batch of what expired, so a pass never holds the writer long. */
  function pruneBatch(): Promise<number> {
    return write('pruning expired entries', () => {
      let removed = 0;
      for (const key of expiryDb.getKeys({ end: [Date.now()], limit: PRUNE_BATCH })) {
        const [until, space, id] = key;
        if (space === 'seen' && seenDb.get(id) === until) seenDb.removeSync(id);
        else if (space === 'reply' && repliesDb.get(id) === until) repliesDb.removeSync(id);
        else if (space.startsWith('c:') && valuesDb.get([space.slice(2), id])?.until === until) valuesDb.removeSync([space.slice(2), id]);
        expiryDb.removeSync(key);
        removed++;
      }
      return removed;
    });
  }
  /** Batches until nothing expired is left: at start, then every minute. */
  async function prune(): Promise<void> {
    try {
      while ((await pruneBatch()) === PRUNE_BATCH);
    } catch (err) {
      log.warn(`sms store: ${(err as Error).message}`);
    }
  }
  await prune();
  const pruner = setInterval(() => void prune(), PRUNE_EVERY_MS);
  pruner.unref();

  /** Inside a transaction: one group more (or fewer) for its sender. */
  function countSender(sender: string | undefined, by: number): void {
    if (sender === undefined) return;
    const n = (sendersDb.get(sender) ?? 0) + by;
    if (n > 0) sendersDb.putSync(sender, n);
    else sendersDb.removeSync(sender);
  }

  /** Inside a transaction: a finished group into the inbox, when its first part named an id. */
  function toInbox(group: string, record: GroupRecord): void {
    if (record.inboxId !== undefined) inboxDb.putSync(record.inboxId, newRecord(instance, toJson(parseGroup(group, record))));
  }

  function collection<T>(name: string): Collection<T> {
    checkName(name);
    const space = `c:${name}`;
    const setNow = (key: string, json: string, ttlMs: number | undefined): void => {
      const until = ttlMs === undefined ? undefined : Date.now() + ttlMs;
      valuesDb.putSync([name, key], until === undefined ? { json } : { json, until });
      if (until !== undefined) expiryDb.putSync([until, space, key], null);
    };
    return {
      get: async (key) => {
        checkKey('key', key);
        return read('get', () => {
          const held = liveValue(name, key);
          return held && (JSON.parse(held.json) as T);
        });
      },
      set: async (key, value, ttlMs) => {
        checkKey('key', key);
        checkTtl(ttlMs);
        const json = toJson(value);
        return write('set', () => setNow(key, json, ttlMs));
      },
      setIfAbsent: async (key, value, ttlMs) => {
        checkKey('key', key);
        checkTtl(ttlMs);
        const json = toJson(value);
        return write('setIfAbsent', () => {
          if (liveValue(name, key)) return false;
          setNow(key, json, ttlMs);
          return true;
        });
      },
      take: async (key) => {
        checkKey('key', key);
        return write('take', () => {
          const held = liveValue(name, key);
          valuesDb.removeSync([name, key]);
          return held && (JSON.parse(held.json) as T);
        });
      },
      delete: async (key) => {
        checkKey('key', key);
        return write('delete', () => {
          const had = liveValue(name, key) !== undefined;
          valuesDb.removeSync([name, key]);
          return had;
        });
      },
      entries: async () =>
        read('entries', () => {
          const out: Array<[string, T]> = [];
          const now = Date.now();
          for (const { key, value } of valuesDb.getRange({ start: [name] })) {
            if (key[0] !== name) break;
            if (value.until === undefined || value.until > now) out.push([key[1], JSON.parse(value.json) as T]);
          }
          return out;
        }),
    };
  }

  log.info(`sms store: embedded database in ${dir}`);
  return {
    kind,
    instance,
    retentionMs,
    seen: {
      async firstTime(id) {
        checkKey('id', id);
        return write('recording a seen id', () => addExpiring(seenDb, 'seen', id));
      },
      async forget(id) {
        checkKey('id', id);
        await write('forgetting a seen id', () => seenDb.removeSync(id));
      },
    },
    multipart: {
      async add<T>(part: PartInput<T>, callLimits?: Partial<MultipartLimits>) {
        checkKey('group', part.group);
        checkPart(part.index, part.total);
        if (part.inboxId !== undefined) checkKey('inbox id', part.inboxId);
        if (part.sender !== undefined) checkKey('sender', part.sender);
        const json = toJson(part.value);
        const effective = limitsOf(limits, callLimits);
        return write('adding a multipart part', () => {
          const existing = groupsDb.get(part.group);
          const usage = metaDb.get(USAGE_KEY) ?? { groups: 0, bytes: 0 };
          const senderGroups = part.sender === undefined ? 0 : (sendersDb.get(part.sender) ?? 0);
          const decision = decidePart(existing, { ...part, json }, effective, { ...usage, senderGroups }, Date.now());
          if (decision.next !== undefined) {
            metaDb.putSync(USAGE_KEY, {
              groups: usage.groups + (existing ? 0 : 1) - (decision.next === null ? 1 : 0),
              bytes: usage.bytes + (decision.next?.bytes ?? 0) - (existing?.bytes ?? 0),
            });
            if (!existing) countSender(part.sender, 1);
            if (decision.next === null) {
              groupsDb.removeSync(part.group);
              countSender(decision.completed?.sender, -1);
            } else groupsDb.putSync(part.group, decision.next);
          }
          if (decision.completed) toInbox(part.group, decision.completed);
          return decision.result;
        }).then((result) => parseResult<T>(result));
      },
      async takeExpired<T>(callLimits?: Partial<MultipartLimits>) {
        const effective = limitsOf(limits, callLimits);
        // Called every few seconds: a read first, so nothing to take costs no disk write.
        const now0 = Date.now();
        let any = false;
        for (const { value } of groupsDb.getRange({})) if ((any = isExpired(value, effective, now0))) break;
        if (!any) return [];
        return write('taking expired multipart groups', () => {
          const now = Date.now();
          const taken: HeldGroup<T>[] = [];
          const usage = metaDb.get(USAGE_KEY) ?? { groups: 0, bytes: 0 };
          for (const { key, value } of groupsDb.getRange({})) {
            if (!isExpired(value, effective, now)) continue;
            groupsDb.removeSync(key);
            countSender(value.sender, -1);
            usage.groups--;
            usage.bytes -= value.bytes;
            toInbox(key, value);
            taken.push(parseGroup<T>(key, value));
          }
          if (taken.length) metaDb.putSync(USAGE_KEY, usage);
          return taken;
        });
      },
    },
    inbox: {
      async put(id, value) {
        checkKey('id', id);
        const json = toJson(value);
        await write('putting a message in the inbox', () =>
          inboxDb.putSync(id, newRecord(instance, json)),
        );
      },
      async admit(id, value) {
        checkKey('id', id);
        const json = toJson(value);
        return write('admitting a message to the inbox', () => {
          if (!addExpiring(seenDb, 'seen', id)) return false;
          inboxDb.putSync(id, newRecord(instance, json));
          return true;
        });
      },
      async remove(id) {
        checkKey('id', id);
        removing.set(id, (removing.get(id) ?? 0) + 1);
        const done = (): void => {
          const n = (removing.get(id) ?? 1) - 1;
          if (n > 0) removing.set(id, n);
          else removing.delete(id);
        };
        return writeSoon('removing a message from the inbox', () => {
          const had = inboxDb.get(id) !== undefined;
          inboxDb.removeSync(id);
          return had;
        }).finally(done);
      },
      async list<T>() {
        return read('listing the inbox', () =>
          [...inboxDb.getRange({})].filter(({ key }) => !removing.has(key)).map(({ key, value }) => entryOf<T>(key, value)),
        );
      },
      async claim<T>(listed: InboxClaim) {
        checkKey('id', listed.id);
        return write('claiming an inbox entry', () => {
          // (Writes waiting were committed just ahead: an entry being removed is not there.)
          const next = claimed(inboxDb.get(listed.id), listed, instance);
          if (!next) return undefined;
          inboxDb.putSync(listed.id, next);
          return entryOf<T>(listed.id, next);
        });
      },
    },
    replies: {
      async claim(inboundId) {
        checkKey('inbound id', inboundId);
        return write('claiming a reply', () => addExpiring(repliesDb, 'reply', inboundId));
      },
      async release(inboundId) {
        checkKey('inbound id', inboundId);
        await write('releasing a reply', () => repliesDb.removeSync(inboundId));
      },
    },
    collection,
    outbound: embeddedOutbound({ root, write, writeSoon, commitSoon, read }, instance),
    async close() {
      clearInterval(pruner);
      await commitSoon();
      closed = true;
      await root.close();
    },
  };
}
