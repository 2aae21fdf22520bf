import { checkKey } from './keys';
import type { ClaimedJob, OutboundJob, Pace } from './types';

// What every store decides the same way about the outbound queue; memory and embedded call
// these inside one step, redis has the same rules in Lua (outbound-scripts.ts).

/** A job as memory and embedded keep it: the value as JSON text, its place as (dueAt, seq). */
export interface JobRecord {
  lane: string;
  dueAt: number;
  seq: number;
  cost: number;
  json: string;
  owner?: string;
  claimedAt?: number;
}

/** Per pace key: the earliest time the next unit may go (GCRA's theoretical arrival time), and a hold. */
export interface PaceState {
  next: number;
  hold: number;
}

export const NO_PACE: PaceState = { next: 0, hold: 0 };

export function checkJob(job: OutboundJob<unknown>): void {
  checkKey('job id', job.id);
  checkKey('lane', job.lane);
  if (!Number.isFinite(job.dueAt)) throw new RangeError('dueAt must be a time in epoch ms');
  if (!Number.isInteger(job.cost) || job.cost < 1) throw new RangeError('cost must be a positive integer');
}

export function checkPace(pace: Pace, max: number): void {
  checkKey('pace key', pace.key);
  if (!Number.isFinite(pace.intervalMs) || pace.intervalMs < 0) throw new RangeError('intervalMs must be 0 or more');
  if (!Number.isInteger(max) || max < 1) throw new RangeError('max must be a positive integer');
  if (pace.pausedBy !== undefined) checkKey('pause key', pace.pausedBy);
}

export function checkMax(max: number): void {
  if (!Number.isInteger(max) || max < 1) throw new RangeError('max must be a positive integer');
}

/**
 * Whether a job of `cost` due at `dueAt` may be taken at `now` under `state`: no later than its
 * due time, the hold, and its pace (no burst: each unit after the one before, so no window of
 * `intervalMs × n` holds more than n units). The state after, when it may.
 */
export function paceStep(
  state: PaceState,
  dueAt: number,
  cost: number,
  intervalMs: number,
  now: number,
): { ok: true; state: PaceState } | { ok: false; retryAt: number } {
  if (dueAt > now) return { ok: false, retryAt: dueAt };
  if (state.hold > now) return { ok: false, retryAt: state.hold };
  if (intervalMs > 0 && state.next > now) return { ok: false, retryAt: state.next };
  return { ok: true, state: { next: intervalMs > 0 ? Math.max(now, state.next) + cost * intervalMs : state.next, hold: state.hold } };
}

export function recordOf(job: OutboundJob<unknown>, seq: number, json: string): JobRecord {
  return { lane: job.lane, dueAt: job.dueAt, seq, cost: job.cost, json };
}

export function jobOf<T>(id: string, r: JobRecord): OutboundJob<T> {
  return { id, lane: r.lane, dueAt: r.dueAt, cost: r.cost, value: JSON.parse(r.json) as T };
}

export function claimedOf<T>(id: string, r: JobRecord): ClaimedJob<T> {
  return { ...jobOf<T>(id, r), owner: r.owner ?? '', claimedAt: r.claimedAt ?? 0 };
}

/** Whether a sending job is one `takeSending` asked for. */
export function sendingMatches(r: JobRecord, which: { owner?: string; before?: number }): boolean {
  if (r.owner === undefined) return false;
  if (which.owner !== undefined && r.owner === which.owner) return true;
  return which.before !== undefined && (r.claimedAt ?? 0) < which.before;
}
