import type { NodeAPI, NodeMessage } from './red';

/**
 * When a flow has finished with a message that sms in emitted (SPEC §10): every node it
 * reached has completed it. Node-RED's message hooks tell: `onSend` counts each delivery of
 * the message (a second wire is a second delivery of a clone with the same `_msgid`),
 * `onComplete` each node that called done(). At zero, the flow is finished with it.
 *
 * A message that a flow keeps forever (a join that never completes, a node that never calls
 * done) would stay in the inbox, and be emitted again at every start: after FINISH_BOUND_MS
 * it counts as finished, with a warning. A node that builds a new message (no `_msgid` of
 * the original) ends the chain: the original counts as finished when that node completes it.
 *
 * Core `switch` and `filter` (rbe) never report done(): their input handler takes only `msg`,
 * and Node-RED fires no onComplete for them. Such a node is done with a copy of the message
 * when it passes one on (onSend from that node), or LEGACY_QUIET_MS after it last received
 * one when it passes nothing on (a switch with no matching rule). Any other node that never
 * calls done keeps the bound and its warning.
 */
export const FINISH_BOUND_MS = 10 * 60_000;
export const LEGACY_QUIET_MS = 5_000;

interface Tracked {
  inboxId: string;
  pending: number;
  timer: NodeJS.Timeout;
  finish: (reason: 'done' | 'bound') => void;
  /** Nodes that never report done() holding the message: node id → copies held, last received. */
  legacy?: Map<string, { holds: number; at: number }>;
}

/** The node objects in hook events: only what tells whether the node reports done(). */
interface HookNode {
  id?: string;
  node?: { type?: string; _expectedDoneCount?: number; _inputCallback?: unknown; _inputCallbacks?: unknown };
}
interface SendEvent {
  msg?: NodeMessage;
  source?: HookNode;
}
interface CompleteEvent {
  msg?: NodeMessage;
}
interface ReceiveEvent {
  msg?: NodeMessage;
  destination?: HookNode;
}

const byMsgId = new Map<string, Tracked>();
/** Inbox ids being handled by a flow of this process: not to be emitted again by a redeploy. */
const inFlight = new Set<string>();
const installed = new WeakSet<object>();

function settle(msgId: string, reason: 'done' | 'bound'): void {
  const t = byMsgId.get(msgId);
  if (!t) return;
  byMsgId.delete(msgId);
  holding.delete(msgId);
  inFlight.delete(t.inboxId);
  clearTimeout(t.timer);
  t.finish(reason);
}

function onSend(events: SendEvent[]): void {
  let released: Array<[string, string]> | undefined;
  for (const ev of events) {
    const id = ev.msg?._msgid;
    const t = id ? byMsgId.get(id) : undefined;
    if (!t || !id) continue;
    t.pending += 1;
    const from = ev.source?.id;
    // One release per send (a switch sending on several outputs passed on one copy).
    if (from && t.legacy?.has(from) && !released?.some(([i, f]) => i === id && f === from)) (released ??= []).push([id, from]);
  }
  // After every delivery of this send is counted: the legacy node passed the message on.
  if (released) for (const [id, from] of released) release(id, from);
}

/**
 * Core nodes known never to call done() (their handler takes only msg) and to pass a message on
 * or drop it at once. Not any node with no done in its signature: one written `(...args)` or
 * `(msg, send, done = noop)` still calls done (counted twice), and an old contrib node may hold
 * a message far longer than LEGACY_QUIET_MS (removed while it still has it).
 */
const NEVER_DONE_TYPES = new Set(['switch', 'rbe']);
function reportsNoDone(node: HookNode['node']): boolean {
  return !!node && NEVER_DONE_TYPES.has(node.type ?? '') && node._expectedDoneCount === 0 && (!!node._inputCallback || !!node._inputCallbacks);
}

function onReceived(ev: ReceiveEvent): void {
  const id = ev.msg?._msgid;
  const t = id ? byMsgId.get(id) : undefined;
  const nodeId = ev.destination?.id;
  if (!t || !id || !nodeId || !reportsNoDone(ev.destination?.node)) return;
  // Received once more while still held: one copy more to pass on (its delivery stays pending).
  const held = t.legacy?.get(nodeId);
  if (held) {
    held.holds += 1;
    held.at = Date.now();
    return;
  }
  (t.legacy ??= new Map()).set(nodeId, { holds: 1, at: Date.now() });
  holding.add(id);
  sweeper ??= setInterval(sweepQuiet, 1000).unref();
}

/** The legacy node `nodeId` is done with one copy of message `id` (`all`: with every copy). */
function release(id: string, nodeId: string, all = false): void {
  const t = byMsgId.get(id);
  const held = t?.legacy?.get(nodeId);
  if (!t || !held) return;
  const n = all ? held.holds : 1;
  held.holds -= n;
  if (held.holds === 0) t.legacy!.delete(nodeId);
  if (t.legacy!.size === 0) holding.delete(id);
  t.pending -= n;
  if (t.pending <= 0) settle(id, 'done');
}

/** Messages some legacy node holds; swept each second for those it never passed on. */
const holding = new Set<string>();
let sweeper: NodeJS.Timeout | undefined;

function sweepQuiet(): void {
  const quietSince = Date.now() - LEGACY_QUIET_MS;
  for (const id of [...holding]) {
    const legacy = byMsgId.get(id)?.legacy;
    if (!legacy) holding.delete(id);
    else for (const [nodeId, { at }] of [...legacy]) if (at <= quietSince) release(id, nodeId, true);
  }
  if (holding.size === 0 && sweeper) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

function onComplete(ev: CompleteEvent): void {
  const id = ev.msg?._msgid;
  const t = id ? byMsgId.get(id) : undefined;
  if (!t || !id) return;
  t.pending -= 1;
  if (t.pending <= 0) settle(id, 'done');
}

/** True when the runtime has message hooks (Node-RED ≥ 2); without them a message finishes when sent. */
export function installInboxHooks(RED: NodeAPI): boolean {
  const hooks = RED.hooks;
  if (!hooks) return false;
  if (!installed.has(hooks)) {
    installed.add(hooks);
    try {
      hooks.add('onSend.smsInbox', onSend);
      hooks.add('onComplete.smsInbox', onComplete);
      hooks.add('onReceive.smsInbox', onReceived);
    } catch {
      // Already there: another copy of this module in the same runtime (a test harness reload).
    }
  }
  return true;
}

export function isInFlight(inboxId: string): boolean {
  return inFlight.has(inboxId);
}

/**
 * Sends `msg` through `send` and calls `finish` once the flow has finished with it (or the
 * bound passed). `hooked` false: finished as soon as it is sent.
 */
export function sendTracked(
  msg: NodeMessage & { _msgid: string },
  inboxId: string,
  hooked: boolean,
  send: (msg: NodeMessage) => void,
  finish: (reason: 'done' | 'bound') => void,
): void {
  const timer = setTimeout(() => settle(msg._msgid, 'bound'), FINISH_BOUND_MS);
  timer.unref();
  byMsgId.set(msg._msgid, { inboxId, pending: 0, timer, finish });
  inFlight.add(inboxId);
  send(msg);
  // onSend runs inside send(): nothing counted means no node is wired to receive it.
  const t = byMsgId.get(msg._msgid);
  if (!hooked || (t && t.pending === 0)) settle(msg._msgid, 'done');
}
