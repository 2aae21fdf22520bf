import type { HeldGroup, SmsStore } from '../store';
import type { InboxValue } from './node-inbox';

/**
 * Multipart groups past their expiry leave the store through one sweep per runtime (not one
 * timer per node): `takeExpired` moves each into the inbox and hands it to one caller (on
 * redis, to one instance), and the sweep gives it to the `sms in` node that held its parts.
 * A group whose node is not running at that instant (being redeployed) waits here for it.
 */

type Handler = (group: HeldGroup<InboxValue>) => void;

const handlers = new Map<string, Handler>();
/** The node id listening on each path, for groups a removed node left there. */
const byPath = new Map<string, string>();
const waiting = new Map<string, HeldGroup<InboxValue>[]>();
let timer: NodeJS.Timeout | undefined;
let sweeping = false;
let source: { store: Promise<SmsStore>; expiryMs: number; warn: (m: string) => void } | undefined;

/** The node that takes a group: the one that held its parts, or the one now on its path. */
function handlerOf(group: HeldGroup<InboxValue>): Handler | undefined {
  const held = group.parts[0]?.value;
  if (!held) return undefined;
  const own = handlers.get(held.node);
  if (own) return own;
  const successor = held.path === undefined ? undefined : byPath.get(held.path);
  return successor === undefined ? undefined : handlers.get(successor);
}

async function sweep(): Promise<void> {
  if (sweeping || !source) return;
  sweeping = true;
  const { store, expiryMs, warn } = source;
  try {
    const s = await store;
    for (;;) {
      const groups = await s.multipart.takeExpired<InboxValue>({ expiryMs });
      for (const group of groups) {
        const node = group.parts[0]?.value?.node;
        const handler = handlerOf(group);
        // Nobody there (a redeploy in progress): it waits here for its node, and is in the
        // inbox, so a restart emits it too.
        if (handler) handler(group);
        else if (node !== undefined) waiting.set(node, [...(waiting.get(node) ?? []), group]);
      }
      if (groups.length === 0) break;
    }
  } catch (err) {
    warn(`could not take the expired multipart messages from the sms store (${err instanceof Error ? err.message : String(err)}): tried again shortly`);
  } finally {
    sweeping = false;
  }
}

/** How often to look: a fifth of the expiry, between 200 ms and 10 s. */
export function sweepEveryMs(expiryMs: number): number {
  return Math.min(10_000, Math.max(200, Math.round(expiryMs / 5)));
}

/**
 * Registers the node that takes its expired groups; the latest settings (expiry) apply to
 * the runtime's one sweep. Returns the function that unregisters it.
 */
export function takeExpiredGroups(
  nodeId: string,
  path: string,
  store: Promise<SmsStore>,
  expiryMs: number,
  warn: (m: string) => void,
  handler: Handler,
): () => void {
  handlers.set(nodeId, handler);
  byPath.set(path, nodeId);
  const every = sweepEveryMs(expiryMs);
  const changed = !source || source.expiryMs !== expiryMs;
  source = { store, expiryMs, warn };
  if (changed && timer) {
    clearInterval(timer);
    timer = undefined;
  }
  if (!timer) {
    timer = setInterval(() => void sweep(), every);
    timer.unref();
  }
  for (const group of waiting.get(nodeId)?.splice(0) ?? []) handler(group);
  waiting.delete(nodeId);
  return () => {
    if (handlers.get(nodeId) !== handler) return;
    handlers.delete(nodeId);
    if (byPath.get(path) === nodeId) byPath.delete(path);
    if (handlers.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
      source = undefined;
    }
  };
}
