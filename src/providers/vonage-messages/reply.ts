import { toVonageNumber } from '../../sms/phone';
import { type RetryPolicy, withRetry } from '../retry';
import { ReplyError, type ReplyRequest, type ReplyResult, type SendingAccount } from '../types';
import { type VonageClient, clientFor, credentialAdvice, judgeHttp, providerSays } from '../vonage/client';

/** Replies through the Messages API: SMS, MMS with media, or the inbound channel. */
export async function sendVonageMessages(reply: ReplyRequest, account: SendingAccount, policy: RetryPolicy): Promise<ReplyResult> {
  const creds = account.credentials;
  const accountName = account.name;
  const jwt = !!(creds.applicationId && creds.privateKey);
  if (!jwt && !(creds.apiKey && creds.apiSecret)) {
    throw new ReplyError(
      `account "${accountName}" needs an Application ID and private key (or an API key and secret) to reply through the Vonage Messages API`,
    );
  }
  const client = clientFor(account);
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
      const said = await providerSays(err);
      throw new ReplyError(
        `Vonage Messages API refused the reply for account "${accountName}" (${said.text}).` +
          credentialAdvice(said.status, jwt ? 'Application ID and private key' : 'API key and secret'),
        said.status,
      );
    }
  }
  return { messageId: first };
}
