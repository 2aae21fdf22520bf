import type { Response } from 'express';
import type { SmsAccountNode } from '../sms-account/account';
import { type RetryPolicy, DEFAULT_RETRY } from '../../providers/retry';
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeStatus } from '../../runtime/red';
import { statusCallbackUrl } from '../../runtime/status-url';
import { replyContent } from './reply-content';
import { sendTwiml } from '../../providers/twilio/twiml';
import { ReplyError, type ReplyRequest, type ReplyResult } from '../../providers/types';
import type { InboundSms } from '../../sms/types';
import { buildTwiml, sendTwilio } from '../../providers/twilio/reply';
import { sendVonageMessages, sendVonageSms } from '../../providers/vonage/client';
import { simulatedMessages } from '../../plugins/simulator/simulated-messages';

/** What the reply said, on the output message (SPEC §3). */
type ReplySummary = NonNullable<InboundSms['reply']>;

function isInbound(sms: unknown): sms is InboundSms {
  const s = sms as InboundSms | undefined;
  return !!s && typeof s.provider === 'string' && typeof s.from === 'string' && typeof s.to === 'string';
}

export = function register(RED: NodeAPI): void {
  function SmsReply(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const { textOf, mediaOf } = replyContent(RED, node, def);
    const statusId = typeof def.status === 'string' && def.status ? def.status : undefined;
    const retry = { ...DEFAULT_RETRY, ...(RED.settings.smsRetry as Partial<RetryPolicy> | undefined) };

    // The status only changes when the outcome does: an auto-responder replying a thousand
    // times a second would otherwise publish a thousand identical statuses to the editor.
    let shown = '';
    function showStatus(status: NodeStatus & { text: string }): void {
      const key = `${status.fill}/${status.shape}/${status.text}`;
      if (key === shown) return;
      shown = key;
      node.status(status);
    }

    function accountFor(sms: InboundSms): SmsAccountNode | null {
      const id = (def.account as string) || sms.account;
      return id ? (RED.nodes.getNode(id) as SmsAccountNode | null) : null;
    }

    async function reply(msg: NodeMessage): Promise<ReplySummary | undefined> {
      const sms = msg.sms;
      if (!isInbound(sms)) {
        throw new ReplyError('msg.sms is missing: sms reply answers messages that come from an sms in node');
      }
      const account = accountFor(sms);
      const accountName = account?.name || account?.id || '(none)';
      const request: ReplyRequest = {
        to: sms.from,
        from: sms.to,
        text: await textOf(msg),
        media: await mediaOf(msg),
        channel: sms.channel,
      };
      const status = statusCallbackUrl(RED, statusId, account?.publicUrl);
      if (status.problem) node.warn(`no delivery receipts for this reply: ${status.problem}`);
      request.statusUrl = status.url;
      const nothing = !request.text && request.media.length === 0;
      const summary = (result: ReplyResult): ReplySummary => ({
        provider: sms.provider,
        ...(result.messageId ? { messageId: result.messageId } : {}),
        to: request.to,
        from: request.from,
        text: request.text,
      });

      // A message from the editor's SMS simulator: its reply goes back there, not to a provider.
      const simulated = (): boolean => simulatedMessages.isStamped(sms);
      const handOver = (): string => {
        showStatus({ fill: 'blue', shape: 'dot', text: 'simulated' });
        const { to, from, text, media } = request;
        return simulatedMessages.handOver({ inReplyTo: sms.messageId, provider: sms.provider, to, from, text, media, via: 'api' });
      };

      if (sms.provider === 'twilio') {
        const res = msg.res?._res as Response | undefined;
        if (res && !res.headersSent) {
          sendTwiml(res, buildTwiml(request));
          showStatus({ fill: 'green', shape: 'dot', text: nothing ? 'acknowledged' : 'replied' });
          return nothing ? undefined : summary({});
        }
        if (nothing) return undefined;
        if (simulated()) return summary({ messageId: handOver() });
        // The webhook was already answered (reply window passed, or a second reply).
        if (!account?.credentials?.accountSid || !account.credentials.authToken) {
          throw new ReplyError(
            'the reply came after Twilio\'s webhook was answered, and there is no account with an Account SID and auth token to send it through the REST API: ' +
              'reply sooner (raise "Reply within" on sms in, at most 14 s) or add the Account SID and auth token to the sms account',
          );
        }
        const result = await sendTwilio(request, { ...account.credentials, apiHost: account.apiHost }, accountName, retry);
        showStatus({ fill: 'yellow', shape: 'dot', text: 'late: sent by API' });
        return summary(result);
      }

      if (nothing) return undefined;
      if (simulated()) return summary({ messageId: handOver() });
      if (!account) {
        throw new ReplyError(
          `no sms account to reply with: choose one on the sms reply node or on the sms in node (Vonage replies are sent through the API)`,
        );
      }
      const creds = { ...account.credentials, apiHost: account.apiHost };
      const result =
        sms.provider === 'vonage-sms'
          ? await sendVonageSms(request, creds, accountName, retry)
          : await sendVonageMessages(request, creds, accountName, retry);
      showStatus({ fill: 'green', shape: 'dot', text: 'sent' });
      return summary(result);
    }

    node.on('input', async (msg, send, done) => {
      try {
        const summary = await reply(msg);
        if (summary && isInbound(msg.sms)) msg.sms.reply = summary;
        send(msg);
        done();
      } catch (err) {
        showStatus({ fill: 'red', shape: 'ring', text: 'failed' });
        done(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }
  RED.nodes.registerType('sms reply', SmsReply);
};
