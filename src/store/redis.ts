import type * as IORedis from 'ioredis';
import { StoreUnavailableError, withinTime } from './errors';
import { checkKey, checkName, checkPart, checkTtl, toJson } from './keys';
import { ADD_PART, ADMIT, CLAIM_ENTRY, SET_IF_ABSENT, TAKE_EXPIRED, TAKE_VALUE } from './redis-scripts';
import { retentionMsOf, type StoreConfig } from './settings';
import { OUTBOUND_SCRIPTS, redisOutbound } from './outbound-redis';
import type { AddPartResult, Collection, HeldGroup, InboxClaim, InboxEntry, MultipartLimits, PartInput, SmsStore, StoreLog } from './types';
import { NEW_GROUP_SHARE, limitsOf } from './multipart-rules';

// Several Node-RED instances on one redis. Decisions are single commands (SET NX) or Lua
// scripts; a command is never queued while redis is away (it fails at once instead), so
// an operation that failed was not executed later behind the caller's back. A command
// that times out in flight has an unknown outcome, as on any network.

type IORedisModule = typeof IORedis;
let ioredis: IORedisModule | undefined;
function ioredisModule(): IORedisModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ioredis ??= require('ioredis') as IORedisModule;
  return ioredis;
}

type ScriptReply = string | number | null | ScriptReply[];
const SCRIPTS = {
  smsAddPart: [5, ADD_PART],
  smsTakeExpired: [4, TAKE_EXPIRED],
  smsAdmit: [3, ADMIT],
  smsClaimEntry: [1, CLAIM_ENTRY],
  smsSetIfAbsent: [2, SET_IF_ABSENT],
  smsTakeValue: [2, TAKE_VALUE],
  ...OUTBOUND_SCRIPTS,
} as const;
type ScriptName = keyof typeof SCRIPTS;

const EXPIRED_BATCH = 100;

function fieldsOf(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

/** Where the url points, without its password (for logs). */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.username = '';
    return u.toString();
  } catch {
    return 'redis';
  }
}

