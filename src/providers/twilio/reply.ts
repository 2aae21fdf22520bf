import type { Response } from 'express';
import { OUTCOME_UNKNOWN, type RetryPolicy, errorCode, neverSent, retryAfterSeconds, withRetry } from '../retry';
import { ReplyError, type ReplyRequest, type ReplyResult, type SendingAccount } from '../types';
import { TWILIO_CONSOLE } from './console';
import { twilioAddress } from './channels';
import { twilioErrorMessage } from './errors';
import { twilioSdk } from './sdk';
import { sendTwiml } from './twiml';
import { sdkTransportNeeded, twilioTransport } from './transport';

type TwilioModule = typeof import('twilio');

/** Recent TwiML by content: an auto-responder sends the same few answers over and over. */
const twimlCache = new Map<string, string>();
const TWIML_CACHE_SIZE = 256;

type TwimlReply = Pick<ReplyRequest, 'text' | 'media' | 'statusUrl' | 'channel'>;

/** Twilio takes at most 10 media per message (5 MB in all); WhatsApp one per message. */
export const MAX_MEDIA = 10;

function checkMedia(reply: Pick<ReplyRequest, 'media'>): void {
  if (reply.media.length > MAX_MEDIA) {
    throw new ReplyError(`Twilio takes at most ${MAX_MEDIA} media URLs per message, and this reply has ${reply.media.length}: send fewer, or several replies`, {
      reason: 'too many media',
    });
  }
}

/**
 * TwiML for the open webhook response: `<Message>` with the text, `<Media>` per URL. The
 * reply goes back on the channel the message came in on without naming it. WhatsApp takes
 * one media item per message, so each gets its own `<Message>` (the text with the first).
 */
export function buildTwiml(reply: TwimlReply): string {
  checkMedia(reply);
  const key = JSON.stringify([reply.text, reply.media, reply.statusUrl ?? null, onePerMessage(reply.channel)]);
  let twiml = twimlCache.get(key);
  if (twiml === undefined) {
    twiml = renderTwiml(reply);
    if (twimlCache.size >= TWIML_CACHE_SIZE) twimlCache.delete(twimlCache.keys().next().value as string);
    twimlCache.set(key, twiml);
  }
  return twiml;
}

function onePerMessage(channel: string | undefined): boolean {
  return channel === 'whatsapp';
}

function renderTwiml(reply: TwimlReply): string {
  const response = new (twilioSdk().twiml.MessagingResponse)();
  if (!reply.text && reply.media.length === 0) return response.toString();
  const attributes = reply.statusUrl ? { action: reply.statusUrl, method: 'POST' as const } : {};
  if (reply.media.length === 0) {
    response.message(attributes, reply.text);
    return response.toString();
  }
  const groups = onePerMessage(reply.channel) ? reply.media.map((url) => [url]) : [reply.media];
  groups.forEach((urls, i) => {
    const message = response.message(attributes, '');
    if (i === 0 && reply.text) message.body(reply.text);
    for (const url of urls) message.media(url);
  });
  return response.toString();
}

/** TwiML cannot carry a WhatsApp template (a Content SID): such a reply goes through the REST API. */
export function fitsInAnswer(reply: ReplyRequest): boolean {
  return !reply.template;
}

function templateFields(reply: ReplyRequest): Record<string, string> {
  const t = reply.template ?? {};
  if (typeof t.contentSid !== 'string' || !/^HX[0-9a-f]{32}$/i.test(t.contentSid)) {
    throw new ReplyError('msg.template needs contentSid: the Content SID (HX…) of an approved template in Twilio\'s Content Template Builder, and variables for its placeholders', {
      reason: 'template needs contentSid',
    });
  }
  const variables = t.variables && typeof t.variables === 'object' ? t.variables : undefined;
  return { contentSid: t.contentSid, ...(variables ? { contentVariables: JSON.stringify(variables) } : {}) };
}

interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  apiHost?: string;
}

interface HttpResponse {
  statusCode: number;
  headers: Record<string, unknown>;
}
interface HttpClient {
  request(opts: { uri: string; [k: string]: unknown }): Promise<HttpResponse>;
}

/**
 * The SDK's requests through the package's transport (./transport.ts: keep-alive, without
 * axios), pointed at `apiHost` when the account sets one, sending again only what Twilio cannot have accepted (SPEC §3): a 429 (after its
 * Retry-After), or a connection that failed before the request went out.
 */
