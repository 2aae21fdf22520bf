import { randomBytes } from 'node:crypto';
import { FORM_HEADERS, formBody } from '../simulation';
import type { OutgoingWebhook, SigningContext, SimulatedOutcome, SimulatedReceipt, SimulatedText } from '../types';
import { sign } from './signature';

const TWILIO_ACCOUNT = `AC${'0'.repeat(32)}`;

/** Provider status and error for each outcome (the SPEC §3 table read backwards). */
const OUTCOMES: Record<SimulatedOutcome, { status: string; error?: string }> = {
  delivered: { status: 'delivered' },
  undelivered: { status: 'undelivered', error: '30003' },
  failed: { status: 'failed', error: '30008' },
};

export function newMessageId(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

function signedForm(params: Record<string, string>, ctx: SigningContext): OutgoingWebhook {
  const headers: Record<string, string> = { ...FORM_HEADERS };
  if (ctx.secrets.authToken) headers['x-twilio-signature'] = sign(ctx.secrets.authToken, ctx.url, params);
  return { headers, body: formBody(params) };
}

export function inbound(sms: SimulatedText, ctx: SigningContext): OutgoingWebhook {
  return signedForm(
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
      AccountSid: ctx.credentials?.accountSid?.trim() || TWILIO_ACCOUNT,
      From: sms.from,
      ApiVersion: '2010-04-01',
    },
    ctx,
  );
}

export function receipt(receipt: SimulatedReceipt, ctx: SigningContext): OutgoingWebhook {
  const outcome = OUTCOMES[receipt.outcome];
  return signedForm(
    {
      SmsSid: receipt.messageId,
      SmsStatus: outcome.status,
      MessageStatus: outcome.status,
      To: receipt.to,
      MessageSid: receipt.messageId,
      AccountSid: ctx.credentials?.accountSid?.trim() || TWILIO_ACCOUNT,
      From: receipt.from,
      ApiVersion: '2010-04-01',
      ...(outcome.error ? { ErrorCode: outcome.error } : {}),
    },
    ctx,
  );
}
