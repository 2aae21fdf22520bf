import type { Node, NodeAPI, NodeDef, NodeMessage, NodeStatus } from '../../runtime/red';
import { asReplyError, ReplyError } from '../../providers/types';
import { answerer, isInbound } from '../common/answer';
import { replyContent } from '../sms-reply/reply-content';
import { DEFAULT_TIMEOUT_S, MAX_TIMEOUT_S, joinQuestions } from '../../runtime/open-questions';
import { storableMessage } from '../../runtime/stored-message';
import { conversationJob } from './start';
import { outboundQueue, type SendResult } from '../../runtime/outbound-queue';

/** The `timeout` setting in ms: seconds, default an hour, at most 30 days; fractions allowed (tests). */
function timeoutMs(value: unknown): number {
  const s = Number(value);
  const seconds = value === '' || value === undefined || !Number.isFinite(s) || s <= 0 ? DEFAULT_TIMEOUT_S : Math.min(s, MAX_TIMEOUT_S);
  return Math.max(1, Math.round(seconds * 1000));
}

/** Sends on one output; a failure in Node-RED's routing is the node's error, not the caller's. */
function sendTo(node: Node, output: 0 | 1, msg: NodeMessage): void {
  try {
    node.send(output === 0 ? [msg, null] : [null, msg]);
  } catch (err) {
    node.error(`could not pass the message on: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The `sms ask` node's constructor, made once per runtime when the first one starts (see sms-ask.ts). */
export function smsAskNode(RED: NodeAPI): (this: Node, def: NodeDef) => void {
  function SmsAsk(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const { textOf, mediaOf } = replyContent(RED, node, def);
    const waitMs = timeoutMs(def.timeout);
    const from = typeof def.from === 'string' ? def.from.trim() : '';

    let waiting = 0;
    let outcome: (NodeStatus & { text: string }) | undefined;
    let shown = '';
    let statusTimer: NodeJS.Timeout | undefined;
    // At most a few updates a second, whatever the traffic.
    const showStatus = (): void => {
      if (statusTimer) return;
      statusTimer = setTimeout(() => {
        statusTimer = undefined;
        const status: NodeStatus & { text: string } = outcome?.fill === 'red' ? outcome : { fill: 'blue', shape: waiting ? 'dot' : 'ring', text: `${waiting} waiting` };
        const key = JSON.stringify(status);
        if (key !== shown) node.status(status);
        shown = key;
      }, 200);
    };
    const replies = answerer(RED, node, { account: def.account, show: () => undefined });
    const questions = joinQuestions(RED, {
      node,
      answered: (msg) => sendTo(node, 0, msg),
      ended: (msg) => sendTo(node, 1, msg),
      waiting: (n) => {
        waiting = n;
        showStatus();
      },
    });

    // Conversations this node starts (msg.to) go out through sms send's outbound queue (SPEC
    // §8): its pace, its opt-out check, and a send queued before a restart goes once after it.
    // Without an account the node cannot start one, and needs no queue.
    const queue = typeof def.account === 'string' && def.account ? outboundQueue(RED) : undefined;
    queue?.acquire();
    const unsubscribe = queue?.subscribe(node.id, (result: SendResult) => {
      const id = result.job.ref;
      if (!id) return;
      const settled =
        result.outcome === 'sent'
          ? questions.sent(id, result.sent.messageId)
          : questions.notSent(id, result.notSent.reason, result.notSent.error).then((ended) => {
              if (!ended) return;
              outcome = { fill: 'red', shape: 'ring', text: result.notSent.reason };
              showStatus();
            });
      settled.catch((err: unknown) => node.warn(`could not record the outcome of the question to ${result.job.request.to} (${err instanceof Error ? err.message : String(err)})`));
    });

    async function ask(msg: NodeMessage): Promise<void> {
      const text = await textOf(msg);
      const media = await mediaOf(msg);
      const sms = msg.sms;
      const replying = isInbound(sms);
      const to = typeof msg.to === 'string' ? msg.to.trim() : '';
      if (!replying && !to) {
        throw new ReplyError('sms ask needs a message from sms in (or an sms ask answer) to reply to, or msg.to to start a conversation', { reason: 'nobody to ask' });
      }
      if (!text && media.length === 0 && !msg.template) throw new ReplyError('the question is empty: set the Text of sms ask, or msg.payload', { reason: 'empty question' });
      const ours = replying ? sms.to : (typeof msg.from === 'string' && msg.from.trim()) || from;
      if (!ours) throw new ReplyError('sms ask needs the number to send from: set From, or msg.from', { reason: 'no from number' });
      // Emitted again after a crash: asked already (and maybe answered or timed out since) unless
      // this node never answered it; a question must not open twice for one message.
      const preclaimed = replying && sms.redelivered === true;
      if (preclaimed && !(await replies.claim(sms))) return;
      const start = replying ? undefined : conversationJob(RED, { account: def.account, to, from: ours, text, media, template: msg.template, owner: node.id });
      const { value, dropped } = storableMessage(msg);
      if (start && !start.ok) {
        // Not a number anyone can be asked at: nothing is sent, nothing waits (SPEC §8's invalid-number).
        sendTo(node, 1, { ...msg, asked: { text, at: new Date().toISOString(), outcome: 'invalid-number', error: start.error } });
        return;
      }
      if (dropped.length) node.warn(`msg.${dropped.join(', msg.')} cannot be kept while the question waits (not JSON): the answer comes without it`);
      // Open before it is sent: an answer that comes at once must find it.
      const person = start ? start.job.request.to : replying ? sms.from : to;
      const open = await questions.open({ ours: start ? start.job.request.from : ours, person, msg: value, text, timeoutMs: waitMs, queued: !!start });
      try {
        if (start) {
          // The queue reports the send (or that it was not sent: opted-out, refused…) by node id.
          if (!queue) throw new ReplyError('sms ask needs an sms account to start a conversation with msg.to: choose one in its Account setting', { reason: 'no account' });
          await queue.enqueue([{ ...start.job, ref: open.question.id }]);
          return;
        }
        const messageId = (await replies.answer(msg, { text, media }, preclaimed))?.messageId;
        await open.sent(messageId);
      } catch (err) {
        await open.cancel();
        throw err;
      }
    }

    node.on('input', async (msg, _send, done) => {
      try {
        await ask(msg);
        if (outcome) {
          outcome = undefined;
          showStatus();
        }
        done();
      } catch (err) {
        const failure = asReplyError(err);
        outcome = { fill: 'red', shape: 'ring', text: failure.reason };
        showStatus();
        done(failure);
      }
    });

    node.on('close', (removed: boolean, done: () => void) => {
      if (statusTimer) clearTimeout(statusTimer);
      // Results of sends that finish from now on wait in the queue for the node of this id
      // (a redeploy: the new one records them); a removed node's questions end below anyway.
      unsubscribe?.();
      Promise.resolve(queue?.release(removed))
        .then(() => questions.close(removed))
        .then(() => replies.close(removed))
        .finally(done);
    });
  }
  return SmsAsk;
}
