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

/**
 * Per pace key: the earliest time the next unit may go (GCRA's theoretical arrival time), a
 * hold, and the job taken under it whose request has not left yet (with when that gives up).
 */
export interface PaceState {
  next: number;
  hold: number;
  lease?: string;
  leaseUntil?: number;
  /** The instance whose job holds the lease: it may take the next turns (it sends them in order). */
  leaseOwner?: string;
}

/**
 * How long a paced job taken but not yet reported departing keeps the other takers of its key
 * waiting: an instance that died between the two frees the key after this.
 */
export const LEASE_MS = 10_000;

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
 * How far ahead of its turn a paced job may be taken. One claim takes the jobs whose turns
 * fall within it, and the instance sends each at its turn: a claim (one durable write) costs
 * less than a turn at high rates, and the next claim can be asked before the turn is due. A
 * job taken and not yet sent at a crash is reported as perhaps sent, so this stays short.
 */
export const LOOKAHEAD_MS = 50;

/**
 * Whether a job of `cost` due at `dueAt` may be taken at `now` under `state`: not before its
 * due time or the hold; under a pace, only once the job another instance took before it has
 * left (its lease; `first` in a claim: later jobs of the same claim follow the first; the
 * instance holding the lease, `owner`, sends its turns in order itself), and its turn —
 * one unit after the one before, so no window of `intervalMs × n` holds more than n units —
 * within LOOKAHEAD_MS. The job's turn and the state after, when it may.
 */
export function paceStep(
  state: PaceState,
  dueAt: number,
  cost: number,
  intervalMs: number,
  now: number,
  first = true,
  owner?: string,
): { ok: true; state: PaceState; slotAt: number } | { ok: false; retryAt: number } {
  if (dueAt > now) return { ok: false, retryAt: dueAt };
  if (state.hold > now) return { ok: false, retryAt: state.hold };
  if (intervalMs <= 0) return { ok: true, state, slotAt: now };
  if (first && (state.leaseUntil ?? 0) > now && (owner === undefined || state.leaseOwner !== owner)) return { ok: false, retryAt: Math.min(state.leaseUntil ?? 0, now + intervalMs) };
  const slotAt = Math.max(now, state.next);
  if (slotAt > now + LOOKAHEAD_MS) return { ok: false, retryAt: slotAt - LOOKAHEAD_MS };
  return { ok: true, state: { ...state, next: slotAt + cost * intervalMs }, slotAt };
}

/** The state once paced job `id` was taken at `now`: the key waits for its request to leave. */
export function leaseStep(state: PaceState, id: string, intervalMs: number, now: number, owner?: string): PaceState {
  return intervalMs > 0 ? { ...state, lease: id, leaseUntil: now + LEASE_MS, ...(owner !== undefined ? { leaseOwner: owner } : {}) } : state;
}

/**
 * The state once the request of job `id` leaves at `now` (`cost` 0: it was not sent at all):
 * the next unit waits `cost` intervals from now — not from when the job was taken — and the
 * key may be taken from again.
 */
export function departStep(state: PaceState, id: string, cost: number, intervalMs: number, now: number): PaceState {
  const next = intervalMs > 0 && cost > 0 ? Math.max(state.next, now + cost * intervalMs) : state.next;
  if (state.lease !== id) return { ...state, next };
  return { next, hold: state.hold };
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
