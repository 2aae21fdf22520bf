import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { keywordOf } from '../sms/keywords';
import { toVonageNumber } from '../sms/phone';
import type { ProviderId } from '../sms/types';
import type { VerifySecrets } from './types';
import { vonageSmsSignature } from './vonage-sms/webhook';

/**
 * Webhooks exactly as each provider sends them (SPEC §4, §5), signed with the account's
 * secret when it has one: what the SMS simulator posts to an `sms in` / `sms status` node.
 * Pure: no I/O; time and ids come in or are random.
 */

/** One HTTP request to send: always a POST to the node's endpoint. */
export interface OutgoingWebhook {
  headers: Record<string, string>;
  body: string;
}

export interface SimulatedText {
  messageId: string;
  /** Sender, E.164 (`+15551230001`). */
  from: string;
  /** Receiving number, E.164. */
  to: string;
  text: string;
}

export type SimulatedOutcome = 'delivered' | 'undelivered' | 'failed';

export interface SimulatedReceipt {
  /** The id of the reply the receipt is about. */
  messageId: string;
  /** The phone the reply went to, E.164. */
  to: string;
  /** The number the reply came from, E.164. */
  from: string;
  outcome: SimulatedOutcome;
}

export interface SigningContext {
  secrets: VerifySecrets;
  /** Twilio signs the full URL the node rebuilds (public URL + path, or the request's own). */
  url: string;
  /** Twilio `AccountSid` to put in the request (not a secret). */
  accountSid?: string;
  now?: Date;
}

/** A message id in the provider's own shape. */
export function newMessageId(provider: ProviderId): string {
  if (provider === 'twilio') return `SM${randomBytes(16).toString('hex')}`;
  if (provider === 'vonage-sms') return randomBytes(8).toString('hex').toUpperCase();
  return randomUUID();
}

const form = (params: Record<string, string>): OutgoingWebhook['body'] => new URLSearchParams(params).toString();

// Twilio's signature through its own SDK, loaded only when a simulated request is signed.
type TwilioSigner = { getExpectedTwilioSignature(token: string, url: string, params: Record<string, string>): string };
let twilioSdk: TwilioSigner | undefined;
function twilioSignature(token: string, url: string, params: Record<string, string>): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  twilioSdk ??= require('twilio') as TwilioSigner;
  return twilioSdk.getExpectedTwilioSignature(token, url, params);
}

function twilioForm(params: Record<string, string>, ctx: SigningContext): OutgoingWebhook {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (ctx.secrets.authToken) headers['x-twilio-signature'] = twilioSignature(ctx.secrets.authToken, ctx.url, params);
  return { headers, body: form(params) };
}

/** Vonage SMS API: form fields, with `timestamp`, `nonce` and `sig` when there is a secret. */
function vonageSmsForm(fields: Record<string, string>, ctx: SigningContext): OutgoingWebhook {
  const secret = ctx.secrets.signatureSecret;
  let signed = fields;
  if (secret) {
    const withNonce = { ...fields, timestamp: String(Math.floor(now(ctx).getTime() / 1000)), nonce: randomUUID() };
    const sig = vonageSmsSignature(withNonce, secret, ctx.secrets.signatureMethod);
    if (sig === undefined) throw new Error(`unknown signature method "${ctx.secrets.signatureMethod}"`);
    signed = { ...withNonce, sig };
  }
  return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(signed) };
}

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** Vonage Messages API: JSON, `Authorization: Bearer` HS256 JWT with the body's payload_hash. */
function vonageMessagesJson(json: Record<string, unknown>, ctx: SigningContext): OutgoingWebhook {
  const body = JSON.stringify(json);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const secret = ctx.secrets.signatureSecret;
  if (secret) {
    const iat = Math.floor(now(ctx).getTime() / 1000);
    const claims = {
      iat,
      exp: iat + 300,
      jti: randomUUID(),
      iss: 'Vonage',
      payload_hash: createHash('sha256').update(body).digest('hex'),
    };
    const unsigned = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
    const signature = createHmac('sha256', secret).update(unsigned).digest('base64url');
    headers.authorization = `Bearer ${unsigned}.${signature}`;
  }
  return { headers, body };
}

function now(ctx: SigningContext): Date {
  return ctx.now ?? new Date();
}