function httpClient(apiHost: string | undefined, policy: RetryPolicy): HttpClient {
  const inner: HttpClient = sdkTransportNeeded()
    ? (new (twilioSdk().RequestClient)({ keepAlive: true, timeout: policy.timeoutMs }) as unknown as HttpClient)
    : (twilioTransport(policy.timeoutMs) as unknown as HttpClient);
  const target = apiHost ? new URL(apiHost) : undefined;
  return {
    request(opts) {
      let uri = opts.uri;
      if (target) {
        const u = new URL(uri);
        uri = `${target.origin}${target.pathname.replace(/\/$/, '')}${u.pathname}${u.search}`;
      }
      return withRetry(
        async () => {
          const res = await inner.request({ ...opts, uri });
          if (res.statusCode === 429) throw Object.assign(new Error('rate limited'), { res });
          return res;
        },
        (err) => {
          const res = (err as { res?: HttpResponse }).res;
          if (res) return { retry: true, retryAfterS: retryAfterSeconds(res.headers?.['retry-after'] as string | undefined) };
          return { retry: neverSent(err) };
        },
        policy,
      ).catch((err: { res?: HttpResponse }) => {
        // Out of retries on a 429: the caller learns Retry-After (the outbound queue waits it out).
        if (err.res) {
          const retryAfterS = retryAfterSeconds(err.res.headers?.['retry-after'] as string | undefined);
          throw Object.assign(new Error('Too Many Requests'), { status: 429, retryAfterS });
        }
        throw err;
      });
    },
  };
}

const clients = new Map<string, unknown>();
/** A policy's part of the client key, written once per policy object (the queue sends thousands with one). */
const policyKeys = new WeakMap<RetryPolicy, string>();

/** One client per account, host and policy, so connections are reused across replies. */
function clientFor(creds: TwilioCredentials, policy: RetryPolicy) {
  let policyKey = policyKeys.get(policy);
  if (policyKey === undefined) policyKeys.set(policy, (policyKey = JSON.stringify(policy)));
  const key = `${creds.accountSid}\u0000${creds.authToken}\u0000${creds.apiHost ?? ''}\u0000${policyKey}`;
  let client = clients.get(key);
  if (!client) {
    const sdkModule = twilioSdk();
    client = sdkModule(creds.accountSid, creds.authToken, {
      httpClient: httpClient(creds.apiHost, policy) as unknown as InstanceType<TwilioModule['RequestClient']>,
    });
    clients.set(key, client);
  }
  return client as ReturnType<TwilioModule>;
}

interface RestError {
  status?: number;
  code?: number;
  message?: string;
  retryAfterS?: number;
}

/** A Messaging Service SID: Twilio picks the sender from the service's numbers. */
const MESSAGING_SERVICE = /^MG[0-9a-f]{32}$/i;

/**
 * The status callback URL with the message's clientRef in its query: Twilio has no client
 * reference of its own, and it signs the whole URL, so the receipt carries it verified.
 */
function callbackWithRef(statusUrl: string, clientRef: string | undefined): string {
  if (!clientRef) return statusUrl;
  const url = new URL(statusUrl);
  url.searchParams.set('clientRef', clientRef);
  return url.toString();
}

/** Twilio gives up on a webhook at 15 s (error 11200): answering later is pointless. */
export const ANSWER_WINDOW_MS = 14_000;

/** Answers the webhook that is still open with the reply as TwiML. */
export function replyInAnswer(res: Response, reply: ReplyRequest): void {
  sendTwiml(res, buildTwiml(reply));
}

/** After the webhook was answered (reply window passed, or a second reply), only the REST API can send. */
export function cannotSend(account: SendingAccount | undefined, reply?: ReplyRequest): ReplyError | undefined {
  if (account?.credentials.accountSid && account.credentials.authToken) return undefined;
  if (reply?.template) {
    return new ReplyError(
      `a WhatsApp template (msg.template) cannot go in the TwiML answer, only through Twilio's REST API: add the Account SID and Auth Token to the sms account (${TWILIO_CONSOLE})`,
      { reason: 'template needs SID + token' },
    );
  }
  return new ReplyError(
    'the reply came after Twilio\'s webhook was answered, and there is no account with an Account SID and Auth Token to send it through the REST API: ' +
      `reply sooner (raise "Reply within" on sms in, at most ${ANSWER_WINDOW_MS / 1000} s) or add the Account SID and Auth Token to the sms account (${TWILIO_CONSOLE})`,
    { reason: 'too late for TwiML; no SID + token' },
  );
}

