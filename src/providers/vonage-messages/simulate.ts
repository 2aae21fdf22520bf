import { randomUUID } from 'node:crypto';
import { toVonageNumber } from '../../sms/phone';
import { isoSeconds, now } from '../simulation';
import type { OutgoingWebhook, SigningContext, SimulatedOutcome, SimulatedReceipt, SimulatedText } from '../types';
import { sign } from './jwt';

/** Provider status and error for each outcome (the SPEC §3 table read backwards). */
const OUTCOMES: Record<SimulatedOutcome, { status: string; error?: string }> = {
  delivered: { status: 'delivered' },
  undelivered: { status: 'undeliverable', error: '1320' },
  failed: { status: 'rejected', error: '1240' },
};

export function newMessageId(): string {
  return randomUUID();
}

/**
 * JSON, with `Authorization: Bearer` HS256 JWT carrying the body's payload_hash when there is
 * a secret, and the account's API key as Vonage's tokens do (so a simulated message's
 * msg.sms.signedBy is what a real one shows).
 */
function signedJson(json: Record<string, unknown>, ctx: SigningContext): OutgoingWebhook {
  const body = JSON.stringify(json);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const secret = ctx.secrets.signatureSecret;
  const apiKey = ctx.credentials?.apiKey?.trim() || undefined;
  if (secret) headers.authorization = sign(body, secret, Math.floor(now(ctx).getTime() / 1000), apiKey);
  return { headers, body };
}

/** What a simulated WhatsApp message carries: text, a location or an interactive list reply. */
function whatsAppContent(sms: SimulatedText): Record<string, unknown> {
  const common = { profile: { name: 'Simulator' }, context_status: 'none' };
  if (sms.location) {
    const { latitude, longitude, name } = sms.location;
    return { ...common, message_type: 'location', location: { lat: latitude, long: longitude, ...(name ? { name } : {}) } };
  }
  if (sms.choice) return { ...common, message_type: 'reply', reply: { id: sms.choice.id, title: sms.choice.title } };
  return { ...common, message_type: 'text', text: sms.text };
}

export function inbound(sms: SimulatedText, ctx: SigningContext): OutgoingWebhook {
  const whatsapp = sms.channel === 'whatsapp';
  return signedJson(
    {
      channel: whatsapp ? 'whatsapp' : 'sms',
      message_uuid: sms.messageId,
      to: toVonageNumber(sms.to),
      from: toVonageNumber(sms.from),
      timestamp: isoSeconds(now(ctx)),
      ...(whatsapp ? whatsAppContent(sms) : { text: sms.text, message_type: 'text', sms: { num_messages: '1' } }),
    },
    ctx,
  );
}

export function receipt(receipt: SimulatedReceipt, ctx: SigningContext): OutgoingWebhook {
  const outcome = OUTCOMES[receipt.outcome];
  return signedJson(
    {
      message_uuid: receipt.messageId,
      to: toVonageNumber(receipt.to),
      from: toVonageNumber(receipt.from),
      timestamp: isoSeconds(now(ctx)),
      status: outcome.status,
      channel: 'sms',
      ...(outcome.error ? { error: { title: outcome.error, detail: `simulated ${receipt.outcome}` } } : {}),
    },
    ctx,
  );
}
