import type * as Lmdb from 'lmdb';
import { checkKey, toJson } from './keys';
import { NO_PACE, checkJob, checkMax, checkPace, claimedOf, departStep, jobOf, leaseStep, paceStep, recordOf, sendingMatches, type JobRecord, type PaceState } from './outbound-rules';
import type { ClaimedJob, LaneCounts, OutboundJob, OutboundQueue, Pace } from './types';

// The outbound queue in the embedded database: jobs by id, their order per lane as keys
// [lane, dueAt, seq] (lmdb keeps keys sorted, so a lane's head is its first key), the jobs
// being sent by id (with who took them, when), and the pace per key. A claim is one
// transaction, durable before it resolves: a job is on disk as `sending` before its request
// goes out. Who took a job is kept apart from the job, so a claim writes a few bytes per job
// rather than the job again.

type Order = [string, number, number];
/**
 * A job being sent. The earlier format (until December 2026) kept the lane alone here, with
 * the owner in the job's record: both are read. A version before it does not read this one.
 */
interface Sending {
  lane: string;
  owner: string;
  claimedAt: number;
}
const SEQ_KEY = 'seq';

export interface EmbeddedAccess {
  root: Lmdb.RootDatabase;
  write<T>(what: string, action: () => T): Promise<T>;
  /** Committed with the next write (or within a few ms), not waited for on disk. */
  writeSoon<T>(what: string, action: () => T): Promise<T>;
  /** Commits the writes that wait (so a read after them sees them). */
  commitSoon(): Promise<void>;
  read<T>(what: string, action: () => T): Promise<T>;
}

