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
 */
export const FINISH_BOUND_MS = 10 * 60_000;

interface Tracked {
  inboxId: string;
  pending: number;
  timer: NodeJS.Timeout;
  finish: (reason: 'done' | 'bound') => void;
}

interface SendEvent {
  msg?: NodeMessage;
}
interface CompleteEvent {
  msg?: NodeMessage;
}

const byMsgId = new Map<string, Tracked>();
/** Inbox ids being handled by a flow of this process: not to be emitted again by a redeploy. */
const inFlight = new Set<string>();
const installed = new WeakSet<object>();

function settle(msgId: string, reason: 'done' | 'bound'): void {
  const t = byMsgId.get(msgId);
  if (!t) return;
  byMsgId.delete(msgId);
  inFlight.delete(t.inboxId);
  clearTimeout(t.timer);
  t.finish(reason);
}

function onSend(events: SendEvent[]): void {
  for (const ev of events) {
    const t = ev.msg?._msgid ? byMsgId.get(ev.msg._msgid) : undefined;
    if (t) t.pending += 1;
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
