import { keywordOf, optOutOf } from '../../sms/keywords';
import { first, isPlainObject, positiveInt } from '../../sms/params';
import { toE164 } from '../../sms/phone';
import { isFinal } from '../../sms/states';
import { fromCarrierTimestamp, isoNow } from '../../sms/time';
import { twilioErrorMessage } from './errors';
import type { DeliveryState, InboundSms, MediaItem, OptOut, Params, StatusEvent } from '../../sms/types';
import type { ParseResult, WebhookKind, WebhookRequest } from '../types';

/** SPEC §3 state table. */
const STATES: Readonly<Record<string, DeliveryState>> = {
  accepted: 'accepted',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'sending',
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  read: 'read',
  canceled: 'failed',
  partially_delivered: 'undelivered',
};

const OPT_OUT_TYPES: Readonly<Record<string, OptOut>> = { STOP: 'stop', START: 'start', HELP: 'help' };

/** Twilio signs the form body of a POST; GET webhooks carry everything in the query. */
export function paramsOf(req: WebhookRequest): Params {
  const source = req.method?.toUpperCase() === 'POST' ? req.form : req.query;
  return isPlainObject(source) ? (source as Params) : {};
}

/** A non-empty parameter value (first one when repeated), else undefined. */
function value(params: Params, name: string): string | undefined {
  const v = first(params, name);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function messageSidOf(params: Params): string | undefined {
  return value(params, 'MessageSid') ?? value(params, 'SmsMessageSid') ?? value(params, 'SmsSid');
}

/** Inbound webhooks carry `SmsStatus=received`, so only another SmsStatus means a status callback. */
function statusOf(params: Params): string | undefined {
  const smsStatus = value(params, 'SmsStatus');
  return value(params, 'MessageStatus') ?? (smsStatus !== undefined && smsStatus !== 'received' ? smsStatus : undefined);
}

/** Plain numbers become E.164; `whatsapp:+1…`, short codes and sender names stay as sent. */
function address(v: string): string {
  return /^\+?\d+$/.test(v) ? toE164(v) : v;
}

function mediaOf(params: Params): MediaItem[] {
  // Walk the MediaUrlN keys actually present rather than trusting NumMedia (a client could
  // send NumMedia=1e9); Twilio numbers them from 0.
  const indexes = Object.keys(params)
    .map((k) => /^MediaUrl(\d{1,3})$/.exec(k)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const media: MediaItem[] = [];
  for (const i of indexes) {
    const url = value(params, `MediaUrl${i}`);
    if (!url) continue;
    const contentType = value(params, `MediaContentType${i}`);
    media.push(contentType ? { url, contentType } : { url });
  }
  return media;
}

export function recognizes(req: WebhookRequest, kind: WebhookKind): boolean {
  try {
    const params = paramsOf(req);
    // The status field is what tells a delivery event from an inbound message.
    const status = statusOf(params) !== undefined;
    if (status !== (kind === 'status')) return false;
    // An AC… AccountSid is Twilio even when other fields are missing (Vonage never sends one):
    // claiming the request lets parse answer with the precise "missing …" sentence.
    if (value(params, 'AccountSid')?.startsWith('AC')) return true;
    if (messageSidOf(params) === undefined) return false;
    return kind === 'status' || value(params, 'From') !== undefined;
  } catch {
    return false;
  }
}

export function parseInbound(req: WebhookRequest): ParseResult<InboundSms> {
  const params = paramsOf(req);
  const messageId = messageSidOf(params);
  if (!messageId) return { ok: false, error: 'missing MessageSid' };
  const from = value(params, 'From');
  if (!from) return { ok: false, error: 'missing From' };
  const to = value(params, 'To');
  if (!to) return { ok: false, error: 'missing To' };

  const text = first(params, 'Body') ?? '';
  const media = mediaOf(params);
  // Non-SMS Twilio channels prefix the address: whatsapp:+1…, messenger:…, rcs:…
  const prefixed = /^([a-z]+):/i.exec(from)?.[1]?.toLowerCase();
  const optOutType = value(params, 'OptOutType')?.toUpperCase();
  const optOut =
    optOutType !== undefined && Object.prototype.hasOwnProperty.call(OPT_OUT_TYPES, optOutType)
      ? OPT_OUT_TYPES[optOutType]
      : optOutOf(text);

  const sms: InboundSms = {
    provider: 'twilio',
    messageId,
    from: address(from),
    to: address(to),
    text,
    keyword: keywordOf(text),
    media,
    segments: positiveInt(value(params, 'NumSegments'), 1),
    channel: prefixed ?? (media.length > 0 ? 'mms' : 'sms'),
    timestamp: isoNow(), // Twilio sends no time with an inbound message.
    raw: params,
  };
  if (optOut) sms.optOut = optOut;
  return { ok: true, value: sms };
}

export function parseStatus(req: WebhookRequest): ParseResult<StatusEvent> {
  const params = paramsOf(req);
  const messageId = messageSidOf(params);
  if (!messageId) return { ok: false, error: 'missing MessageSid' };
  const providerStatus = statusOf(params);
  if (!providerStatus) return { ok: false, error: 'missing MessageStatus' };

  const key = providerStatus.toLowerCase();
  const state: DeliveryState = Object.prototype.hasOwnProperty.call(STATES, key) ? STATES[key] : 'unknown';
  const event: StatusEvent = {
    provider: 'twilio',
    messageId,
    state,
    final: isFinal(state),
    providerStatus,
    timestamp: fromCarrierTimestamp(value(params, 'RawDlrDoneDate')) ?? isoNow(),
    raw: params,
  };
  const errorCode = value(params, 'ErrorCode');
  if (errorCode !== undefined && errorCode !== '0') {
    event.errorCode = errorCode;
    event.errorMessage = twilioErrorMessage(errorCode);
  }
  const to = value(params, 'To');
  if (to) event.to = address(to);
  const from = value(params, 'From');
  if (from) event.from = address(from);
  const segments = value(params, 'NumSegments');
  if (segments !== undefined) event.segments = positiveInt(segments, 1);
  return { ok: true, value: event };
}

export const DESCRIBE = {
  inbound: 'a Twilio incoming-message webhook (form fields MessageSid, From, To, Body)',
  status: 'a Twilio status callback (form fields MessageSid, MessageStatus)',
};
