import type { Response } from 'express';
import { PROVIDERS, isProviderId } from '../../providers';
import { accountNode } from '../sms-account/account';
import { type RetryPolicy, DEFAULT_RETRY } from '../../providers/retry';
import type { Node, NodeAPI, NodeMessage } from '../../runtime/red';
import { statusCallbackUrl } from '../../runtime/status-url';
import { ReplyError, asReplyError, type ReplyRequest, type ReplyResult } from '../../providers/types';
import type { InboundSms } from '../../sms/types';
import { simulatedMessages } from '../../runtime/simulated-messages';
import { acquireStore, releaseStore } from '../../runtime/sms-store';
import { consentAccountOf } from './consent-account';
import { NodeConsent } from './node-consent';

/** What a reply said, on the output message (SPEC §3). */
export type ReplySummary = NonNullable<InboundSms['reply']>;

export function isInbound(sms: unknown): sms is InboundSms {
  const s = sms as InboundSms | undefined;
  return !!s && typeof s.provider === 'string' && typeof s.from === 'string' && typeof s.to === 'string';
}

export interface AnswerOptions {
  /** The node's own `account` setting; empty: the account of the sms in that produced the message. */
  account?: unknown;
  /** The `sms status` node whose URL is the per-message status callback. */
  receipts?: string;
  /** Shows an outcome under the node (`replied`, `sent`, `already replied`…). */
  show(status: { fill: 'green' | 'yellow' | 'grey' | 'blue'; shape: 'dot' | 'ring'; text: string }): void;
}

export interface Answerer {
  /**
   * Answers the inbound message `msg.sms` with `content` (SPEC §3): TwiML while the
   * webhook waits, else the provider's API; once per inbound id and node. Undefined when
   * there was nothing to send; throws a ReplyError a person can act on.
   */
  answer(msg: NodeMessage, content: { text: string; media: string[] }, claimed?: boolean): Promise<ReplySummary | undefined>;
  /** Takes the right to answer `sms` from this node ahead of `answer(…, true)`; false when it was answered before. */
  claim(sms: InboundSms): Promise<boolean>;
  /** Gives the node's share of the sms store back. */
  close(removed: boolean): Promise<void>;
}

