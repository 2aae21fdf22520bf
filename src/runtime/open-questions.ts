import { randomBytes } from 'node:crypto';
import type { Collection, SmsStore } from '../store';
import { toE164 } from '../sms/phone';
import type { InboundSms } from '../sms/types';
import type { Node, NodeAPI, NodeMessage } from './red';
import { EXPIRE_AFTER_MS } from './outbound-queue';
import { canReachAnswer } from './reachability';
import { acquireStore, releaseStore, type RuntimeStore } from './sms-store';
import { restoredMessage } from './stored-message';

/**
 * The open questions of `sms ask` (SPEC §9), in the sms store so that a restart, a redeploy
 * or another instance on the same Redis answers them alike.
 *
 * Two collections: `ask-questions` holds each question under its own id; `ask-open` points
 * from a conversation (our number + the person) to the id of its latest question. Every
 * way a question ends — an answer, a timeout, a STOP, a newer question, its node removed —
 * begins with `take(id)` on `ask-questions`: of all the instances and events racing for one
 * question, exactly one gets it, so a question ends once and its answer goes to one place.
 * A pointer to a question already taken is harmless (it points at nothing) and expires.
 */

export const DEFAULT_TIMEOUT_S = 3600;
export const MAX_TIMEOUT_S = 30 * 24 * 3600;
/** How often the store is read for questions due (also those asked on other instances). */
const RESCAN_MS = 10_000;
/** A pointer outlives its question by this much; it is only a shortcut to it. */
const POINTER_GRACE_MS = 24 * 3600_000;
/** Past the queue's expiry, how long a queued question waits for the queue's report (an abandoned send is reported after 15 min). */
const QUEUE_REPORT_MS = 3600_000;

/**
 * How a question ended without an answer. Besides SPEC §9's three, a conversation sms ask
 * starts (`msg.to`) ends at once when its question could not be sent: the reasons of `sms
 * send`'s output 2 (SPEC §8; `opted-out` is both), with `msg.asked.error` saying why.
 */
export type Outcome = 'timeout' | 'opted-out' | 'replaced' | 'invalid-number' | 'refused' | 'unknown-outcome' | 'expired' | 'cleared';

export interface AskedSummary {
  text: string;
  /** ISO time the question was asked. */
  at: string;
  /** The provider's id of the question message, when it went through an API. */
  messageId?: string;
}

/** One open question, as the store keeps it (JSON). */
export interface OpenQuestion {
  id: string;
  /** The sms ask node that asked. */
  node: string;
  /** Our number (the one the person writes to) and the person, E.164 where they are numbers. */
  ours: string;
  person: string;
  asked: AskedSummary;
  dueAt: number;
  /**
   * Waiting in the outbound queue to be sent (a conversation sms ask starts): its wait of
   * `waitMs` begins when it is sent; until then `dueAt` is only a backstop past the queue's
   * own expiry.
   */
  queued?: boolean;
  waitMs?: number;
  /** The input message, JSON-safe. */
  msg: Record<string, unknown>;
}

interface Pointer {
  id: string;
}

/** What an sms ask node does with its questions' outcomes. */
export interface AskNodeHandle {
  node: Node;
  /** Output 1: the answer. */
  answered(msg: NodeMessage): void;
  /** Output 2: timeout, opted-out or replaced. */
  ended(msg: NodeMessage): void;
  /** How many of its questions wait (all instances, as last counted). */
  waiting(count: number): void;
}

/** The answer to a question, claimed for a message that sms in received. */
export interface ClaimedAnswer {
  /** Whether the asking node's output 1 reaches a node that answers a held webhook. */
  answerable: boolean;
  /** Sends sms in's message (same `_msgid`) out of the asking node, as the answer. */
  deliver(msg: NodeMessage): void;
  /** The flow has finished with the answer (its inbox entry is gone): it is not answered again. */
  finished(): void;
}

export function conversationKey(ours: string, person: string): string {
  return `${toE164(ours)}|${toE164(person)}`;
}

