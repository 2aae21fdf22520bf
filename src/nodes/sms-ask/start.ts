import { sendingProvider } from '../../providers';
import { ReplyError, type ReplyRequest } from '../../providers/types';
import type { OutboundRequest } from '../../runtime/outbound-queue';
import type { NodeAPI } from '../../runtime/red';
import { consentAccountOf } from '../common/consent-account';
import { accountNode } from '../sms-account/account';
import { recipientOf, senderOf } from '../sms-send/send-input';

export interface ConversationStart {
  account: unknown;
  /** The person as the message gives them (`msg.to`). */
  to: string;
  /** Our number as given (From, or `msg.from`). */
  from: string;
  text: string;
  media: string[];
  template?: unknown;
  /** The sms ask node: it gets the result of the send from the queue. */
  owner: string;
}

/** What a conversation sms ask starts goes out as: a job of the outbound queue, or why it cannot. */
export type ConversationSend = { ok: true; job: OutboundRequest } | { ok: false; to: string; error: string };

/** A channel address (`whatsapp:+1…`, `messenger:…`) goes as it is; anything else is a phone number. */
const isChannelAddress = (to: string): boolean => /^[a-z_]+:/i.test(to);

/**
 * The first question of a conversation that sms ask starts (`msg.to`), as `sms send` sends
 * (SPEC §8, §9): one job of the outbound queue, so the sender's pace, the opt-out list and a
 * restart apply alike. A number that cannot be one is `ok: false` (nothing is queued). The
 * caller sets the job's `ref` to the question it opened.
 */
export function conversationJob(RED: NodeAPI, start: ConversationStart): ConversationSend {
  const account = accountNode(RED, start.account);
  if (!account) throw new ReplyError('sms ask needs an sms account to start a conversation with msg.to: choose one in its Account setting', { reason: 'no account' });
  const provider = sendingProvider(account.provider);
  if (!provider) throw new ReplyError(`the sms account "${account.name || account.id}" has no provider that sends`, { reason: 'no provider' });
  // The person and our number in E.164, national numbers read in the account's country.
  const to = isChannelAddress(start.to) ? { ok: true as const, to: start.to } : recipientOf(start.to, 'sms', account.country);
  if (!to.ok) return { ok: false, to: to.to, error: to.error };
  const from = isChannelAddress(start.from) ? start.from : senderOf(start.from, 'sms', account.country);
  const request: OutboundRequest['request'] = { to: to.to, from, text: start.text, media: start.media };
  if (start.template && typeof start.template === 'object' && !Array.isArray(start.template)) request.template = start.template as ReplyRequest['template'];
  return {
    ok: true,
    job: {
      owner: start.owner,
      account: account.id,
      provider: provider.id,
      consentKey: consentAccountOf(account),
      request,
      // The question holds the input message; the job only points at it.
      msg: {},
    },
  };
}
