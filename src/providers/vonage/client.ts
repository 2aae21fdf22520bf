import { isGsm7 } from '../../sms/gsm';
import { toVonageNumber } from '../../sms/phone';
import { DEFAULT_RETRY, type RetryPolicy, type RetryVerdict, isTransientStatus, withRetry } from '../retry';
import { ReplyError, type ReplyRequest, type ReplyResult } from '../types';

export interface VonageCredentials {
  apiKey?: string;
  apiSecret?: string;
  applicationId?: string;
  privateKey?: string;
  apiHost?: string;
}

// The Vonage SDK costs ~300 ms to load: only the first reply pays it.
type VonageSdk = typeof import('@vonage/server-sdk');
type VonageClient = InstanceType<VonageSdk['Vonage']>;
let sdk: VonageSdk | undefined;

const clients = new Map<string, VonageClient>();

/** One client per credentials and host, so each reply does not rebuild the SDK. */
function clientFor(creds: VonageCredentials): VonageClient {
  const key = [creds.apiKey, creds.apiSecret, creds.applicationId, creds.privateKey, creds.apiHost].join('\u0000');
  let client = clients.get(key);
  if (!client) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    sdk ??= require('@vonage/server-sdk') as VonageSdk;
    const auth = {
      ...(creds.apiKey ? { apiKey: creds.apiKey, apiSecret: creds.apiSecret } : {}),
      ...(creds.applicationId && creds.privateKey
        ? { applicationId: creds.applicationId, privateKey: creds.privateKey }
        : {}),
    };
    // One host setting serves both APIs: a regional host, or a local fake in tests.
    const hosts = creds.apiHost ? { apiHost: creds.apiHost, restHost: creds.apiHost } : {};
    client = new sdk.Vonage(auth as ConstructorParameters<VonageSdk['Vonage']>[0], hosts);
    clients.set(key, client);
  }
  return client;
}

interface VetchLike {
  response?: { status?: number; headers?: { get(name: string): string | null }; text?: () => Promise<string> };
}

function judgeHttp(err: unknown): RetryVerdict {
  const res = (err as VetchLike).response;
  const after = Number(res?.headers?.get('retry-after'));
  return { retry: isTransientStatus(res?.status), retryAfterS: Number.isFinite(after) ? after : undefined };
}

/** The provider's own words from a failed HTTP call (Messages API errors are JSON). */
async function providerSays(err: unknown): Promise<{ status?: number; text: string }> {
  const res = (err as VetchLike).response;
  if (!res?.status) return { text: (err as Error).message ?? String(err) };
  let text = `HTTP ${res.status}`;
  try {
    const body = (await res.text?.()) ?? '';
    const json = JSON.parse(body) as { title?: string; detail?: string; error_title?: string };
    const words = [json.title ?? json.error_title, json.detail].filter(Boolean).join(': ');
    if (words) text += ` ${words}`;
  } catch {
    // Not JSON: the status says enough.
  }
  return { status: res.status, text };
}

function credentialAdvice(status: number | undefined, what: string): string {
  return status === 401 || status === 403 ? ` Check the ${what} of the account.` : '';
}

/** Replies through the Messages API: SMS, MMS with media, or the inbound channel. */
export async function sendVonageMessages(
  reply: ReplyRequest,
  creds: VonageCredentials,
  accountName: string,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<ReplyResult> {
  const jwt = !!(creds.applicationId && creds.privateKey);
  if (!jwt && !(creds.apiKey && creds.apiSecret)) {
    throw new ReplyError(
      `account "${accountName}" needs an Application ID and private key (or an API key and secret) to reply through the Vonage Messages API`,
    );
  }
  const client = clientFor(creds);
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

interface SmsFailure {
  response?: { messages?: { status?: string; errorText?: string }[] };
}

/** SMS API status 1 is its way of saying 429. */
function judgeSms(err: unknown): RetryVerdict {
  const status = (err as SmsFailure).response?.messages?.[0]?.status;
  return status === '1' ? { retry: true } : judgeHttp(err);
}

/** Replies through the SMS API with key and secret; non-GSM text goes as unicode. */
export async function sendVonageSms(
  reply: ReplyRequest,
  creds: VonageCredentials,
  accountName: string,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<ReplyResult> {
  if (!(creds.apiKey && creds.apiSecret)) {
    throw new ReplyError(`account "${accountName}" needs an API key and secret to reply through the Vonage SMS API`);
  }
  if (reply.media.length > 0) {
    throw new ReplyError('the Vonage SMS API cannot send media: use the Messages API for MMS, or remove the media');
  }
  const client = clientFor(creds);
  try {
    const sent = await withRetry(
      () =>
        client.sms.send({
          to: toVonageNumber(reply.to),
          from: toVonageNumber(reply.from),
          text: reply.text,
          ...(isGsm7(reply.text) ? {} : { type: 'unicode' }),
          ...(reply.statusUrl ? { callback: reply.statusUrl } : {}),
        } as Parameters<VonageClient['sms']['send']>[0]),
      judgeSms,
      policy,
    );
    return { messageId: sent.messages?.[0]?.messageId };
  } catch (err) {
    const part = (err as SmsFailure).response?.messages?.find((m) => m.status !== '0');
    if (part) {
      throw new ReplyError(
        `Vonage SMS API refused the reply for account "${accountName}" (status ${part.status}: ${part.errorText ?? 'no reason given'}).` +
          credentialAdvice(part.status === '4' ? 401 : undefined, 'API key and secret'),
      );
    }
    const said = await providerSays(err);
    throw new ReplyError(
      `Vonage SMS API refused the reply for account "${accountName}" (${said.text}).` +
        credentialAdvice(said.status, 'API key and secret'),
      said.status,
    );
  }
}
