/**
 * What the sms nodes remember, whichever store holds it (memory, embedded, redis).
 * Every method is a promise: on redis and the embedded database it is I/O, and a store
 * that cannot be reached rejects with StoreUnavailableError instead of hanging.
 * Values are JSON: what goes in comes out as `JSON.parse(JSON.stringify(value))`.
 */

export type StoreKind = 'memory' | 'embedded' | 'redis';

/** Ids of inbound messages (or `id + state` of receipts) already handled. */
export interface SeenIds {
  /**
   * True the first time `id` is offered within the retention, and records it, atomically:
   * two callers (two instances on one redis) offering the same id get one `true`.
   * Durable when it resolves.
   */
  firstTime(id: string): Promise<boolean>;
  /** Forgets `id`, so a retry of a message that was not acknowledged is taken again. */
  forget(id: string): Promise<void>;
}

export interface MultipartLimits {
  /** Groups held at once; a part that would start one more is refused ('full'). */
  maxGroups: number;
  /** Groups one sender may have open at once, so one sender cannot take the room of all. */
  maxGroupsPerSender: number;
  /**
   * Bytes (JSON of the parts) held at once. New groups may fill 90 % of it; the rest is kept
   * for the missing parts of groups already held, which always get in.
   */
  maxBytes: number;
  /** How long a group waits for its missing parts before it is handed out incomplete. */
  expiryMs: number;
}

export interface PartInput<T> {
  /** The group's identity: sender + number + reference, chosen by the caller. */
  group: string;
  /** 1-based. */
  index: number;
  total: number;
  value: T;
  /** Who sent it, for the per-sender cap (counted when the group starts). */
  sender?: string;
  /**
   * When this group completes or expires, its parts go into the inbox under this id (value:
   * a HeldGroup) in the same atomic step, so a crash between "complete" and "in the inbox"
   * cannot lose acknowledged parts. Taken from the group's first part.
   */
  inboxId?: string;
}

export type AddPartResult<T> =
  | { state: 'held'; received: number; total: number }
  /** That index of that group is already held (a provider retry). */
  | { state: 'duplicate' }
  /**
   * This part completed the group: every part, in index order; the group is gone from the
   * store and, when its first part named one, in the inbox under `inboxId`.
   */
  | { state: 'complete'; parts: T[]; inboxId?: string }
  /** No room for a new group: answer 503 so the provider retries later. */
  | { state: 'full' };

export interface HeldGroup<T> {
  group: string;
  total: number;
  firstAt: number;
  /** Where it was put in the inbox, when its first part named one. */
  inboxId?: string;
  /** The parts that arrived, in index order. */
  parts: Array<{ index: number; value: T }>;
}

/** Parts of long messages, held until the whole message is there. */
export interface MultipartGroups {
  /**
   * Adds a part atomically; exactly one caller sees a given group 'complete'. `limits`
   * (here and in takeExpired) overrides the store's own for this call: the node's settings.
   */
  add<T>(part: PartInput<T>, limits?: Partial<MultipartLimits>): Promise<AddPartResult<T>>;
  /**
   * Removes and returns groups older than the expiry; each is returned to one caller only.
   * Redis hands out at most 100 per call: call again until it returns none.
   */
  takeExpired<T>(limits?: Partial<MultipartLimits>): Promise<HeldGroup<T>[]>;
}

export interface InboxEntry<T> {
  id: string;
  /** The instance that emits it (again) — see Inbox.claim. */
  owner: string;
  receivedAt: number;
  /** How many times it was handed to a flow: 1 after put, +1 per claim. */
  deliveries: number;
  value: T;
}

/** What `Inbox.claim` compares: the entry as it was listed. */
export type InboxClaim = Pick<InboxEntry<unknown>, 'id' | 'owner' | 'deliveries'>;

/** Acknowledged messages the flow has not finished with yet (SPEC §10). */
export interface Inbox {
  /** Records a message, owned by this instance; durable when it resolves (before the ack). */
  put<T>(id: string, value: T): Promise<void>;
  /**
   * A webhook's one step: when `id` is new within the retention, records it as seen and puts
   * the message in the inbox, atomically and durably, and resolves true; for a retry
   * resolves false and changes nothing.
   */
  admit<T>(id: string, value: T): Promise<boolean>;
  /** The flow finished with it. False when it was not there. */
  remove(id: string): Promise<boolean>;
  /** Everything in the inbox, of every owner. */
  list<T>(): Promise<InboxEntry<T>[]>;
  /**
   * Takes an entry, as `list` showed it, for this instance: only when it is unchanged since
   * (same owner, same deliveries — compare and set). Of several instances claiming one
   * entry, one gets it (deliveries + 1, owner = this instance), the others undefined.
   */
  claim<T>(listed: InboxClaim): Promise<InboxEntry<T> | undefined>;
}

/** One reply per inbound message, also after it was emitted again. */
export interface Replies {
  /** True once per inbound id within the retention: the caller may reply. */
  claim(inboundId: string): Promise<boolean>;
  /** Gives the right back (the reply was not sent), so a later attempt may claim it. */
  release(inboundId: string): Promise<void>;
}

/**
 * A named set of keyed JSON values with atomic operations, for what later nodes keep
 * (the consent list, the outbound queue, open questions).
 */