/** `YYYY-MM-DD HH:MM:SS` UTC, as the Vonage SMS API writes `message-timestamp`. */
function vonageTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** `YYMMDDHHMM` UTC: the carrier timestamp (`scts`) of a Vonage SMS API receipt. */
function scts(date: Date): string {
  return date.toISOString().replace(/[-T:]/g, '').slice(2, 12);
}

const TWILIO_ACCOUNT = `AC${'0'.repeat(32)}`;

export function buildInbound(provider: ProviderId, sms: SimulatedText, ctx: SigningContext): OutgoingWebhook {
  if (provider === 'twilio') {
    return twilioForm(
      {
        ToCountry: 'US',
        SmsMessageSid: sms.messageId,
        NumMedia: '0',
        SmsSid: sms.messageId,
        SmsStatus: 'received',
        Body: sms.text,
        To: sms.to,
        NumSegments: '1',
        MessageSid: sms.messageId,
        AccountSid: ctx.accountSid || TWILIO_ACCOUNT,
        From: sms.from,
        ApiVersion: '2010-04-01',
      },
      ctx,
    );
  }
  if (provider === 'vonage-sms') {
    return vonageSmsForm(
      {
        msisdn: toVonageNumber(sms.from),
        to: toVonageNumber(sms.to),
        messageId: sms.messageId,
        text: sms.text,
        type: 'text',
        keyword: keywordOf(sms.text),
        'message-timestamp': vonageTimestamp(now(ctx)),
      },
      ctx,
    );
  }
  return vonageMessagesJson(
    {
      channel: 'sms',
      message_uuid: sms.messageId,
      to: toVonageNumber(sms.to),
      from: toVonageNumber(sms.from),
      timestamp: now(ctx).toISOString().replace(/\.\d+Z$/, 'Z'),
      text: sms.text,
      message_type: 'text',
      sms: { num_messages: '1' },
    },
    ctx,
  );
}

/** Provider status and error for each outcome, per provider (the SPEC §3 table read backwards). */
const OUTCOMES: Record<ProviderId, Record<SimulatedOutcome, { status: string; error?: string }>> = {
  twilio: {
    delivered: { status: 'delivered' },
    undelivered: { status: 'undelivered', error: '30003' },
    failed: { status: 'failed', error: '30008' },
  },
  'vonage-sms': {
    delivered: { status: 'delivered', error: '0' },
    undelivered: { status: 'expired', error: '2' },
    failed: { status: 'failed', error: '8' },
  },
  'vonage-messages': {
    delivered: { status: 'delivered' },
    undelivered: { status: 'undeliverable', error: '1320' },
    failed: { status: 'rejected', error: '1240' },
  },
};

export function buildReceipt(provider: ProviderId, receipt: SimulatedReceipt, ctx: SigningContext): OutgoingWebhook {
  const outcome = OUTCOMES[provider][receipt.outcome];
  if (provider === 'twilio') {
    return twilioForm(
      {
        SmsSid: receipt.messageId,
        SmsStatus: outcome.status,
        MessageStatus: outcome.status,
        To: receipt.to,
        MessageSid: receipt.messageId,
        AccountSid: ctx.accountSid || TWILIO_ACCOUNT,
        From: receipt.from,
        ApiVersion: '2010-04-01',
        ...(outcome.error ? { ErrorCode: outcome.error } : {}),
      },
      ctx,
    );
  }
  if (provider === 'vonage-sms') {
    const at = now(ctx);
    return vonageSmsForm(
      {
        // In a receipt, msisdn is the phone the message went to and `to` the sender.
        msisdn: toVonageNumber(receipt.to),
        to: toVonageNumber(receipt.from),
        'network-code': '00000',
        messageId: receipt.messageId,
        price: '0.00000000',
        status: outcome.status,
        scts: scts(at),
        'err-code': outcome.error ?? '0',
        'message-timestamp': vonageTimestamp(at),
      },
      ctx,
    );
  }
  return vonageMessagesJson(
    {
      message_uuid: receipt.messageId,
      to: toVonageNumber(receipt.to),
      from: toVonageNumber(receipt.from),
      timestamp: now(ctx).toISOString().replace(/\.\d+Z$/, 'Z'),
      status: outcome.status,
      channel: 'sms',
      ...(outcome.error ? { error: { title: outcome.error, detail: `simulated ${receipt.outcome}` } } : {}),
    },
    ctx,
  );
}
