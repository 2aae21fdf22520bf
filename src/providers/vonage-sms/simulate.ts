import { randomBytes, randomUUID } from 'node:crypto';
import { keywordOf } from '../../sms/keywords';
import { toVonageNumber } from '../../sms/phone';
import { FORM_HEADERS, formBody, now } from '../simulation';
import type { OutgoingWebhook, SigningContext, SimulatedOutcome, SimulatedReceipt, SimulatedText } from '../types';
import { vonageSmsSignature } from './signature';

/** Provider status and error for each outcome (the SPEC §3 table read backwards). */
const OUTCOMES: Record<SimulatedOutcome, { status: string; error: string }> = {
  delivered: { status: 'delivered', error: '0' },
  undelivered: { status: 'expired', error: '2' },
  failed: { status: 'failed', error: '8' },
};

export function newMessageId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

/** `YYYY-MM-DD HH:MM:SS` UTC, as the Vonage SMS API writes `message-timestamp`. */
function vonageTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** `YYMMDDHHMM` UTC: the carrier timestamp (`scts`) of a Vonage SMS API receipt. */
function scts(date: Date): string {
  return date.toISOString().replace(/[-T:]/g, '').slice(2, 12);
}

/** Form fields, with `timestamp`, `nonce` and `sig` when there is a secret. */
function signedForm(fields: Record<string, string>, ctx: SigningContext): OutgoingWebhook {
  const secret = ctx.secrets.signatureSecret;
  let signed = fields;
  if (secret) {
    const withNonce = { ...fields, timestamp: String(Math.floor(now(ctx).getTime() / 1000)), nonce: randomUUID() };
    const sig = vonageSmsSignature(withNonce, secret, ctx.secrets.signatureMethod);
    if (sig === undefined) throw new Error(`unknown signature method "${ctx.secrets.signatureMethod}"`);
    signed = { ...withNonce, sig };
  }
  return { headers: { ...FORM_HEADERS }, body: formBody(signed) };
}

export function inbound(sms: SimulatedText, ctx: SigningContext): OutgoingWebhook {
  return signedForm(
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

export function receipt(receipt: SimulatedReceipt, ctx: SigningContext): OutgoingWebhook {
  const outcome = OUTCOMES[receipt.outcome];
  const at = now(ctx);
  return signedForm(
    {
      // In a receipt, msisdn is the phone the message went to and `to` the sender.
      msisdn: toVonageNumber(receipt.to),
      to: toVonageNumber(receipt.from),
      'network-code': '00000',
      messageId: receipt.messageId,
      price: '0.00000000',
      status: outcome.status,
      scts: scts(at),
      'err-code': outcome.error,
      'message-timestamp': vonageTimestamp(at),
    },
    ctx,
  );
}
