import { randomUUID } from 'node:crypto';
import { PROVIDERS, isProviderId } from '../providers';
import { DEFAULT_RETRY, type RetryPolicy } from '../providers/retry';
import { asReplyError, type AccountCredentials, type ReplyRequest, type SendingAccount } from '../providers/types';
import { LEASE_MS, LOOKAHEAD_MS, isStoreUnavailable, type ClaimedJob, type OutboundJob, type SmsStore } from '../store';
import { segmentsOf } from '../sms/gsm';
import type { ProviderId } from '../sms/types';
import { keepUnsaved, runtimeConsent, unsavedOptOut } from './consent';
import type { NodeAPI } from './red';
import { acquireStore, releaseStore, type RuntimeStore } from './sms-store';
import { statusCallbackUrl } from './status-url';

/**
 * The outbound queue of the runtime (SPEC §8): `sms send` (and `sms ask`, for the
 * conversations it starts) put one job per recipient in the store; one worker per runtime
 * takes them in order per sender at the sender's pace, sends each once, and hands the
 * outcome to the node that queued it (by node id, so after a restart the node of the same id
 * gets it). Nothing of the queue lives in memory but the lanes being worked on.
 */

/** What one send needs, as the caller gives it (a node, after reading its settings and msg). */
export interface OutboundRequest {
  /** Id of the node that gets the result. */
  owner: string;
  /** Id of the `sms account` node that sends. */
  account: string;
  provider: ProviderId;
  /** Whose opt-out list the recipient is checked against (nodes/common/consent-account.ts). */
  consentKey: string;
  /** The recipient in E.164 (or a channel address), the sender, the content. */
  request: Omit<ReplyRequest, 'statusUrl'>;
  /** An `sms status` node whose public URL gets this message's receipts. */
  receipts?: string;
  /** Messages (segments, where the provider counts them) per second; the provider's default when absent. */
  rate?: number;
  /** Epoch ms: not sent before. */
  sendAt?: number;
  /** The JSON-safe input message the result is built on. */
  msg: Record<string, unknown>;
  /** The owner's own id for this send, handed back with its result (sms ask: the question). */
  ref?: string;
}

/** A job as it waits in the store. */
export interface SendJob extends OutboundRequest {
  id: string;
  enqueuedAt: number;
  /** Not sent after this (a morning reminder that could not go by the next morning): `expired`. */
  expiresAt: number;
  segments: number;
}

/** `cleared`: a person removed it from the queue in the SMS sidebar before it was sent. */
export type NotSentReason = 'opted-out' | 'invalid-number' | 'refused' | 'unknown-outcome' | 'expired' | 'cleared';

export interface SentSummary {
  provider: ProviderId;
  messageId?: string;
  to: string;
  from: string;
  text: string;
  channel: string;
  segments: number;
  clientRef?: string;
}

export type SendResult =
  | { outcome: 'sent'; job: SendJob; sent: SentSummary }
  | { outcome: 'not-sent'; job: SendJob; notSent: { to: string; reason: NotSentReason; error: string } };

/** `result.job.msg` is the result's own (read back from the store, or copied): the handler may change it. */
export type ResultHandler = (result: SendResult) => void;

/** The `sms account` node as the queue needs it (nodes/sms-account/account.ts). */
interface AccountLike {
  id: string;
  name?: string;
  credentials?: AccountCredentials;
  apiHost?: string;
  publicUrl?: string;
}

/** How long a job may wait past its due time before it is reported `expired`. */
export const EXPIRE_AFTER_MS = 24 * 3600_000;
/** A job left `sending` this long by an instance that never came back is reported unknown. */
const ABANDONED_AFTER_MS = 15 * 60_000;
const LANES_EVERY_MS = 1000;
const CONSENT_BATCH = 200;
/** Jobs per write when a broadcast is queued: the first are sent while the rest are written. */
const ADD_BATCH = 500;
/** Results kept for a node that is not there (a redeploy in progress) before they are dropped with a warning. */
const UNCLAIMED_MS = 30_000;

/**
 * A lane is one sender of one account at one pace: its jobs go in order. Its name carries
 * what the worker needs to take from it after a restart, with nothing else in memory.
 */
interface LaneKey {
  account: string;
  from: string;
  per: 'sender' | 'account';
  intervalMs: number;
}

export function laneOf(k: LaneKey): string {
  return [k.account, k.per, k.intervalMs, k.from].join('|');
}

export function parseLane(lane: string): LaneKey {
  const [account, per, interval, ...from] = lane.split('|');
  return { account, per: per === 'account' ? 'account' : 'sender', intervalMs: Number(interval) || 0, from: from.join('|') };
}

/** Lanes are few and read for every job: each is parsed once (the cache is emptied if it grows). */
const parsedLanes = new Map<string, { lane: LaneKey; pace: { key: string; intervalMs: number } }>();
function parsed(lane: string): { lane: LaneKey; pace: { key: string; intervalMs: number } } {
  let p = parsedLanes.get(lane);
  if (!p) {
    if (parsedLanes.size >= 10_000) parsedLanes.clear();
    const k = parseLane(lane);
    p = { lane: k, pace: { key: k.per === 'account' ? k.account : `${k.account}|${k.from}`, intervalMs: k.intervalMs } };
    parsedLanes.set(lane, p);
  }
  return p;
}

