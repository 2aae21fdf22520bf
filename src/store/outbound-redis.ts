import { randomUUID } from 'node:crypto';
import type * as IORedis from 'ioredis';
import { checkKey, toJson } from './keys';
import { LEASE_MS, LOOKAHEAD_MS, checkJob, checkMax, checkPace, claimedOf, jobOf, type JobRecord } from './outbound-rules';
import { OB_ADD, OB_CLAIM, OB_CLEAR, OB_DEPART, OB_PEEK, OB_FINISH, OB_HOLD, OB_REQUEUE, OB_TAKE_SENDING } from './outbound-scripts';
import type { ClaimedJob, LaneCounts, OutboundJob, OutboundQueue, Pace } from './types';

export const OUTBOUND_SCRIPTS = {
  smsObAdd: [3, OB_ADD],
  smsObClaim: [6, OB_CLAIM],
  smsObHold: [1, OB_HOLD],
  smsObDepart: [1, OB_DEPART],
  smsObFinish: [2, OB_FINISH],
  smsObRequeue: [2, OB_REQUEUE],
  smsObTakeSending: [2, OB_TAKE_SENDING],
  smsObClear: [3, OB_CLEAR],
  smsObPeek: [2, OB_PEEK],
} as const;

type Reply = string | number | null | Reply[];
export interface RedisAccess {
  client: IORedis.Redis;
  run<T>(what: string, work: () => Promise<T>): Promise<T>;
  script(name: keyof typeof OUTBOUND_SCRIPTS, keys: string[], args: Array<string | number>): Promise<Reply>;
  prefix: string;
}

/** Jobs added per script call: a broadcast of 100 000 never blocks redis for long. */
const ADD_BATCH = 500;

