import type { InboxClaim, InboxEntry } from './types';

/** An inbox entry as the memory and embedded stores keep it: the value as JSON text. */
export interface InboxRecord {
  owner: string;
  receivedAt: number;
  deliveries: number;
  json: string;
}

export function newRecord(owner: string, json: string): InboxRecord {
  return { owner, receivedAt: Date.now(), deliveries: 1, json };
}

export function entryOf<T>(id: string, r: InboxRecord): InboxEntry<T> {
  return { id, owner: r.owner, receivedAt: r.receivedAt, deliveries: r.deliveries, value: JSON.parse(r.json) as T };
}

/** The record after `claimer` claimed it as listed, or undefined when it changed since. */
export function claimed(r: InboxRecord | undefined, listed: InboxClaim, claimer: string): InboxRecord | undefined {
  if (!r || r.owner !== listed.owner || r.deliveries !== listed.deliveries) return undefined;
  return { ...r, owner: claimer, deliveries: r.deliveries + 1 };
}