export function embeddedOutbound({ root, write, writeSoon, commitSoon, read: readNow }: EmbeddedAccess, instance: string): OutboundQueue {
  /** Reads see the jobs finished just before them. */
  const read = <T>(what: string, action: () => T): Promise<T> => commitSoon().then(() => readNow(what, action));
  const jobsDb = root.openDB<JobRecord, string>('outbound-jobs', {});
  const orderDb = root.openDB<string, Order>('outbound-order', {});
  const sendingDb = root.openDB<Sending | string, string>('outbound-sending', {});
  const pacesDb = root.openDB<PaceState, string>('outbound-paces', {});
  const metaDb = root.openDB<number, string>('outbound-meta', {});
  /** Pause keys paused now (value: since when). */
  const pausedDb = root.openDB<number, string>('outbound-paused', {});

  const laneRange = (lane: string, end?: number): Lmdb.RangeOptions => ({ start: [lane], end: [lane, end ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] });

  /** The first order key at or after `start`. */
  function firstKey(start: unknown[]): Order | undefined {
    for (const key of orderDb.getKeys({ start: start as Order, limit: 1 })) return key;
    return undefined;
  }
  const afterLane = (lane: string): unknown[] => [lane, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, ''];

  function placeSync(id: string, r: JobRecord): void {
    orderDb.putSync([r.lane, r.dueAt, r.seq], id);
  }

  /** Who is sending a job (undefined: nobody), from either way it was written. */
  function sendingOf(value: Sending | string | undefined, r: JobRecord | undefined): Sending | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string') return value;
    return { lane: value, owner: r?.owner ?? '', claimedAt: r?.claimedAt ?? 0 };
  }

  return {
    add(list) {
      for (const job of list) checkJob(job);
      const records = list.map((job) => [job.id, recordOf(job, 0, toJson(job.value))] as const);
      return write('adding to the outbound queue', () => {
        let seq = metaDb.get(SEQ_KEY) ?? 0;
        for (const [id, r] of records) {
          if (jobsDb.get(id)) continue;
          r.seq = ++seq;
          jobsDb.putSync(id, r);
          placeSync(id, r);
        }
        metaDb.putSync(SEQ_KEY, seq);
      });
    },
    claim<T>(lane: string, pace: Pace, max: number) {
      checkKey('lane', lane);
      checkPace(pace, max);
      return write('taking from the outbound queue', () => {
        if (pace.pausedBy !== undefined && pausedDb.get(pace.pausedBy) !== undefined) return { jobs: [], retryAt: undefined, paused: true };
        const now = Date.now();
        let state = pacesDb.get(pace.key) ?? NO_PACE;
        const out: ClaimedJob<T>[] = [];
        let retryAt: number | undefined;
        for (const { key, value: id } of orderDb.getRange(laneRange(lane))) {
          if (out.length >= max) {
            retryAt = now;
            break;
          }
          const r = jobsDb.get(id);
          if (!r) {
            orderDb.removeSync(key);
            continue;
          }
          const step = paceStep(state, r.dueAt, r.cost, pace.intervalMs, now, out.length === 0, instance);
          if (!step.ok) {
            retryAt = step.retryAt;
            break;
          }
          state = step.state;
          orderDb.removeSync(key);
          sendingDb.putSync(id, { lane: r.lane, owner: instance, claimedAt: now });
          out.push({ ...jobOf<T>(id, r), owner: instance, claimedAt: now, ...(pace.intervalMs > 0 ? { slotAt: step.slotAt } : {}) });
        }
        // The last job taken holds the key until it leaves; the ones before it leave before it.
        if (out.length > 0) pacesDb.putSync(pace.key, leaseStep(state, out[out.length - 1].id, pace.intervalMs, now, instance));
        return out.length > 0 ? { jobs: out, retryAt, now } : { jobs: out, retryAt };
      });
    },
    finish(id) {
      checkKey('job id', id);
      // Not waited for on disk: a job done but lost to a power cut is found `sending` at the
      // next start and reported unknown-outcome, never sent twice.
      return writeSoon('finishing an outbound job', () => {
        // Only a job being sent is finished (removeSync says whether it was there).
        if (!sendingDb.removeSync(id)) return false;
        jobsDb.removeSync(id);
        return true;
      });
    },
    requeue(id) {
      checkKey('job id', id);
      return write('putting an outbound job back', () => {
        if (sendingDb.get(id) === undefined) return false;
        sendingDb.removeSync(id);
        const r = jobsDb.get(id);
        if (!r) return false;
        const back: JobRecord = { lane: r.lane, dueAt: r.dueAt, seq: r.seq, cost: r.cost, json: r.json };
        if (r.owner !== undefined) jobsDb.putSync(id, back);
        placeSync(id, back);
        return true;
      });
    },
    async departing(id, pace, cost) {
      checkKey('job id', id);
      checkPace(pace, 1);
      // Not waited for on disk: one process has this database, and it keeps the pace in memory
      // meanwhile; a power cut loses at most this turn, and a start takes longer than a turn.
      const now = Date.now();
      await writeSoon('pacing the outbound queue', () => {
        pacesDb.putSync(pace.key, departStep(pacesDb.get(pace.key) ?? NO_PACE, id, cost, pace.intervalMs, now));
      });
    },
    async hold(key, until) {
      checkKey('pace key', key);
      await write('holding the outbound queue', () => {
        const state = pacesDb.get(key) ?? NO_PACE;
        pacesDb.putSync(key, { ...state, hold: Math.max(state.hold, until) });
      });
    },
    lanes() {
      return read('listing outbound lanes', () => {
        const out: string[] = [];
        // Skips from one lane to the next: one key read per lane, not per job.
        let start: unknown[] = [];
        for (;;) {
          const first = firstKey(start);
          if (!first) break;
          out.push(first[0]);
          start = afterLane(first[0]);
        }
        return out;
      });
    },
    takeSending<T>(which: { owner?: string; before?: number }) {
      return write('taking outbound jobs left sending', () => {
        const out: ClaimedJob<T>[] = [];
        for (const { key: id, value } of sendingDb.getRange({})) {
          const r = jobsDb.get(id);
          const taken = r && { ...r, ...sendingOf(value, r) };
          if (taken && !sendingMatches(taken, which)) continue;
          sendingDb.removeSync(id);
          if (!taken) continue;
          jobsDb.removeSync(id);
          out.push(claimedOf<T>(id, taken));
        }
        return out;
      });
    },
    counts() {
      return read('counting the outbound queue', () => {
        const now = Date.now();
        const by = new Map<string, LaneCounts>();
        const of = (lane: string): LaneCounts => {
          let c = by.get(lane);
          if (!c) by.set(lane, (c = { lane, waiting: 0, scheduled: 0, sending: 0 }));
          return c;
        };
        let start: unknown[] = [];
        for (;;) {
          const first = firstKey(start);
          if (!first) break;
          const lane = first[0];
          const all = orderDb.getKeysCount(laneRange(lane));
          const due = orderDb.getKeysCount(laneRange(lane, now));
          Object.assign(of(lane), { waiting: due, scheduled: all - due });
          start = afterLane(lane);
        }
        for (const { value } of sendingDb.getRange({})) of(typeof value === 'string' ? value : value.lane).sending++;
        return [...by.values()];
      });
    },
    clear<T>(lane: string) {
      checkKey('lane', lane);
      return write('clearing an outbound lane', () => {
        const out: OutboundJob<T>[] = [];
        for (const { key, value: id } of orderDb.getRange(laneRange(lane))) {
          orderDb.removeSync(key);
          const r = jobsDb.get(id);
          if (!r) continue;
          jobsDb.removeSync(id);
          out.push(jobOf<T>(id, r));
        }
        return out;
      });
    },
    peek<T>(lane: string, max: number) {
      checkKey('lane', lane);
      checkMax(max);
      return read('reading an outbound lane', () => {
        const out: OutboundJob<T>[] = [];
        for (const { value: id } of orderDb.getRange(laneRange(lane))) {
          if (out.length >= max) break;
          const r = jobsDb.get(id);
          if (r) out.push(jobOf<T>(id, r));
        }
        return out;
      });
    },
    async pause(key, paused) {
      checkKey('pause key', key);
      await write(paused ? 'pausing the outbound queue' : 'resuming the outbound queue', () => {
        if (paused) pausedDb.putSync(key, Date.now());
        else pausedDb.removeSync(key);
      });
    },
    paused() {
      return read('reading what is paused in the outbound queue', () => [...pausedDb.getKeys({})]);
    },
  };
}
