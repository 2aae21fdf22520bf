import { PROVIDERS, providersOfAccount } from '../../providers';
import { DEFAULT_RETRY, type RetryPolicy } from '../../providers/retry';
import { ReplyError, type ReplyRequest } from '../../providers/types';
import type { NodeAPI } from '../../runtime/red';
import { accountNode } from '../sms-account/account';

export interface ConversationStart {
  account: unknown;
  to: string;
  from: string;
  text: string;
  media: string[];
  template?: unknown;
}

/**
 * Sends the first question of a conversation that sms ask starts (`msg.to`) through the
 * account's provider API; returns the provider's message id.
 */
export async function startConversation(RED: NodeAPI, start: ConversationStart): Promise<string | undefined> {
  const account = accountNode(RED, start.account);
  if (!account) throw new ReplyError('sms ask needs an sms account to start a conversation with msg.to: choose one in its Account setting', { reason: 'no account' });
  const request: ReplyRequest = { to: start.to, from: start.from, text: start.text, media: start.media };
  if (start.template && typeof start.template === 'object') request.template = start.template as ReplyRequest['template'];
  const sending = { name: account.name || account.id, credentials: account.credentials ?? {}, apiHost: account.apiHost };
  const ids = providersOfAccount(account.provider);
  const id = ids.find((p) => !PROVIDERS[p].reply.cannotSend(sending, request));
  if (!id) throw PROVIDERS[ids[0]].reply.cannotSend(sending, request) as ReplyError;
  const retry = { ...DEFAULT_RETRY, ...(RED.settings.smsRetry as Partial<RetryPolicy> | undefined) };
  const result = await PROVIDERS[id].reply.send(request, sending, retry);
  return result.messageId;
}
