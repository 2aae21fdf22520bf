import { randomUUID } from 'node:crypto';
import { PROVIDERS, isProviderId } from '../providers';
import { DEFAULT_RETRY, type RetryPolicy } from '../providers/retry';
import { asReplyError, type AccountCredentials, type ReplyRequest, type SendingAccount } from '../providers/types';
import type { ClaimedJob, OutboundJob, SmsStore } from '../store';
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
}

/** A job as it waits in the store. */
export interface SendJob extends OutboundRequest {
  id: string;
  enqueuedAt: number;
  /** Not sent after this (a morning reminder that could not go by the next morning): `expired`. */
  expiresAt: number;
  segments: number;
}

export type NotSentReason = 'opted-out' | 'invalid-number' | 'refused' | 'unknown-outcome' | 'expired';

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
const PAUSED_KEY = 'outbound-paused';
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

function paceOf(lane: string): { key: string; intervalMs: number } {
  const k = parseLane(lane);
  return { key: k.per === 'account' ? k.account : `${k.account}|${k.from}`, intervalMs: k.intervalMs };
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
  private paused = new Set<string>();
  private inFlight = 0;
  private reserved = 0;
  private timer?: NodeJS.Timeout;
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
    clearInterval(this.lanesTimer);
    this.drained ??= this.waitForInFlight();
    await this.drained;
    this.drained = undefined;
    if (this.users === 0 && this.store) {
      this.store = undefined;
      this.lanes.clear();
      await releaseStore(removed);
    }
  }

  private async waitForInFlight(): Promise<void> {
    const until = Date.now() + this.policy.timeoutMs + 1000;
    while ((this.inFlight > 0 || this.reserved > 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
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
    const jobs: Array<OutboundJob<SendJob>> = [];
    let notSent = 0;
    // A list that cannot be read here refuses no one yet: the job is queued, and checked again
    // (failing closed) just before it is sent.
    const consent = await runtimeConsent(this.store as RuntimeStore).catch(() => undefined);
    // The list is read for many recipients at once (on redis, one round trip each).
    const listedAll: Array<Awaited<ReturnType<NonNullable<typeof consent>['optedOut']>>> = [];
    for (let i = 0; i < requests.length; i += CONSENT_BATCH) {
      const batch = requests.slice(i, i + CONSENT_BATCH);
      const held = (r: OutboundRequest) => unsavedOptOut(r.consentKey, r.request.to, r.request.channel);
      listedAll.push(...(await Promise.all(batch.map((r) => (consent ? consent.optedOut(r.consentKey, r.request.to, r.request.channel).catch(() => held(r)) : held(r))))));
    }
    for (const [i, req] of requests.entries()) {
      const provider = PROVIDERS[req.provider];
      const outbound = provider.reply.outbound;
      const dueAt = Math.round(req.sendAt ?? now);
      const segments = segmentsOf(req.request.text ?? '');
      const job: SendJob = { ...req, id: randomUUID(), enqueuedAt: now, expiresAt: Math.max(dueAt, now) + EXPIRE_AFTER_MS, segments };
      const listed = listedAll[i];
      if (listed) {
        notSent++;
        this.deliver(notSentResult(job, 'opted-out', `${req.request.to} opted out (${listed.why}, since ${listed.since}): nothing was sent`));
        continue;
      }
      const rate = req.rate && req.rate > 0 ? req.rate : outbound.defaultRate.perSecond;
      const per = req.rate && req.rate > 0 ? 'sender' : outbound.defaultRate.per;
      const lane = laneOf({ account: req.account, from: req.request.from, per, intervalMs: rateIntervalMs(rate) });
      jobs.push({ id: job.id, lane, dueAt, cost: outbound.countsSegments ? segments : 1, value: job });
    }
    if (jobs.length) await store.outbound.add(jobs);
    for (const j of jobs) this.wake(j.lane, j.dueAt);
    return { queued: jobs.length, notSent };
  }

  /** Reports a request the caller refused before queueing (an impossible number) the same way as the queue's own. */
  reportNotSent(req: OutboundRequest, reason: NotSentReason, error: string): void {
    const job: SendJob = { ...req, id: randomUUID(), enqueuedAt: Date.now(), expiresAt: Date.now(), segments: 1 };
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
    const paused = await store.collection<boolean>(PAUSED_KEY).entries();
    this.paused = new Set(paused.filter(([, v]) => v).map(([k]) => k));
    const abandoned = await store.outbound.takeSending<SendJob>({ before: Date.now() - ABANDONED_AFTER_MS });
    for (const j of abandoned) this.reportInterrupted(j);
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    if (this.timer && ms > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, ms);
  }

  private pump(): void {
    if (!this.running) return;
    const now = Date.now();
    let next = Infinity;
    for (const [lane, state] of this.lanes) {
      if (state.busy) continue;
      if (this.paused.has(parseLane(lane).account)) continue;
      if (state.nextAt > now) {
        next = Math.min(next, state.nextAt);
        continue;
      }
      const free = this.concurrency - this.inFlight - this.reserved;
      if (free <= 0) return;
      void this.take(lane, state, free);
    }
    if (next < Infinity) this.schedule(Math.max(1, Math.min(next - now, LANES_EVERY_MS)));
  }

  private async take(lane: string, state: LaneState, max: number): Promise<void> {
    const { account } = parseLane(lane);
    const accountNode = this.RED.nodes.getNode(account) as unknown as AccountLike | null;
    if (!accountNode) {
      // Another instance, or a deploy in progress: this instance leaves the lane alone for now.
      if (!this.missingAccount.has(account)) this.log('warn', `jobs wait for the sms account ${account}, which is not deployed here`);
      this.missingAccount.add(account);
      state.nextAt = Date.now() + 5000;
      return;
    }
    state.busy = true;
    this.reserved += max;
    try {
      const store = await this.open();
      const result = await store.outbound.claim<SendJob>(lane, paceOf(lane), max);
      for (const job of result.jobs) {
        this.inFlight += 1;
        void this.send(store, lane, job, accountNode).finally(() => {
          this.inFlight -= 1;
          this.schedule(0);
        });
      }
      if (result.retryAt === undefined) this.lanes.delete(lane);
      else state.nextAt = result.retryAt;
    } catch (err) {
      this.log('warn', `could not take from the outbound queue (${(err as Error).message}); trying again`);
      state.nextAt = Date.now() + 1000;
    } finally {
      this.reserved -= max;
      state.busy = false;
      this.schedule(0);
    }
  }

  private async send(store: SmsStore, lane: string, claimed: ClaimedJob<SendJob>, account: AccountLike): Promise<void> {
    const job = claimed.value;
    const to = job.request.to;
    const finish = async (result: SendResult): Promise<void> => {
      try {
        await store.outbound.finish(claimed.id);
      } catch (err) {
        this.log('warn', `could not mark the message to ${to} done in the outbound queue (${(err as Error).message})`);
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
    try {
      const result = await provider.reply.send(request, sending, this.policy);
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

  /** Without a Retry-After: 1 s, then 2, 4… up to a minute, per pace key, until a send goes through. */
  private nextBackoff(key: string): number {
    const last = this.backoff.get(key);
    const next = last === undefined ? 1000 : Math.min(last * 2, 60_000);
    this.backoff.set(key, next);
    return next;
  }

  /** The queue of each lane, for the SMS sidebar. */
  async counts(): Promise<Array<{ account: string; from: string; waiting: number; scheduled: number; sending: number; paused: boolean }>> {
    const store = await this.open();
    return (await store.outbound.counts()).map((c) => {
      const k = parseLane(c.lane);
      return { account: k.account, from: k.from, waiting: c.waiting, scheduled: c.scheduled, sending: c.sending, paused: this.paused.has(k.account) };
    });
  }

  /** Pauses or resumes an account's sends on every instance (kept in the store). */
  async setPaused(account: string, paused: boolean): Promise<void> {
    const store = await this.open();
    if (paused) await store.collection<boolean>(PAUSED_KEY).set(account, true);
    else await store.collection<boolean>(PAUSED_KEY).delete(account);
    if (paused) this.paused.add(account);
    else this.paused.delete(account);
    this.schedule(0);
  }

  /** Removes what waits for an account (not what is being sent); each removed job is reported `expired`. */
  async clear(account: string): Promise<number> {
    const store = await this.open();
    let removed = 0;
    for (const lane of await store.outbound.lanes()) {
      if (parseLane(lane).account !== account) continue;
      for (const j of await store.outbound.clear<SendJob>(lane)) {
        removed++;
        this.deliver(notSentResult(j.value, 'expired', `the message to ${j.value.request.to} was removed from the queue in the SMS sidebar before it was sent`));
      }
      this.lanes.delete(lane);
    }
    return removed;
  }
}

function notSentResult(job: SendJob, reason: NotSentReason, error: string): SendResult {
  return { outcome: 'not-sent', job, notSent: { to: job.request.to, reason, error } };
}

/** Milliseconds per unit at `rate` units per second, with a small margin so no 1-second window passes the rate. */
export function rateIntervalMs(rate: number): number {
  return rate > 0 ? Math.round((1000 * RATE_MARGIN) / rate * 1000) / 1000 : 0;
}
/** 2 % slower than the rate: a request dispatched a little late never lands two in one interval. */
const RATE_MARGIN = 1.02;


const queues = new WeakMap<object, OutboundQueue>();

/** The runtime's one outbound queue (per RED). */
export function outboundQueue(RED: NodeAPI): OutboundQueue {
  const key = RED.nodes as unknown as object;
  let q = queues.get(key);
  if (!q) {
    q = new OutboundQueue(RED);
    queues.set(key, q);
  }
  return q;
}