function accountOf(lane: string): string {
  return parsed(lane).lane.account;
}

/** The key a lane is paced under and its interval; shared, not to be changed. */
function paceOf(lane: string): { key: string; intervalMs: number } {
  return parsed(lane).pace;
}

interface LaneState {
  nextAt: number;
  busy: boolean;
}

export class OutboundQueue {
  private users = 0;
  private store?: RuntimeStore;
  private running = false;
  private recovered = false;
  private readonly lanes = new Map<string, LaneState>();
  private readonly handlers = new Map<string, ResultHandler>();
  private readonly unclaimed = new Map<string, { at: number; results: SendResult[] }>();
  private readonly backoff = new Map<string, number>();
  /** Per pace key: when this instance's next request under it may leave (GCRA's theoretical arrival time). */
  private readonly turns = new Map<string, { tat: Promise<number> }>();
  /** Per pace key: jobs this instance took whose request has not left yet. */
  private readonly undeparted = new Map<string, number>();
  /**
   * Pace keys whose jobs taken here found no place within half the store's lease (requests of
   * another account hang): before another instance may take the key's turns, this instance's
   * jobs of the key go back to the queue, in order, and it takes none until all of them have.
   */
  private readonly stale = new Set<string>();
  /** Per pace key: a 429's hold, as this instance knows it (the store has it for the others). */
  private readonly localHold = new Map<string, number>();
  private paused = new Set<string>();
  /** Jobs taken from the store and not done yet: those being sent and those taken ahead. */
  private inFlight = 0;
  /** Requests out at the provider now (at most `concurrency`), and the jobs waiting for one of their places. */
  private requests = 0;
  private readonly requestWaiters: Array<{ go: (placed: boolean) => void; deadline?: number }> = [];
  /** Outcomes being written (their requests are done): a stop waits for them too. */
  private finishing = 0;
  private reserved = 0;
  private timer?: NodeJS.Timeout;
  private timerAt = Infinity;
  private soon?: NodeJS.Immediate;
  private lanesTimer?: NodeJS.Timeout;
  private drained?: Promise<void>;
  private missingAccount = new Set<string>();
  readonly concurrency: number;
  private readonly policy: RetryPolicy;

  constructor(private readonly RED: NodeAPI) {
    const settings = (RED.settings.smsSend ?? {}) as { concurrency?: number };
    this.concurrency = Number.isInteger(settings.concurrency) && (settings.concurrency as number) > 0 ? (settings.concurrency as number) : 16;
    // No resend inside a send: a 429 or a refused connection goes back to the queue, which waits for the pace.
    this.policy = { ...DEFAULT_RETRY, ...(RED.settings.smsRetry as Partial<RetryPolicy> | undefined), retries: 0 };
  }

  private log(level: 'warn' | 'info', text: string): void {
    const log = this.RED.log;
    if (log) log[level](`sms send: ${text}`);
  }

  /** A node (or another user) takes a share: the worker runs while anyone holds one. */
  acquire(): void {
    this.users += 1;
    if (!this.store) this.store = acquireStore(this.RED);
    if (!this.running) {
      this.running = true;
      void this.start();
    }
  }

