import { checkKey, toJson } from './keys';
import { NO_PACE, checkJob, checkMax, checkPace, claimedOf, departStep, jobOf, leaseStep, paceStep, recordOf, sendingMatches, type JobRecord, type PaceState } from './outbound-rules';
import type { ClaimedJob, LaneCounts, OutboundJob, OutboundQueue, Pace } from './types';

// Tests only, like the rest of the memory store. Each method decides without an await inside.

interface Place {
  dueAt: number;
  seq: number;
  id: string;
}

const before = (a: Place, b: Place): boolean => a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);

/** Inserts keeping (dueAt, seq) order; appending is the common case. */
function insert(list: Place[], place: Place): void {
  let i = list.length;
  while (i > 0 && before(place, list[i - 1])) i--;
  list.splice(i, 0, place);
}

export function memoryOutbound(instance: string): OutboundQueue {
  const jobs = new Map<string, JobRecord>();
  const lanes = new Map<string, Place[]>();
  const paces = new Map<string, PaceState>();
  const pausedKeys = new Set<string>();
  let seq = 0;

  const place = (id: string, r: JobRecord): void => {
    let list = lanes.get(r.lane);
    if (!list) lanes.set(r.lane, (list = []));
    insert(list, { dueAt: r.dueAt, seq: r.seq, id });
  };

  return {
    async add(list) {
      for (const job of list) checkJob(job);
      const records = list.map((job) => [job.id, recordOf(job, 0, toJson(job.value))] as const);
      for (const [id, r] of records) {
        if (jobs.has(id)) continue;
        r.seq = ++seq;
        jobs.set(id, r);
        place(id, r);
      }
    },
    async claim<T>(lane: string, pace: Pace, max: number) {
      checkKey('lane', lane);
      checkPace(pace, max);
      if (pace.pausedBy !== undefined && pausedKeys.has(pace.pausedBy)) return { jobs: [], retryAt: undefined, paused: true };
      const now = Date.now();
      const list = lanes.get(lane) ?? [];
      let state = paces.get(pace.key) ?? NO_PACE;
      const out: ClaimedJob<T>[] = [];
      let retryAt: number | undefined;
      while (out.length < max && list.length > 0) {
        const head = list[0];
        const r = jobs.get(head.id) as JobRecord;
        const step = paceStep(state, r.dueAt, r.cost, pace.intervalMs, now, out.length === 0, instance);
        if (!step.ok) {
          retryAt = step.retryAt;
          break;
        }
        state = step.state;
        list.shift();
        r.owner = instance;
        r.claimedAt = now;
        out.push({ ...claimedOf<T>(head.id, r), ...(pace.intervalMs > 0 ? { slotAt: step.slotAt } : {}) });
      }
      if (list.length === 0) lanes.delete(lane);
      else retryAt ??= now;
      // The last job taken holds the key until it leaves; the ones before it leave before it.
      if (out.length > 0) paces.set(pace.key, leaseStep(state, out[out.length - 1].id, pace.intervalMs, now, instance));
      return out.length > 0 ? { jobs: out, retryAt, now } : { jobs: out, retryAt };
    },
    async finish(id) {
      checkKey('job id', id);
      const r = jobs.get(id);
      if (!r || r.owner === undefined) return false;
      jobs.delete(id);
      return true;
    },
    async requeue(id) {
      checkKey('job id', id);
      const r = jobs.get(id);
      if (!r || r.owner === undefined) return false;
      delete r.owner;
      delete r.claimedAt;
      place(id, r);
      return true;
    },
    async departing(id, pace, cost) {
      checkKey('job id', id);
      checkPace(pace, 1);
      paces.set(pace.key, departStep(paces.get(pace.key) ?? NO_PACE, id, cost, pace.intervalMs, Date.now()));
    },
    async hold(key, until) {
      checkKey('pace key', key);
      const state = paces.get(key) ?? NO_PACE;
      paces.set(key, { ...state, hold: Math.max(state.hold, until) });
    },
    async lanes() {
      return [...lanes.keys()];
    },
    async takeSending<T>(which: { owner?: string; before?: number }) {
      const out: ClaimedJob<T>[] = [];
      for (const [id, r] of jobs) {
        if (!sendingMatches(r, which)) continue;
        jobs.delete(id);
        out.push(claimedOf<T>(id, r));
      }
      return out;
    },
    async counts() {
      const now = Date.now();
      const by = new Map<string, LaneCounts>();
      const of = (lane: string): LaneCounts => {
        let c = by.get(lane);
        if (!c) by.set(lane, (c = { lane, waiting: 0, scheduled: 0, sending: 0 }));
        return c;
      };
      for (const r of jobs.values()) {
        const c = of(r.lane);
        if (r.owner !== undefined) c.sending++;
        else if (r.dueAt > now) c.scheduled++;
        else c.waiting++;
      }
      return [...by.values()];
    },
    async clear<T>(lane: string) {
      checkKey('lane', lane);
      const list = lanes.get(lane) ?? [];
      lanes.delete(lane);
      const out: OutboundJob<T>[] = [];
      for (const { id } of list) {
        const r = jobs.get(id);
        if (!r) continue;
        jobs.delete(id);
        out.push(jobOf<T>(id, r));
      }
      return out;
    },
    async peek<T>(lane: string, max: number) {
      checkKey('lane', lane);
      checkMax(max);
      return (lanes.get(lane) ?? []).slice(0, max).map(({ id }) => jobOf<T>(id, jobs.get(id) as JobRecord));
    },
    async pause(key, paused) {
      checkKey('pause key', key);
      if (paused) pausedKeys.add(key);
      else pausedKeys.delete(key);
    },
    async paused() {
      return [...pausedKeys];
    },
  };
}