export function redisOutbound({ client, run, script, prefix }: RedisAccess, instance: string): OutboundQueue {
  // Who holds a pace key's lease: this process, not only the instance id (hostname and user
  // directory), which two containers started alike can share — they would not wait for each other.
  const leaseOwner = `${instance}:${randomUUID()}`;
  const k = {
    jobs: `${prefix}ob:jobs`,
    lanes: `${prefix}ob:lanes`,
    seq: `${prefix}ob:seq`,
    sending: `${prefix}ob:sending`,
    paused: `${prefix}ob:paused`,
    lanePrefix: `${prefix}ob:w:`,
    lane: (lane: string) => `${prefix}ob:w:${lane}`,
    pace: (key: string) => `${prefix}ob:pace:${key}`,
  };
  const recordJson = (job: OutboundJob<unknown>): string =>
    JSON.stringify({ lane: job.lane, dueAt: job.dueAt, seq: 0, cost: job.cost, json: toJson(job.value) } satisfies JobRecord);

  return {
    async add(list) {
      for (const job of list) checkJob(job);
      for (let i = 0; i < list.length; i += ADD_BATCH) {
        const args: Array<string | number> = [k.lanePrefix];
        for (const job of list.slice(i, i + ADD_BATCH)) args.push(job.id, job.lane, Math.round(job.dueAt), job.cost, recordJson(job));
        await run('adding to the outbound queue', () => script('smsObAdd', [k.jobs, k.lanes, k.seq], args));
      }
    },
    async claim<T>(lane: string, pace: Pace, max: number) {
      checkKey('lane', lane);
      checkPace(pace, max);
      const reply = (await run('taking from the outbound queue', () =>
        script('smsObClaim', [k.lane(lane), k.jobs, k.sending, k.lanes, k.pace(pace.key), k.paused], [max, pace.intervalMs, instance, lane, LEASE_MS, LOOKAHEAD_MS, pace.pausedBy ?? '', leaseOwner]),
      )) as string[];
      const [retry, now] = reply;
      if (retry === 'paused') return { jobs: [], retryAt: undefined, paused: true };
      const jobs: ClaimedJob<T>[] = [];
      for (let i = 2; i + 2 < reply.length; i += 3) {
        const r = JSON.parse(reply[i + 1]) as JobRecord;
        const claimed = claimedOf<T>(reply[i], { ...r, owner: instance, claimedAt: Number(now) });
        jobs.push(pace.intervalMs > 0 ? { ...claimed, slotAt: Number(reply[i + 2]) } : claimed);
      }
      const retryAt = retry === '' ? undefined : Date.now() + Number(retry);
      return jobs.length > 0 ? { jobs, retryAt, now: Number(now) } : { jobs, retryAt };
    },
    async finish(id) {
      checkKey('job id', id);
      return (await run('finishing an outbound job', () => script('smsObFinish', [k.sending, k.jobs], [id]))) === 1;
    },
    async requeue(id) {
      checkKey('job id', id);
      return (await run('putting an outbound job back', () => script('smsObRequeue', [k.sending, k.lanes], [id, k.lanePrefix]))) === 1;
    },
    async departing(id, pace, cost) {
      checkKey('job id', id);
      checkPace(pace, 1);
      await run('pacing the outbound queue', () => script('smsObDepart', [k.pace(pace.key)], [id, Math.max(0, Math.round(cost)), pace.intervalMs]));
    },
    async hold(key, until) {
      checkKey('pace key', key);
      const ms = Math.max(0, Math.ceil(until - Date.now()));
      await run('holding the outbound queue', () => script('smsObHold', [k.pace(key)], [ms]));
    },
    async lanes() {
      return run('listing outbound lanes', () => client.smembers(k.lanes));
    },
    async takeSending<T>(which: { owner?: string; before?: number }) {
      const reply = (await run('taking outbound jobs left sending', () =>
        script('smsObTakeSending', [k.sending, k.jobs], [which.owner ?? '', which.before === undefined ? '' : Math.round(which.before)]),
      )) as string[];
      const out: ClaimedJob<T>[] = [];
      for (let i = 0; i + 3 < reply.length; i += 4) {
        const r = JSON.parse(reply[i + 1]) as JobRecord;
        out.push(claimedOf<T>(reply[i], { ...r, owner: reply[i + 2], claimedAt: Number(reply[i + 3]) }));
      }
      return out;
    },
    async counts() {
      const now = Date.now();
      const lanes = await run('counting the outbound queue', () => client.smembers(k.lanes));
      const tx = client.pipeline();
      for (const lane of lanes) tx.zcount(k.lane(lane), '-inf', now).zcard(k.lane(lane));
      tx.hvals(k.sending);
      const rows = ((await run('counting the outbound queue', () => tx.exec())) ?? []).map(([, v]) => v);
      const by = new Map<string, LaneCounts>();
      lanes.forEach((lane, i) => {
        const due = Number(rows[2 * i]);
        by.set(lane, { lane, waiting: due, scheduled: Number(rows[2 * i + 1]) - due, sending: 0 });
      });
      for (const s of (rows[rows.length - 1] as string[] | undefined) ?? []) {
        const lane = (JSON.parse(s) as { l: string }).l;
        const c = by.get(lane) ?? { lane, waiting: 0, scheduled: 0, sending: 0 };
        c.sending++;
        by.set(lane, c);
      }
      return [...by.values()];
    },
    async clear<T>(lane: string) {
      checkKey('lane', lane);
      const reply = (await run('clearing an outbound lane', () => script('smsObClear', [k.lane(lane), k.jobs, k.lanes], [lane]))) as string[];
      const out: OutboundJob<T>[] = [];
      for (let i = 0; i + 1 < reply.length; i += 2) out.push(jobOf<T>(reply[i], JSON.parse(reply[i + 1]) as JobRecord));
      return out;
    },
    async peek<T>(lane: string, max: number) {
      checkKey('lane', lane);
      checkMax(max);
      const reply = (await run('reading an outbound lane', () => script('smsObPeek', [k.lane(lane), k.jobs], [max]))) as string[];
      const out: OutboundJob<T>[] = [];
      for (let i = 0; i + 1 < reply.length; i += 2) out.push(jobOf<T>(reply[i], JSON.parse(reply[i + 1]) as JobRecord));
      return out;
    },
    async pause(key, paused) {
      checkKey('pause key', key);
      await run(paused ? 'pausing the outbound queue' : 'resuming the outbound queue', () =>
        paused ? client.hset(k.paused, key, Date.now()) : client.hdel(k.paused, key),
      );
    },
    async paused() {
      return run('reading what is paused in the outbound queue', () => client.hkeys(k.paused));
    },
  };
}
