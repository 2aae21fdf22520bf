import { sendingProvider } from '../../providers';
import { asReplyError, type ReplyRequest } from '../../providers/types';
import { outboundQueue, type OutboundRequest, type SendResult } from '../../runtime/outbound-queue';
import type { Node, NodeAPI, NodeDef, NodeMessage } from '../../runtime/red';
import { consentAccountOf } from '../common/consent-account';
import { accountNode } from '../sms-account/account';
import { replyContent } from '../sms-reply/reply-content';
import { SendInputError, channelProblem, jsonSafe, recipientOf, recipientsOf, sendAtOf, senderOf } from './send-input';

const CHANNELS = ['sms', 'mms', 'whatsapp', 'rcs', 'messenger', 'viber_service'];
const TO_SOURCES = ['str', 'msg', 'flow', 'global', 'env', 'json'];
/** The status changes at most this often, however fast results come. */
const STATUS_EVERY_MS = 250;

/** The `sms send` node's constructor, made once per runtime when the first one starts (see sms-send.ts). */
export function smsSendNode(RED: NodeAPI): (this: Node, def: NodeDef) => void {
  function SmsSend(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const queue = outboundQueue(RED);
    const { textOf, mediaOf } = replyContent(RED, node, def);
    const account = accountNode(RED, def.account);
    const provider = account ? sendingProvider(account.provider, typeof def.api === 'string' ? def.api : undefined) : undefined;
    const channel = typeof def.channel === 'string' && CHANNELS.includes(def.channel) ? def.channel : 'sms';
    const rate = Number(def.rate) > 0 ? Number(def.rate) : undefined;
    const receipts = typeof def.receipts === 'string' && def.receipts ? def.receipts : undefined;
    const toValue = typeof def.to === 'string' && def.to ? def.to : 'to';
    const toType = typeof def.toType === 'string' && TO_SOURCES.includes(def.toType) ? def.toType : 'msg';
    const problem = !account
      ? 'choose an sms account: it holds the credentials the messages are sent with'
      : !provider
        ? `the sms account "${account.name || account.id}" has no provider that sends`
        : channelProblem(provider, channel);

    const counts = { queued: 0, sent: 0, notSent: 0 };
    let statusTimer: NodeJS.Timeout | undefined;
    let lastReason = '';
    const showStatus = (): void => {
      if (statusTimer) return;
      statusTimer = setTimeout(() => {
        statusTimer = undefined;
        const text = `queued ${counts.queued} · sent ${counts.sent} · not sent ${counts.notSent}`;
        const fill = counts.notSent > 0 && lastReason ? 'yellow' : counts.queued > 0 ? 'blue' : 'green';
        node.status({ fill, shape: 'dot', text: lastReason && counts.notSent ? `${text} (${lastReason})` : text });
      }, STATUS_EVERY_MS);
    };
    if (problem) node.status({ fill: 'red', shape: 'ring', text: problem.slice(0, 60) });
    else node.status({ fill: 'grey', shape: 'ring', text: 'queued 0 · sent 0 · not sent 0' });

    const startedAt = Date.now();
    queue.acquire();
    const unsubscribe = queue.subscribe(node.id, (result: SendResult) => {
      // The result's own message (the queue read it back from the store): no copy needed.
      const msg = result.job.msg as NodeMessage;
      const to = result.job.request.to;
      msg.topic = to;
      msg.to = to;
      const sms = msg.sms && typeof msg.sms === 'object' && !Array.isArray(msg.sms) ? (msg.sms as Record<string, unknown>) : {};
      // Jobs queued before a restart count as queued here only once they report.
      if (result.job.enqueuedAt >= startedAt) counts.queued = Math.max(0, counts.queued - 1);
      if (result.outcome === 'sent') {
        counts.sent++;
        msg.sms = { ...sms, sent: result.sent };
        node.send([msg, null]);
      } else {
        counts.notSent++;
        lastReason = result.notSent.reason;
        msg.sms = { ...sms, notSent: result.notSent };
        node.send([null, msg]);
      }
      showStatus();
    });

    node.on('input', async (msg, _send, done) => {
      try {
        if (problem || !account || !provider) throw new SendInputError(problem);
        const recipients = recipientsOf(await evaluate(toValue, toType, msg));
        const from = senderOf(msg.from ?? def.from, channel, account.country);
        const sendAt = sendAtOf(msg.sendAt);
        const text = await textOf(msg);
        const media = await mediaOf(msg);
        const template = msg.template && typeof msg.template === 'object' && !Array.isArray(msg.template) ? (msg.template as ReplyRequest['template']) : undefined;
        if (!text && media.length === 0 && !template) throw new SendInputError('nothing to send: the text is empty (set Text, or msg.payload), and there is no media or template');
        const clientRef = clientRefOf(msg.clientRef, provider.reply.outbound.clientRefMax);
        const kept = jsonSafe(msg);
        const base = {
          owner: node.id,
          account: account.id,
          provider: provider.id,
          consentKey: consentAccountOf(account),
          ...(receipts ? { receipts } : {}),
          ...(rate ? { rate } : {}),
          ...(sendAt !== undefined ? { sendAt } : {}),
          msg: kept,
        };
        const requests: OutboundRequest[] = [];
        for (const value of recipients) {
          const recipient = recipientOf(value, channel, account.country);
          const request = { to: recipient.to, from, text, media, channel, ...(template ? { template } : {}), ...(clientRef ? { clientRef } : {}) };
          if (!recipient.ok) {
            counts.queued++;
            queue.reportNotSent({ ...base, request }, 'invalid-number', recipient.error);
            continue;
          }
          requests.push({ ...base, request });
        }
        counts.queued += requests.length;
        showStatus();
        await queue.enqueue(requests);
        done();
      } catch (err) {
        const failure = err instanceof SendInputError ? err : asReplyError(err);
        node.status({ fill: 'red', shape: 'ring', text: failure.message.slice(0, 60) });
        done(failure);
      }
    });

    /** What the provider will carry to the receipts: cut to its limit, said once per message. */
    function clientRefOf(value: unknown, max: number | undefined): string | undefined {
      const ref = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
      if (!ref || max === undefined || ref.length <= max) return ref || undefined;
      node.warn(`msg.clientRef is ${ref.length} characters; ${provider?.label ?? 'the provider'} takes at most ${max}: the first ${max} are sent, and come back in receipts`);
      return ref.slice(0, max);
    }

    function evaluate(value: string, type: string, msg: NodeMessage): Promise<unknown> {
      return new Promise((resolve, reject) => {
        RED.util.evaluateNodeProperty(value, type, node, msg, (err, result) => (err ? reject(err) : resolve(result)));
      });
    }

    node.on('close', (removed: boolean, done: () => void) => {
      clearTimeout(statusTimer);
      unsubscribe();
      queue.release(removed).finally(done);
    });
  }
  return SmsSend;
}