/** Loads the SDK and builds the account's client (its Messages API too), as `sendTwilio` will use them. */
export function prepareTwilio(account: SendingAccount, policy: RetryPolicy): void {
  const { accountSid, authToken } = account.credentials;
  if (!accountSid || !authToken) return;
  void clientFor({ accountSid, authToken, apiHost: account.apiHost }, policy).messages;
}

/** Sends the reply through Twilio's REST API (Messages.create). */
export async function sendTwilio(reply: ReplyRequest, account: SendingAccount, policy: RetryPolicy): Promise<ReplyResult> {
  const { accountSid, authToken } = account.credentials;
  const accountName = account.name;
  if (!accountSid || !authToken) {
    throw new ReplyError(
      `account "${accountName}" has no Account SID and Auth Token, so the reply cannot be sent through Twilio's REST API: add them to the account (${TWILIO_CONSOLE})`,
      { reason: 'account needs SID + token' },
    );
  }
  checkMedia(reply);
  // A template replaces the text and media (Twilio refuses a Body beside a Content SID).
  const content = reply.template
    ? templateFields(reply)
    : { ...(reply.text ? { body: reply.text } : {}), ...(reply.media.length ? { mediaUrl: reply.media } : {}) };
  const client = clientFor({ accountSid, authToken, apiHost: account.apiHost }, policy);
  try {
    const message = await client.messages.create({
      // On WhatsApp, RCS and Messenger, Twilio addresses carry the channel: whatsapp:+1415…
      ...(MESSAGING_SERVICE.test(reply.from) ? { messagingServiceSid: reply.from } : { from: twilioAddress(reply.channel, reply.from) }),
      to: twilioAddress(reply.channel, reply.to),
      ...content,
      ...(reply.statusUrl ? { statusCallback: callbackWithRef(reply.statusUrl, reply.clientRef) } : {}),
    });
    const segments = Number(message.numSegments);
    return { messageId: message.sid, ...(Number.isInteger(segments) && segments > 0 ? { segments } : {}) };
  } catch (err) {
    const e = err as RestError;
    // A status under 300 on an error is no refusal: an answer cut off after its headers
    // (axios, under the SDK's own client, says ERR_BAD_RESPONSE with the 201): outcome unknown.
    if (e.status === undefined || e.status < 300) {
      if (neverSent(err)) {
        throw new ReplyError(`could not reach Twilio for account "${accountName}" (${errorCode(err)}): the message was not sent.`, {
          reason: 'Twilio not reached',
          outcome: 'not-sent',
        });
      }
      // A timeout, or the connection lost after the request went out.
      throw new ReplyError(`no answer from Twilio for account "${accountName}" (${errorCode(err) ?? e.message ?? String(err)}): ${OUTCOME_UNKNOWN}.`, {
        reason: 'Twilio: outcome unknown (no answer)',
        outcome: 'unknown',
      });
    }
    if (e.status >= 500) {
      throw new ReplyError(`Twilio answered HTTP ${e.status} for account "${accountName}" (${e.message}): ${OUTCOME_UNKNOWN}.`, {
        status: e.status,
        reason: `Twilio: outcome unknown (HTTP ${e.status})`,
        outcome: 'unknown',
      });
    }
    if (e.status === 429) {
      throw new ReplyError(`Twilio answered HTTP 429 (too many requests) for account "${accountName}": the message was not sent.`, {
        status: 429,
        reason: 'Twilio: rate limited',
        outcome: 'not-sent',
        retryAfterS: e.retryAfterS,
      });
    }
    const advice = e.code ? ` ${twilioErrorMessage(String(e.code))}` : '';
    const check = e.status === 401 ? ` Check the Account SID and Auth Token of the account (${TWILIO_CONSOLE}).` : '';
    const reason = e.status === 401 ? 'Twilio: credentials refused' : `Twilio refused (${e.code ? `error ${e.code}` : `HTTP ${e.status}`})`;
    throw new ReplyError(
      `Twilio refused the reply for account "${accountName}" (HTTP ${e.status}${e.code ? `, error ${e.code}` : ''}: ${e.message}).${advice}${check}`,
      { status: e.status, reason, ...(e.code ? { code: String(e.code) } : {}) },
    );
  }
}
