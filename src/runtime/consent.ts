import { createHash } from 'node:crypto';
import type { Collection, SmsStore } from '../store';
import { type OptInReason, type OptOutEntry, type OptOutReason, listedAddress } from '../sms/consent';
import type { RuntimeStore } from './sms-store';

export type { OptInReason, OptOutEntry, OptOutReason } from '../sms/consent';

/**
 * The opt-out lists (SPEC §8), one per account, in the sms store: on redis every instance
 * sees the same list at once; on the embedded store it survives a restart.
 *
 * An account is named by a stable key, `<account kind>:<id>` (`twilio:AC…`, `vonage:<API key>`;
 * see nodes/common/consent-account.ts), not by a Node-RED node id, so two `sms account` nodes
 * of one provider account, and a flow imported again, share one list.
 */
export interface ConsentList {
  /**
   * The entry when `number` is on `account`'s list, else undefined: an opt-out kept in memory
   * (the store could not be written) first, else one store read. `channel` is the channel
   * `number` is an address on (`sms` when not given): a Messenger id is not a phone number.
   */
  optedOut(account: string, number: string, channel?: string): Promise<OptOutEntry | undefined>;
  /**
   * Puts `number` on the list. Already there: the entry stays as it was (the first opt-out
   * counts) and `added` is false.
   */
  optOut(account: string, number: string, change: OptOutChange): Promise<{ entry: OptOutEntry; added: boolean }>;
  /** Takes `number` off the list (and out of memory); resolves with the entry it had, undefined when it had none. */
  optIn(account: string, number: string, why: OptInReason, channel?: string): Promise<OptOutEntry | undefined>;
  /** The whole list of `account`, most recent first, with the opt-outs kept in memory (`unsaved`). */
  list(account: string): Promise<OptOutEntry[]>;
  /** The accounts that have had a list in this store (each key as given to optOut). */
  accounts(): Promise<string[]>;
}

export interface OptOutChange {
  why: OptOutReason;
  /** When they opted out (default now): a Date, ISO text or epoch ms; a time in the future is read as now. */
  at?: Date | string | number;
  detail?: string;
  /** The channel `number` is an address on (`sms` when not given). */
  channel?: string;
}

/** Thrown for an empty number or account key: a caller's mistake, not the store's. */
export class ConsentInputError extends Error {}
ConsentInputError.prototype.name = 'ConsentInputError';

// Collection names allow letters, digits, '-' and '_': an account key (with its ':') is hashed.
function listName(account: string): string {
  return `consent-${createHash('sha256').update(account).digest('hex').slice(0, 40)}`;
}

function checkAccount(account: string): string {
  if (typeof account !== 'string' || !account.trim() || account.length > 400) {
    throw new ConsentInputError('an opt-out list needs an account key of 1 to 400 characters');
  }
  return account;
}

function checkNumber(number: string, channel?: string): string {
  const listed = typeof number === 'string' ? listedAddress(number, channel) : undefined;
  if (!listed || listed.length > 200) throw new ConsentInputError(`"${String(number)}" is not a number that can be on an opt-out list`);
  return listed;
}

function isoOf(at: OptOutChange['at']): string {
  const now = Date.now();
  const ms = at === undefined ? now : new Date(at).getTime();
  return new Date(Number.isNaN(ms) ? now : Math.min(ms, now)).toISOString();
}

interface KnownAccount {
  since: string;
}

function openConsent(store: SmsStore): ConsentList {
  const known = store.collection<KnownAccount>('consent-accounts');
  const lists = new Map<string, Collection<OptOutEntry>>();
  const listOf = (account: string): Collection<OptOutEntry> => {
    let list = lists.get(account);
    if (!list) {
      list = store.collection<OptOutEntry>(listName(checkAccount(account)));
      // A handful of accounts per runtime; bounded anyway.
      if (lists.size >= 1000) lists.clear();
      lists.set(account, list);
    }
    return list;
  };
  return {
    async optedOut(account, number, channel) {
      const key = checkNumber(number, channel);
      const held = unsaved.get(unsavedKey(account, key));
      if (held) return held.entry;
      const entry = await listOf(account).get(key);
      // The store answers again: what it could not take before goes in now.
      if (unsaved.size) retryUnsavedSoon(0);
      return entry;
    },
    async optOut(account, number, change) {
      const key = checkNumber(number, change.channel);
      const entry: OptOutEntry = {
        number: key,
        since: isoOf(change.at),
        why: change.why,
        ...(change.detail ? { detail: String(change.detail).slice(0, 200) } : {}),
      };
      const list = listOf(account);
      const added = await list.setIfAbsent(key, entry);
      const held = unsaved.get(unsavedKey(account, key));
      if (added) {
        await known.setIfAbsent(account, { since: entry.since });
        if (held) forgetUnsaved(account, key);
        // Kept in memory before: the sidebar saw that change already.
        else announce({ account, number: key, change: 'opted-out' });
        return { entry, added };
      }
      if (held) forgetUnsaved(account, key);
      return { entry: (await list.get(key)) ?? entry, added };
    },
    async optIn(account, number, _why, channel) {
      const key = checkNumber(number, channel);
      const held = unsaved.get(unsavedKey(account, key));
      if (held) {
        // Out of memory first: a START is honoured even when the store cannot take it.
        forgetUnsaved(account, key);
        announce({ account, number: key, change: 'opted-in' });
      }
      const removed = await listOf(account).take(key);
      if (removed && !held) announce({ account, number: key, change: 'opted-in' });
      return removed ?? held?.entry;
    },
    async list(account) {
      const stored = (await listOf(account).entries()).map(([, e]) => e);
      if (unsaved.size) retryUnsavedSoon(0);
      const numbers = new Set(stored.map((e) => e.number));
      const held = [...unsaved.values()].filter((u) => u.account === account && !numbers.has(u.entry.number)).map((u) => u.entry);
      const entries = [...stored, ...held];
      return entries.sort((a, b) => (a.since < b.since ? 1 : a.since > b.since ? -1 : a.number.localeCompare(b.number)));
    },
    async accounts() {
      const stored = (await known.entries()).map(([account]) => account);
      return [...new Set([...stored, ...[...unsaved.values()].map((u) => u.account)])].sort();
    },
  };
}