export async function openRedisStore(config: StoreConfig, instance: string, log: StoreLog): Promise<SmsStore> {
  const kind = 'redis';
  const where = safeUrl(config.url);
  const Redis = ioredisModule().Redis;
  const client = new Redis(config.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: config.timeoutMs,
    connectTimeout: config.timeoutMs,
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
  });
  for (const [name, [numberOfKeys, lua]] of Object.entries(SCRIPTS)) client.defineCommand(name, { numberOfKeys, lua });
  // An 'error' event nobody listens to would crash Node-RED: log each outage once.
  let down = false;
  let closing = false;
  const noteDown = (reason: string): void => {
    if (down || closing) return;
    down = true;
    log.warn(`sms store: redis at ${where} unreachable (${reason}); retrying`);
  };
  client.on('error', (err: Error) => noteDown(err.message));
  client.on('close', () => noteDown('connection closed'));
  client.on('ready', () => {
    if (down) log.info(`sms store: redis at ${where} reachable again`);
    down = false;
  });

  function run<T>(what: string, work: () => Promise<T>): Promise<T> {
    let started: Promise<T>;
    try {
      started = work();
    } catch (err) {
      started = Promise.reject(err);
    }
    return withinTime(kind, config.timeoutMs + 500, what, started).catch((err: unknown) => {
      // A command refused because the socket just ended fails before ioredis emits
      // 'close' (a later tick): the outage is logged by whichever comes first.
      if (client.status !== 'ready' || !client.stream?.writable) noteDown('connection closed');
      if (err instanceof StoreUnavailableError) throw err;
      throw new StoreUnavailableError(kind, `${what} at ${where} failed: ${(err as Error).message}`, { cause: err });
    });
  }
  const script = (name: ScriptName, keys: string[], args: Array<string | number>): Promise<ScriptReply> =>
    (client as unknown as Record<ScriptName, (...a: Array<string | number>) => Promise<ScriptReply>>)[name](...keys, ...args);

  try {
    await run('connecting', () => client.connect());
    log.info(`sms store: redis at ${where}`);
  } catch (err) {
    // Node-RED starts all the same; operations fail as unavailable until redis answers.
    log.warn(`sms store: ${(err as Error).message}; retrying in the background`);
  }

  const p = config.prefix;
  const retentionMs = retentionMsOf(config);
  const limits = config.multipart;
  const k = {
    seen: (id: string) => `${p}seen:${id}`,
    reply: (id: string) => `${p}reply:${id}`,
    groupPrefix: `${p}mp:g:`,
    groups: `${p}mp:groups`,
    groupBytes: `${p}mp:bytes`,
    senders: `${p}mp:senders`,
    entry: (id: string) => `${p}inbox:${id}`,
    inbox: `${p}inbox`,
    value: (name: string, key: string) => `${p}c:${name}:${key}`,
    keys: (name: string) => `${p}c:${name}`,
  };

  const entryOf = <T>(id: string, f: Record<string, string>): InboxEntry<T> => ({
    id,
    owner: f.owner,
    receivedAt: Number(f.receivedAt),
    deliveries: Number(f.deliveries),
    value: JSON.parse(f.json) as T,
  });

  function collection<T>(name: string): Collection<T> {
    checkName(name);
    const keySet = k.keys(name);
    return {
      async get(key) {
        checkKey('key', key);
        const json = await run('get', () => client.get(k.value(name, key)));
        return json === null ? undefined : (JSON.parse(json) as T);
      },
      async set(key, value, ttlMs) {
        checkKey('key', key);
        checkTtl(ttlMs);
        const json = toJson(value);
        const tx = client.multi();
        if (ttlMs === undefined) tx.set(k.value(name, key), json);
        else tx.set(k.value(name, key), json, 'PX', ttlMs);
        await run('set', () => tx.sadd(keySet, key).exec());
      },
      async setIfAbsent(key, value, ttlMs) {
        checkKey('key', key);
        checkTtl(ttlMs);
        const json = toJson(value);
        const set = await run('setIfAbsent', () => script('smsSetIfAbsent', [k.value(name, key), keySet], [json, ttlMs ?? 0, key]));
        return set === 1;
      },
      async take(key) {
        checkKey('key', key);
        const json = await run('take', () => script('smsTakeValue', [k.value(name, key), keySet], [key]));
        return typeof json === 'string' ? (JSON.parse(json) as T) : undefined;
      },
      async delete(key) {
        checkKey('key', key);
        const res = await run('delete', () => client.multi().del(k.value(name, key)).srem(keySet, key).exec());
        return res?.[0]?.[1] === 1;
      },
      async entries() {
        const keys = await run('entries', () => client.smembers(keySet));
        if (keys.length === 0) return [];
        const values = await run('entries', () => client.mget(keys.map((key) => k.value(name, key))));
        const out: Array<[string, T]> = [];
        const gone: string[] = [];
        keys.forEach((key, i) => {
          const json = values[i];
          if (json === null) gone.push(key);
          else out.push([key, JSON.parse(json) as T]);
        });
        // Keys whose value expired: tidy the set, best effort.
        if (gone.length) client.srem(keySet, ...gone).catch(() => undefined);
        return out;
      },
    };
  }

  return {
    kind,
    instance,
    retentionMs,
    seen: {
      async firstTime(id) {
        checkKey('id', id);
        return (await run('recording a seen id', () => client.set(k.seen(id), '1', 'PX', retentionMs, 'NX'))) === 'OK';
      },
      async forget(id) {
        checkKey('id', id);
        await run('forgetting a seen id', () => client.del(k.seen(id)));
      },
    },
    multipart: {
      async add<T>(part: PartInput<T>, callLimits?: Partial<MultipartLimits>) {
        checkKey('group', part.group);
        checkPart(part.index, part.total);
        if (part.inboxId !== undefined) checkKey('inbox id', part.inboxId);
        if (part.sender !== undefined) checkKey('sender', part.sender);
        const json = toJson(part.value);
        const l = limitsOf(limits, callLimits);
        const keys = [k.groupPrefix + part.group, k.groups, k.groupBytes, k.inbox, k.senders];
        const newGroupBytes = Math.floor(l.maxBytes * NEW_GROUP_SHARE);
        const args = [part.group, part.index, part.total, json, Date.now(), l.maxGroups, newGroupBytes, part.inboxId ?? '', instance, k.entry(''), part.sender ?? '', l.maxGroupsPerSender];
        const reply = (await run('adding a multipart part', () => script('smsAddPart', keys, args))) as string[];
        const state = reply[0];
        if (state === 'complete') {
          const parts = reply.slice(2).map((p) => JSON.parse(p) as T);
          return reply[1] ? { state, parts, inboxId: reply[1] } : { state, parts };
        }
        if (state === 'held') return { state, received: Number(reply[1]), total: Number(reply[2]) };
        return { state } as AddPartResult<T>;
      },
      async takeExpired<T>(callLimits?: Partial<MultipartLimits>) {
        const expiryMs = limitsOf(limits, callLimits).expiryMs;
        const reply = (await run('taking expired multipart groups', () =>
          script('smsTakeExpired', [k.groups, k.groupBytes, k.inbox, k.senders], [k.groupPrefix, Date.now() - expiryMs, EXPIRED_BATCH, instance, k.entry(''), Date.now()]),
        )) as Array<string | string[]>;
        const out: HeldGroup<T>[] = [];
        for (let i = 0; i + 1 < reply.length; i += 2) {
          const f = fieldsOf(reply[i + 1] as string[]);
          const parts = Object.keys(f)
            .filter((name) => name.startsWith('p:'))
            .map((name) => ({ index: Number(name.slice(2)), value: JSON.parse(f[name]) as T }))
            .sort((a, b) => a.index - b.index);
          const held: HeldGroup<T> = { group: reply[i] as string, total: Number(f.total), firstAt: Number(f.first), parts };
          if (f.inbox) held.inboxId = f.inbox;
          out.push(held);
        }
        return out;
      },
    },
    inbox: {
      async put(id, value) {
        checkKey('id', id);
        const json = toJson(value);
        await run('putting a message in the inbox', () =>
          client
            .multi()
            .hset(k.entry(id), { owner: instance, receivedAt: Date.now(), deliveries: 1, json })
            .sadd(k.inbox, id)
            .exec(),
        );
      },
      async admit(id, value) {
        checkKey('id', id);
        const json = toJson(value);
        const admitted = await run('admitting a message to the inbox', () =>
          script('smsAdmit', [k.seen(id), k.entry(id), k.inbox], [retentionMs, id, instance, Date.now(), json]),
        );
        return admitted === 1;
      },
      async remove(id) {
        checkKey('id', id);
        const res = await run('removing a message from the inbox', () => client.multi().del(k.entry(id)).srem(k.inbox, id).exec());
        return res?.[0]?.[1] === 1;
      },
      async list<T>() {
        const ids = await run('listing the inbox', () => client.smembers(k.inbox));
        if (ids.length === 0) return [];
        const tx = client.pipeline();
        for (const id of ids) tx.hgetall(k.entry(id));
        const rows = (await run('listing the inbox', () => tx.exec())) ?? [];
        const out: InboxEntry<T>[] = [];
        rows.forEach(([err, fields], i) => {
          const f = fields as Record<string, string> | null;
          if (!err && f && f.json !== undefined) out.push(entryOf<T>(ids[i], f));
        });
        return out;
      },
      async claim<T>({ id, owner, deliveries }: InboxClaim) {
        checkKey('id', id);
        const reply = await run('claiming an inbox entry', () => script('smsClaimEntry', [k.entry(id)], [owner, deliveries, instance]));
        return Array.isArray(reply) ? entryOf<T>(id, fieldsOf(reply as string[])) : undefined;
      },
    },
    replies: {
      async claim(inboundId) {
        checkKey('inbound id', inboundId);
        return (await run('claiming a reply', () => client.set(k.reply(inboundId), instance, 'PX', retentionMs, 'NX'))) === 'OK';
      },
      async release(inboundId) {
        checkKey('inbound id', inboundId);
        await run('releasing a reply', () => client.del(k.reply(inboundId)));
      },
    },
    collection,
    outbound: redisOutbound({ client, run, script, prefix: p }, instance),
    async close() {
      closing = true;
      try {
        await withinTime(kind, config.timeoutMs, 'closing', client.quit());
      } catch {
        client.disconnect();
      }
    },
  };
}
