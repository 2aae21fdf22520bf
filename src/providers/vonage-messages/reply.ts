import { toVonageNumber } from '../../sms/phone';
import { type RetryPolicy, withRetry } from '../retry';
import { ReplyError, type ReplyRequest, type ReplyResult, type SendingAccount } from '../types';
import {
  JWT_CREDENTIALS,
  KEY_CREDENTIALS,
  type VonageClient,
  clientFor,
  failure,
  judgeHttp,
} from '../vonage/client';
import { readPrivateKey } from '../vonage/private-key';

/** Replies through the Messages API: SMS, MMS with media, or the inbound channel. */
export async function sendVonageMessages(reply: ReplyRequest, account: SendingAccount, policy: RetryPolicy): Promise<ReplyResult> {
  const creds = account.credentials;
  const accountName = account.name;
  const jwt = !!(creds.applicationId && creds.privateKey);
  if (!jwt && !(creds.apiKey && creds.apiSecret)) {
    throw new ReplyError(
      `account "${accountName}" needs an ${JWT_CREDENTIALS}, or an ${KEY_CREDENTIALS}, to reply through the Vonage Messages API`,
      { reason: 'account needs Vonage credentials' },
    );
  }
  // A key that cannot sign is a local problem: say so before Vonage is called at all.
  const key = jwt ? readPrivateKey(creds.privateKey) : {};
  if (key.problem) {
    throw new ReplyError(`the private key of account "${accountName}" ${key.problem}`, { reason: 'private key unreadable' });
  }
  const client = clientFor(key.pem ? { ...account, credentials: { ...creds, privateKey: key.pem } } : account, policy.timeoutMs);
  const to = toVonageNumber(reply.to);
  const from = toVonageNumber(reply.from);
  const channel = reply.channel && reply.channel !== 'sms' && reply.channel !== 'mms' ? reply.channel : undefined;
  // Per-message status URL: receipts for this reply go to the chosen sms status node.
  const receipts = reply.statusUrl ? { webhookUrl: reply.statusUrl } : {};
  // MMS carries one image per message: the text rides as the caption of the first.
  const messages: Record<string, unknown>[] =
    reply.media.length === 0
      ? [{ channel: channel ?? 'sms', messageType: 'text', to, from, text: reply.text, ...receipts }]
      : reply.media.map((url, i) => ({
          channel: channel ?? 'mms',
          messageType: 'image',
          to,
          from,
          image: i === 0 && reply.text ? { url, caption: reply.text } : { url },
          ...receipts,
        }));
  let first: string | undefined;
  for (const message of messages) {
    try {
      const sent = await withRetry(
        () => client.messages.send(message as unknown as Parameters<VonageClient['messages']['send']>[0]),
        judgeHttp,
        policy,
      );
      first ??= sent.messageUUID;
    } catch (err) {
      throw await failure(err, 'Vonage Messages API', accountName, jwt ? JWT_CREDENTIALS : KEY_CREDENTIALS);
    }
  }
  return { messageId: first };
}