/**
 * Opt-outs the store could not take (it was unreachable when the STOP came, SPEC §7): kept in
 * memory for the life of this runtime, honoured by every list of it (sms reply, sms send and
 * sms ask refuse the number), and written again until the store takes them. Not seen by
 * other instances on redis until then.
 */
interface Unsaved {
  account: string;
  channel?: string;
  entry: OptOutEntry;
}
const unsaved = new Map<string, Unsaved>();
const unsavedKey = (account: string, number: string): string => `${account}\n${number}`;
const UNSAVED_LIMIT = 10_000;
const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 30_000;
let retryMs = FIRST_RETRY_MS;
let retryTimer: NodeJS.Timeout | undefined;
let retrying = false;
/** The store opened last: where the opt-outs kept in memory are written. */
let latest: SmsStore | undefined;
const unsavedListeners = new Set<(count: number) => void>();

function unsavedChanged(): void {
  for (const listener of unsavedListeners) {
    try {
      listener(unsaved.size);
    } catch {
      // A listener's failure is its own.
    }
  }
}

function forgetUnsaved(account: string, number: string): void {
  if (unsaved.delete(unsavedKey(account, number))) unsavedChanged();
}

/**
 * Keeps in memory an opt-out the store could not take (see Unsaved), and writes it again
 * until the store takes it. Resolves with the entry as it is honoured meanwhile.
 */
export function keepUnsaved(account: string, number: string, change: OptOutChange): OptOutEntry {
  const key = checkNumber(number, change.channel);
  const k = unsavedKey(checkAccount(account), key);
  const before = unsaved.get(k);
  if (before) return before.entry;
  const entry: OptOutEntry = {
    number: key,
    since: isoOf(change.at),
    why: change.why,
    ...(change.detail ? { detail: String(change.detail).slice(0, 200) } : {}),
    unsaved: true,
  };
  // Bounded: past the limit the oldest is dropped (a store down for that long is said loudly already).
  if (unsaved.size >= UNSAVED_LIMIT) unsaved.delete(unsaved.keys().next().value as string);
  unsaved.set(k, { account, ...(change.channel ? { channel: change.channel } : {}), entry });
  unsavedChanged();
  announce({ account, number: key, change: 'opted-out' });
  retryUnsavedSoon(retryMs);
  return entry;
}

/** The opt-out kept in memory for `number` on `account`'s list, if any (no store read). */
export function unsavedOptOut(account: string, number: string, channel?: string): OptOutEntry | undefined {
  const key = typeof number === 'string' ? listedAddress(number, channel) : undefined;
  return key ? unsaved.get(unsavedKey(account, key))?.entry : undefined;
}

/** How many opt-outs wait in memory for the store; `listener` hears each change of it. Returns the function that stops it. */
export function onUnsavedChange(listener: (count: number) => void): () => void {
  unsavedListeners.add(listener);
  return () => unsavedListeners.delete(listener);
}

export function unsavedCount(): number {
  return unsaved.size;
}

function retryUnsavedSoon(ms: number): void {
  if (retryTimer && ms > 0) return;
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => {
    retryTimer = undefined;
    void retryUnsaved();
  }, ms);
  retryTimer.unref?.();
}

async function retryUnsaved(): Promise<void> {
  if (retrying || unsaved.size === 0) return;
  retrying = true;
  let failed = false;
  try {
    const store = latest;
    if (!store) failed = true;
    else {
      const lists = consentList(store);
      for (const held of [...unsaved.values()]) {
        const { entry } = held;
        try {
          await lists.optOut(held.account, entry.number, { why: entry.why, at: entry.since, detail: entry.detail, channel: held.channel });
        } catch {
          failed = true;
          break;
        }
      }
    }
  } finally {
    retrying = false;
  }
  if (!failed) retryMs = FIRST_RETRY_MS;
  else if (unsaved.size) {
    retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
    retryUnsavedSoon(retryMs);
  }
}

/** A change to a list made in this runtime (the SMS sidebar shows it at once). */
export interface ConsentChange {
  account: string;
  number: string;
  change: 'opted-out' | 'opted-in';
}
type ChangeListener = (change: ConsentChange) => void;
const listeners = new Set<ChangeListener>();

/** Calls `listener` on each change made through this runtime's lists; returns the function that stops it. */
export function onConsentChange(listener: ChangeListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function announce(change: ConsentChange): void {
  for (const listener of listeners) {
    try {
      listener(change);
    } catch {
      // A listener's failure is its own.
    }
  }
}

const opened = new WeakMap<SmsStore, ConsentList>();

/** The opt-out lists kept in `store`. */
export function consentList(store: SmsStore): ConsentList {
  latest = store;
  let list = opened.get(store);
  if (!list) {
    list = openConsent(store);
    opened.set(store, list);
  }
  return list;
}

/** The opt-out lists of the runtime's store, once it is open (rejects as the store does). */
export async function runtimeConsent(store: RuntimeStore): Promise<ConsentList> {
  return consentList(await store.ready);
}