/** The answering of an inbound message that `sms reply` and `sms ask` share. */
export function answerer(RED: NodeAPI, node: Node, options: AnswerOptions): Answerer {
  const retry = { ...DEFAULT_RETRY, ...(RED.settings.smsRetry as Partial<RetryPolicy> | undefined) };
  const store = acquireStore(RED);
  const consent = new NodeConsent(node, store);

  /**
   * The right to answer this inbound message from this node, once (SPEC §3): a message
   * emitted again after a crash is not answered twice. Per node: a flow that means to
   * answer twice (two sms reply nodes in a row) still does. An unreachable store
   * does not stop the reply (a person waits for it): it goes out, with a warning.
   */
  async function claimReply(sms: InboundSms): Promise<{ key?: string; granted: boolean }> {
    const key = `${node.id}:${sms.provider}:${sms.messageId}`;
    try {
      return { key, granted: await (await store.ready).replies.claim(key) };
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      node.warn(`reply to ${sms.messageId} sent without being recorded in the sms store (${why}): after a crash it could be sent again`);
      return { granted: true };
    }
  }

  async function releaseReply(key: string | undefined): Promise<void> {
    if (!key) return;
    try {
      await (await store.ready).replies.release(key);
    } catch {
      // Unreachable: the claim stays, so this message gets no second attempt. Said by the error already.
    }
  }

  async function answer(msg: NodeMessage, content: { text: string; media: string[] }, claimed = false): Promise<ReplySummary | undefined> {
    const sms = msg.sms;
    if (!isInbound(sms)) {
      throw new ReplyError(`msg.sms is missing: ${node.type} answers messages that come from an sms in node`, {
        reason: 'not a message from sms in',
      });
    }
    const account = accountNode(RED, options.account || sms.account);
    const accountName = account?.name || account?.id || '(none)';
    const request: ReplyRequest = { to: sms.from, from: sms.to, text: content.text, media: content.media, channel: sms.channel };
    // A WhatsApp template (SPEC §8, §11); its shape is the provider's to check.
    const template = msg.template;
    if (template !== undefined && template !== null) {
      if (typeof template !== 'object' || Array.isArray(template)) {
        throw new ReplyError('msg.template must be an object: { contentSid, variables } for Twilio, { name, language, parameters } for Vonage', {
          reason: 'msg.template not an object',
        });
      }
      request.template = template as ReplyRequest['template'];
    }
    const status = statusCallbackUrl(RED, options.receipts, account?.publicUrl);
    if (status.problem) node.warn(`no delivery receipts for this reply: ${status.problem}`);
    request.statusUrl = status.url;
    const nothing = !request.text && request.media.length === 0 && !request.template;
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
      options.show({ fill: 'blue', shape: 'dot', text: 'simulated' });
      const { to, from, text, media } = request;
      return simulatedMessages.handOver({ inReplyTo: sms.messageId, provider: sms.provider, to, from, text, media, via: 'api' });
    };

    // Nothing to send; the simulator says so rather than wait for a reply that never comes.
    const noReply = (via: string): undefined => {
      if (simulated()) simulatedMessages.noReply({ inReplyTo: sms.messageId, provider: sms.provider, to: request.to, from: request.from, via });
      return undefined;
    };

    if (!isProviderId(sms.provider)) {
      throw new ReplyError(`msg.sms.provider is "${sms.provider}": ${node.type} answers through ${Object.keys(PROVIDERS).join(', ')}`, {
        reason: 'unknown provider',
      });
    }
    const provider = PROVIDERS[sms.provider];
    const res = msg.res?._res as Response | undefined;
    const consentKey = consentAccountOf(account, sms);
    // SPEC §3: to a sender on the opt-out list, only the answer to a STOP / HELP / START goes out.
    if (!nothing && !sms.optOut && (await consent.listed(consentKey, request.to, request.channel))) {
      const open = !!(provider.reply.inAnswer && res && !res.headersSent);
      if (open && res) provider.acknowledge(res);
      noReply(open && provider.reply.inAnswer ? provider.reply.inAnswer.format : 'api');
      options.show({ fill: 'grey', shape: 'ring', text: 'not sent: opted out' });
      return { ...summary({}), notSent: 'opted-out' };
    }
    // Replies to the simulator reach no one: they are not recorded.
    const claim = claimed || nothing || simulated() ? { granted: true, key: claimed ? `${node.id}:${sms.provider}:${sms.messageId}` : undefined } : await claimReply(sms);
    if (!claim.granted) {
      if (provider.reply.inAnswer && res && !res.headersSent) provider.acknowledge(res);
      options.show({ fill: 'grey', shape: 'ring', text: 'already replied' });
      return { ...summary({}), notSent: 'already-replied' };
    }
    const deliver = async (): Promise<ReplySummary | undefined> => {
      const fits = !provider.reply.fitsInAnswer || provider.reply.fitsInAnswer(request);
      if (provider.reply.inAnswer && res && !res.headersSent) {
        if (fits) {
          provider.reply.inAnswer.write(res, request);
          if (nothing) noReply(provider.reply.inAnswer.format);
          options.show({ fill: 'green', shape: 'dot', text: nothing ? 'acknowledged' : 'replied' });
          return nothing ? undefined : summary({});
        }
        // What the answer cannot carry goes through the API; the webhook is answered empty.
        provider.acknowledge(res);
      }
      if (nothing) return noReply('api');
      if (simulated()) return summary({ messageId: handOver() });
      const sending = account && { name: accountName, credentials: account.credentials ?? {}, apiHost: account.apiHost };
      const cannot = provider.reply.cannotSend(sending, request);
      if (cannot) throw cannot;
      if (!sending) throw new ReplyError('no sms account to reply with', { reason: 'no account' });
      const result = await provider.reply.send(request, sending, retry);
      // A provider that replies in the webhook's answer sends through its API only when that answer is gone.
      const late = provider.reply.inAnswer && fits;
      options.show(late ? { fill: 'yellow', shape: 'dot', text: 'late: sent by API' } : { fill: 'green', shape: 'dot', text: 'sent' });
      return summary(result);
    };
    try {
      return await deliver();
    } catch (err) {
      // Surely not sent: a later attempt (the message emitted again) may reply. Perhaps
      // sent: the right stays taken, since a second attempt could answer twice.
      if (!asReplyError(err).outcomeUnknown) await releaseReply(claim.key);
      // Refused because they opted out at the provider (Twilio 21610): now on our list too.
      const refusal = await consent.refused(provider, err, consentKey, request.to, request.channel);
      if (refusal) {
        const failure = asReplyError(err);
        // "Now on the list" only when the list has it: else it is kept in memory until the store takes it.
        const listed = refusal.saved
          ? `${request.to} is now on this account's opt-out list.`
          : `${request.to} could not be written to this account's opt-out list (the sms store failed): it is refused in this Node-RED meanwhile, and written once the store takes it.`;
        throw new ReplyError(`${failure.message} ${listed}`, {
          status: failure.status,
          reason: 'recipient opted out',
          ...(failure.code ? { code: failure.code } : {}),
        });
      }
      throw err;
    }
  }

  return { answer, claim: async (sms) => (await claimReply(sms)).granted, close: (removed) => releaseStore(removed) };
}
