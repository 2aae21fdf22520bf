import { randomBytes } from 'node:crypto';
import { FORM_HEADERS, formBody } from '../simulation';
import type { OutgoingWebhook, SigningContext, SimulatedOutcome, SimulatedReceipt, SimulatedText } from '../types';
import { twilioAddress } from './channels';
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

/** The fields Twilio adds on WhatsApp: the prefixed addresses, profile, and a location or list reply. */
function whatsApp(sms: SimulatedText): Record<string, string> {
  if (sms.channel !== 'whatsapp') return {};
  const fields: Record<string, string> = {
    From: twilioAddress('whatsapp', sms.from),
    To: twilioAddress('whatsapp', sms.to),
    ProfileName: 'Simulator',
    WaId: sms.from.replace(/^\+/, ''),
    MessageType: sms.location ? 'location' : sms.choice ? 'interactive' : 'text',
  };
  if (sms.location) {
    Object.assign(fields, { Latitude: String(sms.location.latitude), Longitude: String(sms.location.longitude), Body: '' });
    if (sms.location.name) fields.Label = sms.location.name;
  }
  if (sms.choice) Object.assign(fields, { ListId: sms.choice.id, ListTitle: sms.choice.title, Body: sms.choice.title });
  return fields;
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
      ...whatsApp(sms),
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
