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
import { isOutsideWindow, messagesErrorMessage } from './errors';
import { messagesFor } from './outbound';

/** Replies through the Messages API on the inbound channel: text, media, or a WhatsApp template. */
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
  const messages = messagesFor(reply);
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
      const failed = await failure(err, 'Vonage Messages API', accountName, jwt ? JWT_CREDENTIALS : KEY_CREDENTIALS);
      // The 24-hour refusal, when Vonage gives it at once rather than in the status webhook.
      if (isOutsideWindow(failed.message)) {
        throw new ReplyError(`${failed.message} ${messagesErrorMessage('1340', undefined)}`, { status: failed.status, reason: 'outside the 24-hour window' });
      }
      // After a first part went out, the message as a whole is neither unsent nor refused.
      if (first !== undefined && failed.outcome !== 'unknown') {
        throw new ReplyError(`${failed.message} (an earlier part of this message was sent: ${first})`, { status: failed.status, reason: failed.reason, outcome: 'unknown' });
      }
      throw failed;
    }
  }
  return { messageId: first };
}
