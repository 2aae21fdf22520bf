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
  /** The entry when `number` is on `account`'s list, else undefined. One store read. */
  optedOut(account: string, number: string): Promise<OptOutEntry | undefined>;
  /**
   * Puts `number` on the list. Already there: the entry stays as it was (the first opt-out
   * counts) and `added` is false.
   */
  optOut(account: string, number: string, change: OptOutChange): Promise<{ entry: OptOutEntry; added: boolean }>;
  /** Takes `number` off the list; resolves with the entry it had, undefined when it had none. */
  optIn(account: string, number: string, why: OptInReason): Promise<OptOutEntry | undefined>;
  /** The whole list of `account`, most recent first. */
  list(account: string): Promise<OptOutEntry[]>;
  /** The accounts that have had a list in this store (each key as given to optOut). */
  accounts(): Promise<string[]>;
}

export interface OptOutChange {
  why: OptOutReason;
  /** When they opted out (default now): a Date, ISO text or epoch ms. */
  at?: Date | string | number;
  detail?: string;
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

function checkNumber(number: string): string {
  const listed = typeof number === 'string' ? listedAddress(number) : undefined;
  if (!listed || listed.length > 200) throw new ConsentInputError(`"${String(number)}" is not a number that can be on an opt-out list`);
  return listed;
}

function isoOf(at: OptOutChange['at']): string {
  const date = at === undefined ? new Date() : new Date(at);
  return Number.isNaN(date.getTime()) ? new Date().toISOString() : date.toISOString();
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
    async optedOut(account, number) {
      return listOf(account).get(checkNumber(number));
    },
    async optOut(account, number, change) {
      const key = checkNumber(number);
      const entry: OptOutEntry = {
        number: key,
        since: isoOf(change.at),
        why: change.why,
        ...(change.detail ? { detail: String(change.detail).slice(0, 200) } : {}),
      };
      const list = listOf(account);
      const added = await list.setIfAbsent(key, entry);
      if (added) {
        await known.setIfAbsent(account, { since: entry.since });
        announce({ account, number: key, change: 'opted-out' });
        return { entry, added };
      }
      return { entry: (await list.get(key)) ?? entry, added };
    },
    async optIn(account, number) {
      const key = checkNumber(number);
      const removed = await listOf(account).take(key);
      if (removed) announce({ account, number: key, change: 'opted-in' });
      return removed;
    },
    async list(account) {
      const entries = (await listOf(account).entries()).map(([, e]) => e);
      return entries.sort((a, b) => (a.since < b.since ? 1 : a.since > b.since ? -1 : a.number.localeCompare(b.number)));
    },
    async accounts() {
      return (await known.entries()).map(([account]) => account).sort();
    },
  };
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