function questionId(): string {
  return `q${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface Runtime {
  RED: NodeAPI;
  store: RuntimeStore;
  /** Nodes started in this process, by id. */
  handles: Map<string, AskNodeHandle>;
  /** sms ask nodes deployed (also while one restarts for a redeploy). */
  deployed: Set<string>;
  /** Outcomes for a node that is restarting: handed to it when it is back. */
  pending: Map<string, Array<(h: AskNodeHandle) => void>>;
  counts: Map<string, number>;
  flowsRunning: boolean;
  timer?: NodeJS.Timeout;
  timerAt?: number;
  scanning: boolean;
  again: boolean;
  onStarted: () => void;
  onStopping: () => void;
}

let runtime: Runtime | undefined;

async function collections(rt: Runtime): Promise<{ questions: Collection<OpenQuestion>; open: Collection<Pointer> }> {
  const store: SmsStore = await rt.store.ready;
  return { questions: store.collection<OpenQuestion>('ask-questions'), open: store.collection<Pointer>('ask-open') };
}

function log(rt: Runtime, level: 'info' | 'warn', text: string): void {
  const l = rt.RED.log;
  if (l) l[level](`[sms ask] ${text}`);
}

function count(rt: Runtime, nodeId: string, delta: number | 'set', value = 0): void {
  const next = delta === 'set' ? value : Math.max(0, (rt.counts.get(nodeId) ?? 0) + delta);
  rt.counts.set(nodeId, next);
  rt.handles.get(nodeId)?.waiting(next);
}

/** Whether an sms ask node with this id is in the deployed flows (started or not yet). */
function inFlows(RED: NodeAPI, nodeId: string): boolean {
  if (typeof RED.nodes.eachNode !== 'function') return false;
  let found = false;
  RED.nodes.eachNode((n) => {
    if (n.id === nodeId && n.type === 'sms ask') found = true;
  });
  return found;
}

let askInFlows: boolean | undefined;
let watchingFlows = false;

/**
 * Whether the deployed flows hold any sms ask node, from the flow configuration: known before
 * the nodes are started, so an answer that comes while Node-RED starts is not missed.
 */
function anyAskInFlows(RED: NodeAPI): boolean {
  if (!watchingFlows) {
    watchingFlows = true;
    RED.events.on('flows:starting', () => (askInFlows = undefined));
  }
  if (typeof RED.nodes.eachNode !== 'function') return true;
  if (askInFlows === undefined) {
    let found = false;
    RED.nodes.eachNode((n) => {
      if (n.type === 'sms ask') found = true;
    });
    askInFlows = found;
  }
  return askInFlows;
}

/** Runs `use` on the node's handle now, or when the node has started (a redeploy, the start of Node-RED). */
function toNode(rt: Runtime, nodeId: string, use: (h: AskNodeHandle) => void): void {
  const handle = rt.handles.get(nodeId);
  if (handle) return use(handle);
  if (!rt.deployed.has(nodeId) && !inFlows(rt.RED, nodeId)) {
    log(rt, 'warn', `a question of node ${nodeId} ended, but that node is no longer deployed: its outcome goes nowhere`);
    return;
  }
  const list = rt.pending.get(nodeId) ?? [];
  list.push(use);
  rt.pending.set(nodeId, list);
}

function endMessage(rt: Runtime, q: OpenQuestion, outcome: Outcome, error?: string): NodeMessage {
  const msg = restoredMessage(q.msg);
  msg._msgid ??= rt.RED.util.generateId();
  msg.asked = { ...q.asked, outcome, ...(error ? { error } : {}) };
  return msg;
}

function end(rt: Runtime, q: OpenQuestion, outcome: Outcome, error?: string): void {
  count(rt, q.node, -1);
  toNode(rt, q.node, (h) => h.ended(endMessage(rt, q, outcome, error)));
}

// --- the scheduler: one per runtime, reading the store for questions due -----------------

function schedule(rt: Runtime, at: number): void {
  if (!rt.flowsRunning) return;
  if (rt.timer && rt.timerAt !== undefined && rt.timerAt <= at) return;
  if (rt.timer) clearTimeout(rt.timer);
  rt.timerAt = at;
  rt.timer = setTimeout(() => {
    rt.timer = undefined;
    rt.timerAt = undefined;
    void scan(rt);
  }, Math.max(0, at - Date.now()));
  rt.timer.unref();
}

async function scan(rt: Runtime): Promise<void> {
  if (rt.scanning) {
    rt.again = true;
    return;
  }
  rt.scanning = true;
  let next = Date.now() + RESCAN_MS;
  try {
    const { questions } = await collections(rt);
    const now = Date.now();
    const counts = new Map<string, number>();
    for (const [id, q] of await questions.entries()) {
      if (!rt.flowsRunning || runtime !== rt) return;
      if (q.dueAt > now) {
        counts.set(q.node, (counts.get(q.node) ?? 0) + 1);
        next = Math.min(next, q.dueAt);
        continue;
      }
      // Due: the node's own instance ends it; a node this runtime does not run anywhere is gone.
      if (!rt.handles.has(q.node) && rt.RED.nodes.getNode(q.node)) continue;
      const taken = await questions.take(id);
      if (!taken) continue;
      if (!rt.deployed.has(taken.node) && !inFlows(rt.RED, taken.node)) {
        log(rt, 'warn', `question to ${taken.person} ended: its sms ask node (${taken.node}) is no longer deployed`);
        continue;
      }
      end(rt, taken, 'timeout');
    }
    for (const nodeId of new Set([...rt.counts.keys(), ...counts.keys()])) count(rt, nodeId, 'set', counts.get(nodeId) ?? 0);
  } catch (err) {
    log(rt, 'warn', `could not read the open questions from the sms store (${reason(err)}): timeouts are checked again in ${RESCAN_MS / 1000} s`);
  } finally {
    rt.scanning = false;
    if (rt.again) {
      rt.again = false;
      next = Date.now();
    }
    if (runtime === rt) schedule(rt, next);
  }
}

function open(RED: NodeAPI): Runtime {
  if (runtime) return runtime;
  const rt: Runtime = {
    RED,
    store: acquireStore(RED),
    handles: new Map(),
    deployed: new Set(),
    pending: new Map(),
    counts: new Map(),
    flowsRunning: false,
    scanning: false,
    again: false,
    onStarted: () => {
      rt.flowsRunning = true;
      // At start: what fell due while Node-RED was down (or this node was away) fires now.
      schedule(rt, Date.now());
    },
    onStopping: () => {
      rt.flowsRunning = false;
      if (rt.timer) clearTimeout(rt.timer);
      rt.timer = undefined;
      rt.timerAt = undefined;
    },
  };
  RED.events.on('flows:started', rt.onStarted);
  RED.events.on('flows:stopping', rt.onStopping);
  runtime = rt;
  return rt;
}

// --- what sms ask uses ---------------------------------------------------------------------

export interface QuestionInput {
  ours: string;
  person: string;
  /** The input message, JSON-safe. */
  msg: Record<string, unknown>;
  text: string;
  timeoutMs: number;
  /** Sent later by the outbound queue: the wait starts when `sent` is called. */
  queued?: boolean;
}

export interface AskingNode {
  /**
   * Opens a question before it is sent (so an answer that comes at once finds it); a
   * question open in the same conversation ends as `replaced`. Returns the question, whose
   * `sent` records the provider's message id and whose `cancel` takes it back when it could
   * not be sent.
   */
  open(input: QuestionInput): Promise<{ question: OpenQuestion; sent(messageId?: string): Promise<void>; cancel(): Promise<void> }>;
  /**
   * The question `id` went out later (the outbound queue sent it, maybe after a restart):
   * its provider message id is kept while it is open.
   */
  sent(id: string, messageId?: string): Promise<void>;
  /**
   * The question `id` could not be sent: it ends now with `outcome` on output 2, unless it
   * ended already (answered, timed out, replaced). Resolves whether it ended here.
   */
  notSent(id: string, outcome: Outcome, error: string): Promise<boolean>;
  close(removed: boolean): Promise<void>;
}

/** An sms ask node joins the runtime's open questions: its outcomes reach it through `handle`. */
export function joinQuestions(RED: NodeAPI, handle: AskNodeHandle): AskingNode {
  const rt = open(RED);
  const nodeId = handle.node.id;
  rt.handles.set(nodeId, handle);
  rt.deployed.add(nodeId);
  handle.waiting(rt.counts.get(nodeId) ?? 0);
  const waiting = rt.pending.get(nodeId);
  rt.pending.delete(nodeId);
  for (const use of waiting ?? []) use(handle);

  async function recordSent(id: string, messageId: string | undefined): Promise<OpenQuestion | undefined> {
    const { questions } = await collections(rt);
    // Taken and put back, never set blindly: a question answered (or ended) meanwhile stays
    // ended. While it is out, an answer that reaches this instance waits for it to be back
    // (a few milliseconds of store writes, right after the send).
    const current = await questions.get(id);
    if (!current || (!messageId && !current.queued)) return current;
    let back!: () => void;
    updating.set(id, new Promise<void>((resolve) => (back = resolve)));
    try {
      return await putBackSent(questions, id, messageId);
    } finally {
      updating.delete(id);
      back();
    }
  }

  async function putBackSent(questions: Collection<OpenQuestion>, id: string, messageId: string | undefined): Promise<OpenQuestion | undefined> {
    const taken = await questions.take(id);
    if (!taken) return undefined;
    const now = Date.now();
    const updated: OpenQuestion = { ...taken, asked: { ...taken.asked, ...(messageId ? { messageId } : {}) } };
    if (taken.queued) {
      // Asked now: the wait begins (a question that waited in the queue behind others gets its whole wait).
      delete updated.queued;
      delete updated.waitMs;
      updated.asked.at = new Date(now).toISOString();
      updated.dueAt = now + (taken.waitMs ?? DEFAULT_TIMEOUT_S * 1000);
    }
    await questions.set(id, updated);
    schedule(rt, updated.dueAt);
    return updated;
  }

  return {
    async sent(id, messageId) {
      await recordSent(id, messageId);
    },

    async notSent(id, outcome, error) {
      const { questions } = await collections(rt);
      const taken = await questions.take(id);
      if (!taken) return false;
      end(rt, taken, outcome, error);
      return true;
    },

    async open(input) {
      const { questions, open: pointers } = await collections(rt);
      const ours = toE164(input.ours);
      const person = toE164(input.person);
      const conversation = conversationKey(ours, person);
      const now = Date.now();
      // A queued question is reported by the queue within its expiry (sent, expired, or unknown
      // after a crash): it ends then, or at this backstop if the report never comes.
      const before = input.queued ? EXPIRE_AFTER_MS + QUEUE_REPORT_MS : 0;
      const question: OpenQuestion = {
        id: questionId(),
        node: nodeId,
        ours,
        person,
        asked: { text: input.text, at: new Date(now).toISOString() },
        dueAt: now + before + input.timeoutMs,
        ...(input.queued ? { queued: true, waitMs: input.timeoutMs } : {}),
        msg: input.msg,
      };
      await questions.set(question.id, question);
      const previous = await pointers.get(conversation);
      await pointers.set(conversation, { id: question.id }, before + input.timeoutMs + POINTER_GRACE_MS);
      count(rt, nodeId, +1);
      if (previous && previous.id !== question.id) {
        const older = await questions.take(previous.id);
        if (older) end(rt, older, 'replaced');
      }
      schedule(rt, question.dueAt);
      return {
        question,
        async sent(messageId) {
          if (messageId) question.asked.messageId = messageId;
          if (messageId) await recordSent(question.id, messageId);
        },
        async cancel() {
          if (await questions.take(question.id)) count(rt, nodeId, -1);
        },
      };
    },

    async close(removed) {
      if (rt.handles.get(nodeId) === handle) rt.handles.delete(nodeId);
      if (removed) {
        rt.deployed.delete(nodeId);
        const dropped = rt.pending.get(nodeId)?.length ?? 0;
        rt.pending.delete(nodeId);
        if (dropped) log(rt, 'warn', `${dropped} outcome(s) of node ${nodeId} dropped: the node was removed`);
        try {
          const { questions } = await collections(rt);
          for (const [id, q] of await questions.entries()) {
            if (q.node !== nodeId) continue;
            const taken = await questions.take(id);
            if (taken) log(rt, 'warn', `question to ${taken.person} ended: its sms ask node (${nodeId}) was removed`);
          }
        } catch (err) {
          log(rt, 'warn', `could not end the questions of the removed node ${nodeId} (${reason(err)}): they end at their timeout`);
        }
        rt.counts.delete(nodeId);
      }
      if (rt.deployed.size === 0 && removed && runtime === rt) {
        runtime = undefined;
        rt.onStopping();
        RED.events.removeListener('flows:started', rt.onStarted);
        RED.events.removeListener('flows:stopping', rt.onStopping);
        await releaseStore(true);
      }
    },
  };
}

// --- what sms in asks ----------------------------------------------------------------------

/** An answer taken, kept with its sms in inbox entry until the flow has finished with it. */
const ANSWERS = 'ask-answers';
/** Questions of this process taken out to record their send, and when they are back. */
const updating = new Map<string, Promise<void>>();
/** At most this long: an inbox entry left by a crash is emitted again at the next start, or never. */
const ANSWER_RECORD_MS = 7 * 24 * 3600_000;

/**
 * Is this message the answer to an open question (SPEC §9)? Asked by `sms in` after the
 * message was admitted and before it is emitted. A STOP ends the question (`opted-out`) and
 * is emitted by sms in as usual; a HELP is not an answer (the question stays open). Without
 * any sms ask node in this runtime it costs nothing: no store is read.
 *
 * The answer rides the message's inbox entry (`inboxId`, SPEC §10): the question taken is
 * recorded under it until the flow has finished with the answer (`finished`), so when a crash
 * cuts the flow short, the entry emitted again at start (`redelivered`) goes out of the sms
 * ask that asked, with the question's message, once more. A redelivered message without such
 * a record is never taken for an answer: it may be the very message that asked the question.
 */
export async function claimAnswer(RED: NodeAPI, sms: InboundSms, inboxId?: string): Promise<ClaimedAnswer | undefined> {
  if (sms.optOut === 'help' || !anyAskInFlows(RED)) return undefined;
  const rt = open(RED);
  if (sms.redelivered) return inboxId ? answerAgain(rt, sms, inboxId) : undefined;
  let question: OpenQuestion | undefined;
  let answers: Collection<OpenQuestion> | undefined;
  try {
    const { questions, open: pointers } = await collections(rt);
    answers = (await rt.store.ready).collection<OpenQuestion>(ANSWERS);
    const pointer = await pointers.get(conversationKey(sms.to, sms.from));
    if (!pointer) return undefined;
    question = await questions.take(pointer.id);
    // Out for a moment to record its send (the person answered at once): taken once it is back.
    const busy = question ? undefined : updating.get(pointer.id);
    if (busy) {
      await busy;
      question = await questions.take(pointer.id);
    }
  } catch (err) {
    log(rt, 'warn', `could not check whether message ${sms.messageId} answers a question (${reason(err)}): it goes on as a new message`);
    return undefined;
  }
  if (!question) return undefined;
  const q = question;
  if (sms.optOut === 'stop') {
    end(rt, q, 'opted-out');
    return undefined;
  }
  count(rt, q.node, -1);
  if (inboxId && answers) {
    try {
      await answers.set(inboxId, q, ANSWER_RECORD_MS);
    } catch (err) {
      log(rt, 'warn', `message ${sms.messageId} answers a question, but a crash before the flow finished with it would send it out of sms in instead (${reason(err)})`);
    }
  }
  return claimedAnswer(rt, q, answers && inboxId ? { answers, inboxId } : undefined);
}

/** A redelivered message that was the answer to `q` when the crash came: it answers it again. */
async function answerAgain(rt: Runtime, sms: InboundSms, inboxId: string): Promise<ClaimedAnswer | undefined> {
  try {
    const answers = (await rt.store.ready).collection<OpenQuestion>(ANSWERS);
    const q = await answers.get(inboxId);
    if (!q) return undefined;
    if (!rt.deployed.has(q.node) && !inFlows(rt.RED, q.node)) {
      log(rt, 'warn', `message ${sms.messageId} answered a question of node ${q.node}, which is no longer deployed: it goes on from sms in`);
      await answers.delete(inboxId);
      return undefined;
    }
    return claimedAnswer(rt, q, { answers, inboxId });
  } catch (err) {
    log(rt, 'warn', `could not check whether message ${sms.messageId} answered a question before the restart (${reason(err)}): it goes on from sms in`);
    return undefined;
  }
}

function claimedAnswer(rt: Runtime, q: OpenQuestion, record?: { answers: Collection<OpenQuestion>; inboxId: string }): ClaimedAnswer {
  const asker = rt.RED.nodes.getNode(q.node);
  return {
    answerable: asker ? canReachAnswer(rt.RED, [asker.wires[0] ?? []], asker.id) : true,
    deliver(answer) {
      toNode(rt, q.node, (h) => {
        const msg = restoredMessage(q.msg);
        msg._msgid = answer._msgid;
        msg.payload = answer.payload;
        msg.sms = answer.sms;
        if (answer.req) msg.req = answer.req;
        else delete msg.req;
        if (answer.res) msg.res = answer.res;
        else delete msg.res;
        msg.asked = { ...q.asked };
        h.answered(msg);
      });
    },
    finished() {
      if (!record) return;
      record.answers.delete(record.inboxId).catch((err: unknown) => log(rt, 'warn', `could not drop the record of answer ${record.inboxId} (${reason(err)}): it expires`));
    },
  };
}

// --- what the SMS simulator shows ----------------------------------------------------------

/** The open questions of every sms ask of the deployed flows, soonest due first; none without an sms ask. */
export async function listQuestions(RED: NodeAPI): Promise<OpenQuestion[]> {
  if (!anyAskInFlows(RED)) return [];
  const { questions } = await collections(open(RED));
  const now = Date.now();
  return (await questions.entries())
    .map(([, q]) => q)
    .filter((q) => q.dueAt > now)
    .sort((a, b) => a.dueAt - b.dueAt);
}