  /** Gives a share back; the last one stops the worker once the sends in flight are done. */
  async release(removed: boolean): Promise<void> {
    this.users = Math.max(0, this.users - 1);
    if (this.users > 0) return;
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.soon) clearImmediate(this.soon);
    this.soon = undefined;
    clearInterval(this.lanesTimer);
    // Jobs taken ahead that wait for a place go back to the queue now (they see the queue
    // stopped), not once a provider that does not answer frees a place.
    const waiting = this.requestWaiters.splice(0);
    this.requests += waiting.length;
    for (const w of waiting) w.go(true);
    this.drained ??= this.waitForInFlight();
    await this.drained;
    this.drained = undefined;
    if (this.users === 0 && this.store) {
      this.store = undefined;
      this.lanes.clear();
      await releaseStore(removed);
    }
  }

  /**
   * Waits for the sends in flight, but never past Node-RED's close timeout (nodeCloseTimeout,
   * 15 s): a provider that does not answer must not hold a stop for it and end it with "Close
   * timed out". A send left is `sending` in the store: reported unknown-outcome at the next
   * start, never sent again.
   */
  private async waitForInFlight(): Promise<void> {
    const setting = Number(this.RED.settings.nodeCloseTimeout);
    const closeTimeout = Number.isFinite(setting) && setting > 0 ? setting : 15_000;
    const until = Date.now() + Math.min(this.policy.timeoutMs + 1000, Math.max(0, closeTimeout - 2000));
    while ((this.inFlight > 0 || this.reserved > 0 || this.finishing > 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    if (this.inFlight > 0) this.log('warn', `${this.inFlight} message(s) still waiting for the provider's answer at the stop: reported unknown-outcome at the next start, not sent again`);
  }

  /** Results for the node `owner` go to `handler`; those that came while it was away are handed over now. */
  subscribe(owner: string, handler: ResultHandler): () => void {
    this.handlers.set(owner, handler);
    const waiting = this.unclaimed.get(owner);
    if (waiting) {
      this.unclaimed.delete(owner);
      for (const r of waiting.results) handler(r);
    }
    return () => {
      if (this.handlers.get(owner) === handler) this.handlers.delete(owner);
    };
  }

  private deliver(result: SendResult): void {
    const handler = this.handlers.get(result.job.owner);
    if (handler) return handler(result);
    const now = Date.now();
    for (const [owner, held] of this.unclaimed) {
      if (now - held.at > UNCLAIMED_MS) {
        this.unclaimed.delete(owner);
        this.log('warn', `${held.results.length} result(s) for node ${owner}, which is not deployed, were dropped`);
      }
    }
    const held = this.unclaimed.get(result.job.owner) ?? { at: now, results: [] };
    held.results.push(result);
    this.unclaimed.set(result.job.owner, held);
  }

  private async open(): Promise<SmsStore> {
    if (!this.store) throw new Error('the outbound queue is not running');
    return this.store.ready;
  }

  /**
   * Puts one job per request in the store (durable when it resolves). Requests the queue
   * refuses at once (opted out) are reported through the owner's handler, not queued.
   */
  async enqueue(requests: OutboundRequest[]): Promise<{ queued: number; notSent: number }> {
    const store = await this.open();
    const now = Date.now();
    let queued = 0;
    let notSent = 0;
    // A list that cannot be read here refuses no one yet: the job is queued, and checked again
    // (failing closed) just before it is sent.
    const consent = await runtimeConsent(this.store as RuntimeStore).catch(() => undefined);
    const held = (r: OutboundRequest) => unsavedOptOut(r.consentKey, r.request.to, r.request.channel);
    // In steps, each durable before the next, and each sent from as soon as it is: one write of
    // 100 000 jobs would outlast the store's time limit (and hold its writer that long), and the
    // first sends of a broadcast would wait for its last job.
    for (let start = 0; start < requests.length; start += ADD_BATCH) {
      const step = requests.slice(start, start + ADD_BATCH);
      // The list is read for many recipients at once (on redis, one round trip each).
      const listedAll: Array<Awaited<ReturnType<NonNullable<typeof consent>['optedOut']>>> = [];
      for (let i = 0; i < step.length; i += CONSENT_BATCH) {
        const batch = step.slice(i, i + CONSENT_BATCH);
        listedAll.push(...(await Promise.all(batch.map((r) => (consent ? consent.optedOut(r.consentKey, r.request.to, r.request.channel).catch(() => held(r)) : held(r))))));
      }
      const jobs: Array<OutboundJob<SendJob>> = [];
      for (const [i, req] of step.entries()) {
        const provider = PROVIDERS[req.provider];
        const outbound = provider.reply.outbound;
        const dueAt = Math.round(req.sendAt ?? now);
        const segments = segmentsOf(req.request.text ?? '');
        const job: SendJob = { ...req, id: randomUUID(), enqueuedAt: now, expiresAt: Math.max(dueAt, now) + EXPIRE_AFTER_MS, segments };
        const listed = listedAll[i];
        if (listed) {
          notSent++;
          this.deliver(notSentResult({ ...job, msg: ownCopy(job.msg) }, 'opted-out', `${req.request.to} opted out (${listed.why}, since ${listed.since}): nothing was sent`));
          continue;
        }
        const rate = req.rate && req.rate > 0 ? req.rate : outbound.defaultRate.perSecond;
        const per = req.rate && req.rate > 0 ? 'sender' : outbound.defaultRate.per;
        const lane = laneOf({ account: req.account, from: req.request.from, per, intervalMs: rateIntervalMs(rate) });
        jobs.push({ id: job.id, lane, dueAt, cost: outbound.countsSegments ? segments : 1, value: job });
      }
      try {
        if (jobs.length > 0) await store.outbound.add(jobs);
      } catch (err) {
        // The steps before are queued and being sent: said, so that nobody sends the whole list again.
        const later = requests.length - start - step.length;
        // A store that did not answer in time may still have written the step (a redis timeout).
        if (queued === 0 && !isStoreUnavailable(err)) throw err;
        const sure = queued > 0 ? `${queued} message(s) of this input were queued and will be sent, ` : '';
        const unsure = isStoreUnavailable(err)
          ? `${jobs.length} ${queued > 0 ? 'more ' : 'message(s) of this input '}may have been queued (the store did not say) and will then be sent, the other ${later} were not queued`
          : `the other ${jobs.length + later} were not queued`;
        throw Object.assign(new Error(`${(err as Error).message}: ${sure}${unsure}`), { cause: err });
      }
      queued += jobs.length;
      for (const j of jobs) this.wake(j.lane, j.dueAt);
    }
    return { queued, notSent };
  }

  /** Reports a request the caller refused before queueing (an impossible number) the same way as the queue's own. */
  reportNotSent(req: OutboundRequest, reason: NotSentReason, error: string): void {
    const job: SendJob = { ...req, msg: ownCopy(req.msg), id: randomUUID(), enqueuedAt: Date.now(), expiresAt: Date.now(), segments: 1 };
    this.deliver(notSentResult(job, reason, error));
  }

  private wake(lane: string, at: number): void {
    const state = this.lanes.get(lane);
    if (!state) this.lanes.set(lane, { nextAt: at, busy: false });
    else if (at < state.nextAt) state.nextAt = at;
    this.schedule(0);
  }

  private async start(): Promise<void> {
    try {
      const store = await this.open();
      if (!this.recovered) {
        this.recovered = true;
        // Jobs this instance was sending when it stopped: the request may have gone out.
        const left = await store.outbound.takeSending<SendJob>({ owner: store.instance });
        for (const j of left) this.reportInterrupted(j);
      }
      await this.refreshLanes();
    } catch (err) {
      this.log('warn', `the outbound queue cannot be read yet (${(err as Error).message}); trying again`);
    }
    if (!this.running) return;
    this.lanesTimer = setInterval(() => void this.refreshLanes().catch(() => undefined), LANES_EVERY_MS);
    this.lanesTimer.unref?.();
    this.schedule(0);
  }

  private reportInterrupted(j: ClaimedJob<SendJob>): void {
    this.deliver(
      notSentResult(
        j.value,
        'unknown-outcome',
        `Node-RED stopped while this message to ${j.value.request.to} was being sent: the provider may have sent it, so it was not sent again (that could send it twice)`,
      ),
    );
  }

  /** Lanes other instances filled, scheduled jobs, what is paused, and jobs an instance abandoned. */
  private async refreshLanes(): Promise<void> {
    const store = await this.open();
    for (const lane of await store.outbound.lanes()) if (!this.lanes.has(lane)) this.lanes.set(lane, { nextAt: 0, busy: false });
    this.paused = new Set(await store.outbound.paused());
    const abandoned = await store.outbound.takeSending<SendJob>({ before: Date.now() - ABANDONED_AFTER_MS });
    for (const j of abandoned) this.reportInterrupted(j);
    this.schedule(0);
  }

  /**
   * Runs the pump in `ms` (0: once this turn of the event loop is done). A pump asked for
   * again before it ran is not put off: requests finishing every fraction of a millisecond
   * would else keep moving it, and nothing would be taken until they all had.
   */
  private schedule(ms: number): void {
    if (!this.running) return;
    if (ms <= 0) {
      this.soon ??= setImmediate(() => {
        this.soon = undefined;
        this.pump();
      });
      return;
    }
    // A timer set for later gives way to this one; one set for sooner stays (it pumps sooner).
    const at = Date.now() + ms;
    if (this.timer && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, ms);
  }

  private pump(): void {
    if (!this.running) return;
    const now = Date.now();
    let next = Infinity;
    for (const [lane, state] of this.lanes) {
      if (state.busy) continue;
      if (this.paused.has(accountOf(lane))) continue;
      if (state.nextAt > now) {
        next = Math.min(next, state.nextAt);
        continue;
      }
      // Jobs are taken ahead of the requests (three times the concurrency in all): a claim
      // waits for a disk sync, and a place freed while it ran would else stay empty until it
      // ends (with twice, a broadcast went ~5 % slower: places emptied at the end of claims). A
      // kill -9 reports the jobs taken ahead unknown-outcome, as those being sent; a clean stop
      // puts them back.
      const free = 3 * this.concurrency - this.inFlight - this.reserved;
      if (free <= 0) return;
      void this.take(lane, state, free);
    }
    if (next < Infinity) this.schedule(Math.max(1, Math.min(next - now, LANES_EVERY_MS)));
  }

  private async take(lane: string, state: LaneState, max: number): Promise<void> {
    const account = accountOf(lane);
    const accountNode = this.RED.nodes.getNode(account) as unknown as AccountLike | null;
    if (!accountNode) {
      // Another instance, or a deploy in progress: this instance leaves the lane alone for now.
      if (!this.missingAccount.has(account)) this.log('warn', `jobs wait for the sms account ${account}, which is not deployed here`);
      this.missingAccount.add(account);
      state.nextAt = Date.now() + 5000;
      return;
    }
    const pace = paceOf(lane);
    if (this.stale.has(pace.key)) {
      // Kept until every job of the key taken here went back and a place is free again: taken
      // again while the other requests still hang, the key's jobs would wait out another half
      // lease here, and hold the key from the instances that can send.
      if ((this.undeparted.get(pace.key) ?? 0) > 0 || this.requests >= this.concurrency) {
        state.nextAt = Date.now() + 50;
        this.schedule(50);
        return;
      }
      this.stale.delete(pace.key);
    }
    if (pace.intervalMs > 0) {
      // Jobs taken for a later turn count as being sent (a crash reports them unknown-outcome): a
      // lookahead's worth per key, however fast the turns come.
      const ahead = Math.ceil(LOOKAHEAD_MS / pace.intervalMs) + 1 - (this.undeparted.get(pace.key) ?? 0);
      if (ahead <= 0) {
        const wait = Math.min(pace.intervalMs, LOOKAHEAD_MS);
        state.nextAt = Date.now() + wait;
        this.schedule(Math.max(1, wait));
        return;
      }
      max = Math.min(max, ahead);
    }
    state.busy = true;
    this.reserved += max;
    try {
      const store = await this.open();
      const askedAt = Date.now();
      // The pause is checked again in the store, in the same step as the take: another instance may have paused just now.
      const result = await store.outbound.claim<SendJob>(lane, { ...pace, pausedBy: account }, max);
      if (result.paused) {
        this.paused.add(account);
        state.nextAt = Date.now() + LANES_EVERY_MS;
        return;
      }
      // Turns are in the store's clock (redis's, for every instance): read against ours.
      const offset = result.now === undefined ? 0 : (askedAt + Date.now()) / 2 - result.now;
      // This instance's requests under the key leave in order, across its claims, each at its
      // turn, and no closer together than the pace allows, with a little slack (a local GCRA:
      // a timer that fires late does not push every later request back, nor let the ones
      // behind it out all at once, as after the first send loads the provider's SDK).
      const chain = this.turns.get(pace.key) ?? { tat: Promise.resolve(-Infinity) };
      const takenAt = Date.now();
      const tolerance = burstToleranceMs(pace.intervalMs);
      result.jobs.forEach((job, i) => {
        const turn = job.slotAt === undefined ? 0 : job.slotAt + offset;
        const previous = chain.tat;
        const gap = job.cost * pace.intervalMs;
        let tat!: (departedAt: number | undefined) => void;
        chain.tat = new Promise<number>((resolve) => {
          tat = (departedAt) => void previous.then((t) => resolve(departedAt === undefined ? t : Math.max(t, departedAt) + gap));
        });
        let left = false;
        if (pace.intervalMs > 0) this.undeparted.set(pace.key, (this.undeparted.get(pace.key) ?? 0) + 1);
        const leave = (departedAt: number | undefined): void => {
          if (left) return;
          left = true;
          tat(departedAt);
          if (pace.intervalMs <= 0) return;
          const n = (this.undeparted.get(pace.key) ?? 1) - 1;
          if (n > 0) this.undeparted.set(pace.key, n);
          else this.undeparted.delete(pace.key);
        };
        let placed = false;
        // Its turn, once the checks before it are done (the list is read while the turn comes),
        // then a place among the requests out at once.
        // A job behind one that found no place goes back with it, without waiting for a place itself.
        const waitTurn = async (): Promise<void> => {
          // After the job before it (so the key's last job, which holds its lease, goes back last).
          if (this.stale.has(pace.key)) {
            await previous;
            return;
          }
          const at = Math.max(turn, (await previous) - tolerance);
          // A timer waits a whole millisecond at least, and the turns of a fast sender are
          // fractions of one apart: waiting for those would pace every request to 1 ms behind
          // the one before. Leaving up to 1 ms early takes 1 ms of the jitter margin (BURST_MS).
          const wait = at - Date.now();
          if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
          if (this.stale.has(pace.key)) return;
          placed = await this.requestPlace(pace.intervalMs > 0 ? takenAt + LEASE_MS / 2 : undefined);
          if (!placed) this.stale.add(pace.key);
        };
        // The last job of a paced claim holds the key until it leaves (the store's lease).
        const holdsKey = pace.intervalMs > 0 && i === result.jobs.length - 1;
        this.inFlight += 1;
        let released = false;
        // The request is done (or never made): its place goes to the next while the outcome is written.
        const release = (): void => {
          if (released) return;
          released = true;
          this.inFlight -= 1;
          if (placed) this.freePlace();
          this.schedule(0);
        };
        void this.send(store, lane, job, accountNode, { holdsKey, left: leave, release, waitTurn })
          .catch((err: unknown) => this.log('warn', `a send failed unexpectedly (${(err as Error).message})`))
          .finally(() => {
            leave(undefined);
            release();
          });
      });
      if (pace.intervalMs > 0 && result.jobs.length > 0) this.turns.set(pace.key, chain);
      if (result.retryAt === undefined) this.lanes.delete(lane);
      // Nothing taken (another instance holds the key): asked again a millisecond later at the
      // soonest, not at once, round trip after round trip.
      else state.nextAt = result.jobs.length > 0 ? result.retryAt : Math.max(result.retryAt, Date.now() + 1);
    } catch (err) {
      this.log('warn', `could not take from the outbound queue (${(err as Error).message}); trying again`);
      state.nextAt = Date.now() + 1000;
    } finally {
      this.reserved -= max;
      state.busy = false;
      // The next claim is asked now, before the jobs just taken build their requests (a few
      // milliseconds of work for a claim's worth): asked after, its disk sync would start only
      // once they are all out, and the places would empty while it ran.
      this.pump();
    }
  }

  /**
   * True once fewer than `concurrency` requests are out: the place is this caller's until
   * freePlace(). False at `deadline` (epoch ms), or after it: the caller has no place.
   */
  private requestPlace(deadline?: number): Promise<boolean> {
    // Stopped: the job goes back to the queue at once (it sends nothing), not behind requests that hang.
    if (!this.running) {
      this.requests += 1;
      return Promise.resolve(true);
    }
    // Past it already (the checks or the turn came late): the key's lease may be ending, and
    // another instance may take the key's turns, so this job's request does not leave.
    if (deadline !== undefined && Date.now() >= deadline) return Promise.resolve(false);
    if (this.requests < this.concurrency) {
      this.requests += 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter = (placed: boolean): void => {
        clearTimeout(timer);
        resolve(placed);
      };
      const entry = { go: waiter, deadline };
      if (deadline !== undefined) {
        timer = setTimeout(() => {
          const i = this.requestWaiters.indexOf(entry);
          if (i >= 0) this.requestWaiters.splice(i, 1);
          resolve(false);
        }, Math.max(0, deadline - Date.now()));
      }
      this.requestWaiters.push(entry);
    });
  }

  /**
   * A place freed goes to the job that has waited longest for one and is not past its
   * deadline (a busy event loop may not have run its timer yet: it gets no place).
   */
  private freePlace(): void {
    const now = Date.now();
    for (let next = this.requestWaiters.shift(); next; next = this.requestWaiters.shift()) {
      if (next.deadline !== undefined && now >= next.deadline) {
        next.go(false);
        continue;
      }
      next.go(true);
      return;
    }
    this.requests -= 1;
  }

  private async send(
    store: SmsStore,
    lane: string,
    claimed: ClaimedJob<SendJob>,
    account: AccountLike,
    turn: { holdsKey: boolean; left: (departedAt: number | undefined) => void; release: () => void; waitTurn: () => Promise<void> },
  ): Promise<void> {
    const pace = paceOf(lane);
    // A paced claim holds its key on every instance until its last request leaves; the pace counts from then.
    let departed = false;
    const depart = async (cost: number): Promise<void> => {
      if (departed) return;
      departed = true;
      turn.left(cost > 0 ? Date.now() : undefined);
      if (!turn.holdsKey) return;
      try {
        // Not sent: the key is given back as if it left now, so the requests before it that left
        // late still count (another instance takes the next turn an interval after them).
        await store.outbound.departing(claimed.id, pace, Math.max(cost, 1));
      } catch (err) {
        this.log('warn', `could not tell the outbound queue a message left (${(err as Error).message}); the sender waits a little longer`);
      }
      this.wake(lane, Date.now());
    };
    try {
      await this.sendClaimed(store, lane, claimed, account, depart, turn.release, turn.waitTurn);
    } finally {
      await depart(0);
    }
  }

  private async sendClaimed(
    store: SmsStore,
    lane: string,
    claimed: ClaimedJob<SendJob>,
    account: AccountLike,
    depart: (cost: number) => Promise<void>,
    release: () => void,
    waitTurn: () => Promise<void>,
  ): Promise<void> {
    const job = claimed.value;
    const to = job.request.to;
    const finish = async (result: SendResult): Promise<void> => {
      await depart(0);
      this.finishing += 1;
      release();
      try {
        await store.outbound.finish(claimed.id);
      } catch (err) {
        this.log('warn', `could not mark the message to ${to} done in the outbound queue (${(err as Error).message})`);
      } finally {
        this.finishing -= 1;
      }
      this.deliver(result);
    };
    if (Date.now() > job.expiresAt) {
      return finish(notSentResult(job, 'expired', `the message to ${to} was due at ${new Date(claimed.dueAt).toISOString()} and could not be sent within ${EXPIRE_AFTER_MS / 3600_000} hours of it`));
    }
    // Fail closed (SPEC §8): a list that cannot be read may hold a STOP, so nothing is sent; the
    // job goes back in its place and the sender waits, as after a 429.
    let consent: Awaited<ReturnType<typeof runtimeConsent>> | undefined;
    let listed: Awaited<ReturnType<NonNullable<typeof consent>['optedOut']>>;
    try {
      consent = await runtimeConsent(this.store as RuntimeStore);
      listed = await consent.optedOut(job.consentKey, to, job.request.channel);
    } catch (err) {
      listed = unsavedOptOut(job.consentKey, to, job.request.channel);
      if (!listed) {
        const pace = paceOf(lane);
        const wait = this.nextBackoff(pace.key);
        this.holdHere(pace.key, Date.now() + wait);
        this.log('warn', `could not read the opt-out list (${(err as Error).message}): the message to ${to} was not sent, and waits ${Math.round(wait / 1000)} s to be checked again`);
        try {
          await store.outbound.hold(pace.key, Date.now() + wait);
          await store.outbound.requeue(claimed.id);
          this.wake(lane, Date.now() + wait);
        } catch (e) {
          this.log('warn', `could not put the message to ${to} back in the queue (${(e as Error).message})`);
        }
        return;
      }
    }
    if (listed) return finish(notSentResult(job, 'opted-out', `${to} opted out (${listed.why}, since ${listed.since}) while the message waited: nothing was sent`));
    if (!isProviderId(job.provider)) return finish(notSentResult(job, 'refused', `unknown provider "${job.provider}"`));
    const provider = PROVIDERS[job.provider];
    const sending: SendingAccount = { name: account.name || account.id, credentials: account.credentials ?? {}, apiHost: account.apiHost };
    const status = statusCallbackUrl(this.RED, job.receipts, account.publicUrl);
    const request: ReplyRequest = { ...job.request, ...(status.url ? { statusUrl: status.url } : {}) };
    const cannot = provider.reply.cannotSend(sending, request);
    if (cannot) return finish(notSentResult(job, 'refused', cannot.message));
    const pace = paceOf(lane);
    await waitTurn();
    // A 429 (or a list that could not be read) for this sender came while this job waited for
    // its turn: it goes back in its place, behind nothing, and waits out the hold with the rest.
    // So does a job taken ahead when the queue stops while it waits (a clean stop keeps it),
    // and one whose key's lease may have ended while it waited for a place.
    const stale = this.stale.has(pace.key);
    if ((this.localHold.get(pace.key) ?? 0) > Date.now() || !this.running || stale) {
      try {
        await store.outbound.requeue(claimed.id);
        if (stale) this.wake(lane, Date.now() + 50);
      } catch (e) {
        this.log('warn', `could not put the message to ${to} back in the queue (${(e as Error).message})`);
      }
      return;
    }
    try {
      // The SDK loads before the request is counted as leaving (~0.3 s the first time): counted
      // before, the request would leave that much after its turn, close behind the next one.
      provider.reply.prepare?.(sending, this.policy);
    } catch {
      // A client that cannot be built fails the send below, with the provider's own words.
    }
    // The request goes first, then the key's next turn is written from that moment: written
    // first, the request would leave a store round trip after the moment the other instances
    // pace from, and land closer than the pace behind theirs.
    const sent = provider.reply.send(request, sending, this.policy);
    sent.catch(() => undefined);
    await depart(claimed.cost);
    try {
      const result = await sent;
      this.backoff.delete(pace.key);
      await finish({
        outcome: 'sent',
        job,
        sent: {
          provider: job.provider,
          ...(result.messageId ? { messageId: result.messageId } : {}),
          to,
          from: job.request.from,
          text: job.request.text,
          channel: job.request.channel ?? 'sms',
          segments: result.segments ?? job.segments,
          ...(job.request.clientRef ? { clientRef: job.request.clientRef } : {}),
        },
      });
    } catch (err) {
      const failure = asReplyError(err);
      if (failure.outcome === 'not-sent') {
        // SPEC §3: the provider cannot have taken it. Back in its place; the sender waits.
        const wait = failure.retryAfterS !== undefined ? failure.retryAfterS * 1000 : this.nextBackoff(pace.key);
        this.holdHere(pace.key, Date.now() + wait);
        try {
          await store.outbound.hold(pace.key, Date.now() + wait);
          await store.outbound.requeue(claimed.id);
          this.wake(lane, Date.now() + wait);
        } catch (e) {
          this.log('warn', `could not put the message to ${to} back in the queue (${(e as Error).message})`);
        }
        return;
      }
      if (failure.outcome === 'unknown') return finish(notSentResult(job, 'unknown-outcome', failure.message));
      const detail = consent ? provider.optOut.refused(failure) : undefined;
      if (detail && consent) {
        const change = { why: 'provider-refusal' as const, detail, channel: job.request.channel };
        try {
          await consent.optOut(job.consentKey, to, change);
        } catch (e) {
          try {
            keepUnsaved(job.consentKey, to, change);
          } catch {
            // Not a number a list can hold: said below all the same.
          }
          this.log('warn', `${to} was refused as opted out (${detail}) but could not be written to the opt-out list (${(e as Error).message}): kept in memory until the sms store takes it`);
        }
        return finish(notSentResult(job, 'opted-out', failure.message));
      }
      return finish(notSentResult(job, 'refused', failure.message));
    }
  }

  /** Jobs of this key already taken for a later turn wait out the hold too (the store holds the key for the others). */
  private holdHere(key: string, until: number): void {
    if ((this.localHold.get(key) ?? 0) < until) this.localHold.set(key, until);
    const now = Date.now();
    for (const [k, t] of this.localHold) if (t <= now) this.localHold.delete(k);
  }

  /** Without a Retry-After: 1 s, then 2, 4… up to a minute, per pace key, until a send goes through. */
  private nextBackoff(key: string): number {
    const last = this.backoff.get(key);
    const next = last === undefined ? 1000 : Math.min(last * 2, 60_000);
    this.backoff.set(key, next);
    return next;
  }

  /** The store while the queue runs; else a share taken for this call alone (the SMS sidebar with no sms send deployed). */
  private async withStore<T>(fn: (store: SmsStore) => Promise<T>): Promise<T> {
    if (this.store) return fn(await this.store.ready);
    const shared = acquireStore(this.RED);
    try {
      return await fn(await shared.ready);
    } finally {
      await releaseStore(true);
    }
  }

  /** The queue of each lane, for the SMS sidebar. */
  async counts(): Promise<Array<{ account: string; from: string; waiting: number; scheduled: number; sending: number; paused: boolean }>> {
    return this.withStore(async (store) => {
      const paused = new Set(await store.outbound.paused());
      return (await store.outbound.counts()).map((c) => {
        const k = parseLane(c.lane);
        return { account: k.account, from: k.from, waiting: c.waiting, scheduled: c.scheduled, sending: c.sending, paused: paused.has(k.account) };
      });
    });
  }

  /** The accounts paused now (by `sms account` node id). */
  async pausedAccounts(): Promise<string[]> {
    return this.withStore((store) => store.outbound.paused());
  }

  /** The first `max` jobs waiting or scheduled for an account, in the order they are due (all its senders together). */
  async jobs(account: string, max: number): Promise<Array<{ dueAt: number; job: SendJob }>> {
    if (max < 1) return [];
    return this.withStore(async (store) => {
      const out: Array<{ dueAt: number; job: SendJob }> = [];
      for (const lane of await store.outbound.lanes()) {
        if (accountOf(lane) !== account) continue;
        for (const j of await store.outbound.peek<SendJob>(lane, max)) out.push({ dueAt: j.dueAt, job: j.value });
      }
      return out.sort((a, b) => a.dueAt - b.dueAt || a.job.enqueuedAt - b.job.enqueuedAt).slice(0, max);
    });
  }

  /** Pauses or resumes an account's sends on every instance, also after a restart (kept in the store). */
  async setPaused(account: string, paused: boolean): Promise<void> {
    await this.withStore((store) => store.outbound.pause(account, paused));
    if (paused) this.paused.add(account);
    else this.paused.delete(account);
    if (!paused && this.store) await this.refreshLanes().catch(() => undefined);
  }

  /** Removes what waits for an account (not what is being sent); each removed job is reported `cleared` to its node. */
  async clear(account: string): Promise<number> {
    const removed = await this.withStore(async (store) => {
      const out: SendJob[] = [];
      for (const lane of await store.outbound.lanes()) {
        if (accountOf(lane) !== account) continue;
        for (const j of await store.outbound.clear<SendJob>(lane)) out.push(j.value);
        this.lanes.delete(lane);
      }
      return out;
    });
    for (const job of removed) {
      this.deliver(notSentResult(job, 'cleared', `the message to ${job.request.to} was removed from the queue in the SMS sidebar before it was sent`));
    }
    return removed.length;
  }
}

