import { keywordOf, optOutOf } from '../../sms/keywords';
import { first, isPlainObject, positiveInt } from '../../sms/params';
import { toE164 } from '../../sms/phone';
import { isFinal } from '../../sms/states';
import { fromCarrierTimestamp, fromVonageTimestamp, isoNow } from '../../sms/time';
import { vonageSmsErrorText } from './errors';
import type { ConcatPart, DeliveryState, InboundSms, Params, StatusEvent } from '../../sms/types';
import type { ParseResult, WebhookKind, WebhookRequest } from '../types';

/** Flat string map of the Vonage fields; null prototype so `__proto__` / `toString` are plain keys. */
type Fields = Record<string, string>;

export const DESCRIBE = {
  inbound: 'a Vonage SMS API inbound webhook (msisdn, to, messageId, text)',
  status: 'a Vonage SMS API delivery receipt (messageId, status, err-code)',
};

interface Flat {
  fields: Fields;
  /** The parameters or JSON body exactly as received. */
  raw: unknown;
}

const NOT_FLAT = 'expected a flat JSON object of Vonage SMS API fields';

/** The Vonage fields of a request: query (GET / no body), form, or a flat JSON object. */
export function fieldsOf(req: WebhookRequest): ParseResult<Flat> {
  const fields: Fields = Object.create(null);
  if (req.bodyType === 'json') {
    if (!isPlainObject(req.json)) return { ok: false, error: NOT_FLAT };
    for (const [name, value] of Object.entries(req.json)) {
      // JSON webhooks may carry numbers and booleans where form and query carry strings.
      if (typeof value === 'string') fields[name] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') fields[name] = String(value);
      else if (value !== null) return { ok: false, error: NOT_FLAT };
    }
    return { ok: true, value: { fields, raw: req.json } };
  }
  const params: unknown = req.bodyType === 'form' ? req.form : req.query;
  if (!isPlainObject(params)) return { ok: true, value: { fields, raw: params ?? {} } };
  for (const name of Object.keys(params)) {
    const value = first(params as Params, name);
    if (typeof value === 'string') fields[name] = value;
  }
  return { ok: true, value: { fields, raw: params } };
}

/** A field that is present and not empty. */
function has(fields: Fields, name: string): boolean {
  return typeof fields[name] === 'string' && fields[name] !== '';
}

export function recognizes(req: WebhookRequest, kind: WebhookKind): boolean {
  try {
    const flat = fieldsOf(req);
    if (!flat.ok) return false;
    const f = flat.value.fields;
    if (kind === 'status') return has(f, 'messageId') && has(f, 'status');
    return has(f, 'msisdn') && has(f, 'to') && has(f, 'messageId') && (has(f, 'text') || has(f, 'type')) && !has(f, 'status');
  } catch {
    return false;
  }
}

const WHOLE_NUMBER = /^\d{1,3}$/;

/** The multipart header of one part, or an error sentence; `undefined` for a single SMS. */
function concatOf(f: Fields): ConcatPart | string | undefined {
  if (f.concat?.toLowerCase() !== 'true') return undefined;
  if (!has(f, 'concat-ref')) return 'missing concat-ref';
  const total = WHOLE_NUMBER.test(f['concat-total'] ?? '') ? Number(f['concat-total']) : 0;
  const part = WHOLE_NUMBER.test(f['concat-part'] ?? '') ? Number(f['concat-part']) : 0;
  if (total < 1 || total > 255 || part < 1 || part > total) return 'invalid concat-part / concat-total';
  return { ref: f['concat-ref'], total, part };
}

export function parseInbound(req: WebhookRequest): ParseResult<InboundSms> {
  const flat = fieldsOf(req);
  if (!flat.ok) return flat;
  const f = flat.value.fields;
  for (const name of ['msisdn', 'to', 'messageId']) {
    if (!has(f, name)) return { ok: false, error: `missing ${name}` };
  }
  const concat = concatOf(f);
  if (typeof concat === 'string') return { ok: false, error: concat };

  // Binary messages carry `data` / `udh` instead of text; those stay in raw.
  const text = f.type === 'binary' ? '' : (f.text ?? '');
  const sms: InboundSms = {
    provider: 'vonage-sms',
    messageId: f.messageId,
    from: toE164(f.msisdn),
    to: toE164(f.to),
    text,
    keyword: keywordOf(text),
    media: [],
    segments: concat ? concat.total : positiveInt(f['concat-total'], 1),
    channel: 'sms',
    // A binary SMS (ringtones, WAP push) has no text a flow could read.
    type: f.type === 'binary' ? 'unsupported' : 'text',
    timestamp: fromVonageTimestamp(f['message-timestamp']) ?? isoNow(),
    raw: flat.value.raw,
  };
  const optOut = optOutOf(text);
  if (optOut) sms.optOut = optOut;
  if (concat) sms.concat = concat;
  return { ok: true, value: sms };
}

// SPEC §3 state table.
const STATES: Readonly<Record<string, DeliveryState>> = {
  accepted: 'accepted',
  buffered: 'sending',
  delivered: 'delivered',
  expired: 'undelivered',
  failed: 'failed',
  rejected: 'failed',
  unknown: 'unknown',
};

export function parseStatus(req: WebhookRequest): ParseResult<StatusEvent> {
  const flat = fieldsOf(req);
  if (!flat.ok) return flat;
  const f = flat.value.fields;
  if (!has(f, 'messageId')) return { ok: false, error: 'missing messageId' };
  if (!has(f, 'status')) return { ok: false, error: 'missing status' };

  const key = f.status.toLowerCase();
  const state = Object.prototype.hasOwnProperty.call(STATES, key) ? STATES[key] : 'unknown';
  const event: StatusEvent = {
    provider: 'vonage-sms',
    messageId: f.messageId,
    state,
    final: isFinal(state),
    providerStatus: f.status,
    timestamp: fromCarrierTimestamp(f.scts) ?? fromVonageTimestamp(f['message-timestamp']) ?? isoNow(),
    raw: flat.value.raw,
  };
  // "0" means no error; only a real code is worth a Catch / switch on it.
  if (has(f, 'err-code') && f['err-code'] !== '0') {
    event.errorCode = f['err-code'];
    const text = vonageSmsErrorText(f['err-code']);
    if (text) event.errorMessage = text;
  }
  // In a DLR, msisdn is the recipient and `to` is the sender id we sent from.
  if (has(f, 'msisdn')) event.to = toE164(f.msisdn);
  if (has(f, 'to')) event.from = f.to;
  const price = has(f, 'price') ? Number(f.price) : Number.NaN;
  if (Number.isFinite(price)) event.price = price;
  if (has(f, 'client-ref')) event.clientRef = f['client-ref'];
  return { ok: true, value: event };
}

/** The `api-key` an SMS API webhook names (its account), when it does. */
export function apiKeyOf(raw: unknown): string | undefined {
  const key = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)['api-key'] : undefined;
  return typeof key === 'string' && /^[\w-]{1,64}$/.test(key) ? key : undefined;
}