export interface Collection<T> {
  get(key: string): Promise<T | undefined>;
  /** Sets the value; `ttlMs` makes it disappear after that long. */
  set(key: string, value: T, ttlMs?: number): Promise<void>;
  /** Sets the value only when the key holds none; true when this call set it. */
  setIfAbsent(key: string, value: T, ttlMs?: number): Promise<boolean>;
  /** Removes and returns the value; of several takers, one gets it. */
  take(key: string): Promise<T | undefined>;
  delete(key: string): Promise<boolean>;
  entries(): Promise<Array<[string, T]>>;
}

export interface SmsStore {
  readonly kind: StoreKind;
  /** This instance's name as inbox owner (stable across restarts of the same instance). */
  readonly instance: string;
  readonly retentionMs: number;
  readonly seen: SeenIds;
  readonly multipart: MultipartGroups;
  readonly inbox: Inbox;
  readonly replies: Replies;
  collection<T>(name: string): Collection<T>;
  /** The outbound queue of `sms send` (SPEC §8). */
  readonly outbound: OutboundQueue;
  close(): Promise<void>;
}

export interface StoreLog {
  info(msg: string): void;
  warn(msg: string): void;
}

/** One send waiting in the outbound queue (SPEC §8): one recipient of one `sms send`. */
export interface OutboundJob<T> {
  id: string;
  /** Jobs of one lane (one sender of one account) are taken in order: by `dueAt`, then as added. */
  lane: string;
  /** Epoch ms: not taken before. */
  dueAt: number;
  /** What it costs of its pace: segments where the provider counts segments, else 1. */
  cost: number;
  value: T;
}

/** A job taken for sending: it stays in the store, `sending`, until finished or put back. */
export interface ClaimedJob<T> extends OutboundJob<T> {
  /** The instance that took it. */
  owner: string;
  claimedAt: number;
  /**
   * A paced job: its turn, in the store's clock (`ClaimResult.now`), not before the claim and at
   * most LOOKAHEAD_MS after it. Jobs of one claim have turns one pace apart.
   */
  slotAt?: number;
}

/**
 * How fast jobs may be taken: one unit of cost per `intervalMs` under `key` (the lane, or a
 * key shared by lanes that share a provider limit). Decided in the store, so instances on one
 * redis share it. `intervalMs` 0: no pace.
 */
export interface Pace {
  key: string;
  intervalMs: number;
  /**
   * A pause key (`OutboundQueue.pause`): while it is paused nothing is taken from the lane.
   * Checked in the same atomic step as the take, so a pause holds on every instance at once.
   */
  pausedBy?: string;
}

export interface ClaimResult<T> {
  /** In order; each marked `sending` by this instance before this resolves (durably). */
  jobs: ClaimedJob<T>[];
  /** When to ask this lane again (its next due time, its pace, a hold); undefined: nothing waits in it, or it is paused. */
  retryAt?: number;
  /** The store's clock when it decided (epoch ms), when it took any: the `slotAt`s are in it. */
  now?: number;
  /** True when nothing was taken because the pace's `pausedBy` is paused: ask again after a resume. */
  paused?: boolean;
}

export interface LaneCounts {
  lane: string;
  /** Due now, waiting for their turn. */
  waiting: number;
  /** Due later (`msg.sendAt`). */
  scheduled: number;
  /** Taken by an instance, the request out or about to go. */
  sending: number;
}

/**
 * Sends waiting for their turn. Taking is atomic (two instances never take the same job) and
 * paced in the store; a taken job is `sending` until the sender finishes it or puts it back.
 */
export interface OutboundQueue {
  add<T>(jobs: OutboundJob<T>[]): Promise<void>;
  /** Takes up to `max` due jobs from the head of `lane`, within `pace`, marking them `sending`. */
  claim<T>(lane: string, pace: Pace, max: number): Promise<ClaimResult<T>>;
  /** Done with a taken job (sent, or reported not sent): gone. False when it was not `sending`. */
  finish(id: string): Promise<boolean>;
  /** A taken job that surely was not sent goes back to its place in its lane. */
  requeue(id: string): Promise<boolean>;
  /**
   * The request of taken job `id` leaves now (`cost` 0: it will not be sent). A paced job
   * keeps its key from being taken from, by any instance, from its claim until this (or
   * LEASE_MS), and the next unit waits `cost` intervals from now: however late a request
   * leaves after its claim, no two leave closer than the pace.
   */
  departing(id: string, pace: Pace, cost: number): Promise<void>;
  /** Nothing under the pace key `key` is taken before `until` (a 429 and its Retry-After). */
  hold(key: string, until: number): Promise<void>;
  /** Lanes with jobs waiting or scheduled. */
  lanes(): Promise<string[]>;
  /**
   * Takes out the jobs left `sending` by `owner` (a restart: their outcome is unknown), or by
   * anyone since before `before` (an instance gone for good); each to one caller.
   */
  takeSending<T>(which: { owner?: string; before?: number }): Promise<ClaimedJob<T>[]>;
  counts(): Promise<LaneCounts[]>;
  /** Removes the jobs waiting or scheduled in `lane` (not those sending) and returns them. */
  clear<T>(lane: string): Promise<OutboundJob<T>[]>;
  /** Up to `max` jobs waiting or scheduled in `lane`, in the order they would be taken; nothing changes. */
  peek<T>(lane: string, max: number): Promise<OutboundJob<T>[]>;
  /**
   * Pauses (true) or resumes (false) the lanes whose claims name `key` as `pausedBy`. Kept in
   * the store: it holds across a restart and for every instance on the same store.
   */
  pause(key: string, paused: boolean): Promise<void>;
  /** The pause keys paused now. */
  paused(): Promise<string[]>;
}
