import { isGsm7 } from '../../sms/gsm';
import { toVonageNumber } from '../../sms/phone';
import { type RetryPolicy, type RetryVerdict, withRetry } from '../retry';
import { ReplyError, type ReplyRequest, type ReplyResult, type SendingAccount } from '../types';
import { KEY_CREDENTIALS, type VonageClient, clientFor, credentialAdvice, failure, judgeHttp } from '../vonage/client';
import { templateOffWhatsApp } from '../vonage/template';

interface SmsFailure {
  response?: { messages?: { status?: string; errorText?: string }[] };
}

/** SMS API status 1 is its way of saying 429. */
function judgeSms(err: unknown): RetryVerdict {
  const status = (err as SmsFailure).response?.messages?.[0]?.status;
  return status === '1' ? { retry: true } : judgeHttp(err);
}

/** Replies through the SMS API with key and secret; non-GSM text goes as unicode. */
export async function sendVonageSms(reply: ReplyRequest, account: SendingAccount, policy: RetryPolicy): Promise<ReplyResult> {
  const creds = account.credentials;
  const accountName = account.name;
  if (!(creds.apiKey && creds.apiSecret)) {
    throw new ReplyError(`account "${accountName}" needs an ${KEY_CREDENTIALS} to reply through the Vonage SMS API`, {
      reason: 'account needs API key + secret',
    });
  }
  if (reply.template) throw templateOffWhatsApp('sms');
  if (reply.media.length > 0) {
    throw new ReplyError('the Vonage SMS API cannot send media: use the Messages API for MMS, or remove the media', {
      reason: 'SMS API sends no media',
    });
  }
  const client = clientFor(account, policy.timeoutMs);
  try {
    const sent = await withRetry(
      () =>
        client.sms.send({
          to: toVonageNumber(reply.to),
          from: toVonageNumber(reply.from),
          text: reply.text,
          ...(isGsm7(reply.text) ? {} : { type: 'unicode' }),
          ...(reply.statusUrl ? { callback: reply.statusUrl } : {}),
          ...(reply.clientRef ? { clientRef: reply.clientRef } : {}),
        } as Parameters<VonageClient['sms']['send']>[0]),
      judgeSms,
      policy,
    );
    const parts = Number(sent.messageCount);
    return { messageId: sent.messages?.[0]?.messageId, ...(Number.isInteger(parts) && parts > 0 ? { segments: parts } : {}) };
  } catch (err) {
    const part = (err as SmsFailure).response?.messages?.find((m) => m.status !== '0');
    if (part) {
      throw new ReplyError(
        `Vonage SMS API refused the reply for account "${accountName}" (status ${part.status}: ${part.errorText ?? 'no reason given'}).` +
          credentialAdvice(part.status === '4' ? 401 : undefined, KEY_CREDENTIALS),
        // Status 1 is throttled: the SMS API's 429.
        part.status === '1'
          ? { reason: 'Vonage: rate limited', outcome: 'not-sent', code: part.status }
          : { reason: part.status === '4' ? 'Vonage: credentials refused' : `Vonage refused (status ${part.status})`, code: part.status },
      );
    }
    throw await failure(err, 'Vonage SMS API', accountName, KEY_CREDENTIALS);
  }
}
