import { openStore, readStoreSettings, type SmsStore, type StoreKind } from '../store';
import type { NodeAPI } from './red';

/**
 * The one store of this Node-RED runtime (SPEC §7), opened from `smsStore` in settings.js
 * when the first node that needs it starts, and shared by every sms node. Closed when the
 * last of them is removed, so a runtime whose flows no longer use it holds no database open.
 */
export interface RuntimeStore {
  /** What settings.js asked for, known before the store is open (for the node status). */
  readonly kind: StoreKind;
  /** Resolves with the open store; rejects (StoreConfigError, or the client failing to load). */
  readonly ready: Promise<SmsStore>;
}

interface Shared extends RuntimeStore {
  users: number;
}

let shared: Shared | undefined;

/** No user directory (a test harness): nowhere to put the embedded file, so memory, said so in the log. */
function settingsOf(RED: NodeAPI): unknown {
  const configured = RED.settings.smsStore;
  if (configured === undefined && typeof RED.settings.userDir !== 'string') return { type: 'memory' };
  return configured;
}

function logOf(RED: NodeAPI): { info(m: string): void; warn(m: string): void } {
  const log = RED.log;
  return {
    info: (m) => (log ? log.info(m) : undefined),
    warn: (m) => (log ? log.warn(m) : console.warn(m)),
  };
}

/** Takes a share of the runtime's store, opening it on first use. */
export function acquireStore(RED: NodeAPI): RuntimeStore {
  if (!shared) {
    const settings = settingsOf(RED);
    let kind: StoreKind;
    let ready: Promise<SmsStore>;
    try {
      kind = readStoreSettings(settings).type;
      const userDir = typeof RED.settings.userDir === 'string' ? RED.settings.userDir : process.cwd();
      ready = openStore(settings, { userDir, log: logOf(RED) });
    } catch (err) {
      kind = 'embedded';
      ready = Promise.reject(err);
    }
    // A rejection is seen by every node that waits on it; never an unhandled one.
    ready.catch(() => undefined);
    shared = { kind, ready, users: 0 };
  }
  shared.users += 1;
  return shared;
}

/** Gives a share back; the last node removed closes the store. */
export function releaseStore(removed: boolean): Promise<void> {
  const current = shared;
  if (!current) return Promise.resolve();
  current.users = Math.max(0, current.users - 1);
  if (current.users > 0 || !removed) return Promise.resolve();
  shared = undefined;
  return current.ready.then(
    (store) => store.close(),
    () => undefined,
  );
}