/** The requests of one input share its message; a result reported without the store gets a copy of its own. */
function ownCopy(msg: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(msg)) as Record<string, unknown>;
}

function notSentResult(job: SendJob, reason: NotSentReason, error: string): SendResult {
  return { outcome: 'not-sent', job, notSent: { to: job.request.to, reason, error } };
}

/** Milliseconds per unit at `rate` units per second, with a small margin so no 1-second window passes the rate. */
export function rateIntervalMs(rate: number): number {
  return rate > 0 ? Math.round((1000 * RATE_MARGIN) / rate * 1000) / 1000 : 0;
}
/**
 * 3.5 % slower than the rate: with the burst tolerance below, a request may reach the
 * provider up to 23 ms later than the one after it (a busy machine, two instances' clocks
 * read over Redis) and no 1-second window there holds more than the rate. At 2 % that was
 * 8 ms, which two instances on one loaded 2-core machine passed.
 */
const RATE_MARGIN = 1.035;

/**
 * How early, against the pace, a request may leave after one that left late: what the margin
 * leaves free in a 1-second window, so it never holds more than the rate — with the interval
 * at 1000 × RATE_MARGIN / rate, floor((1000 + t) / interval) + 1 <= rate holds for any t under
 * 35 ms — and at most one interval.
 */
export function burstToleranceMs(intervalMs: number): number {
  return Math.max(0, Math.min(intervalMs, BURST_MS));
}
/**
 * Under 1000 × (RATE_MARGIN − 1) = 35 ms: with a request leaving up to 1 ms before its turn
 * (no timer for less), 24 ms are left for the jitter of a request on its way, 23 ms where
 * one instance's turns hand over to another's.
 */
const BURST_MS = 10;


const queues = new WeakMap<object, OutboundQueue>();

/**
 * The runtime's one outbound queue. Node-RED gives each module (each node file, the SMS
 * sidebar plugin) its own RED with its own `RED.nodes`; `RED.util` is the runtime's one
 * object, so the sidebar's routes and the sms send nodes share one queue.
 */
export function outboundQueue(RED: NodeAPI): OutboundQueue {
  const key = (RED.util ?? RED.nodes) as unknown as object;
  let q = queues.get(key);
  if (!q) {
    q = new OutboundQueue(RED);
    queues.set(key, q);
  }
  return q;
}
