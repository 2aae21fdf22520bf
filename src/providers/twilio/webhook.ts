import { keywordOf, optOutOf } from '../../sms/keywords';
import { first, isPlainObject, positiveInt } from '../../sms/params';
import { isFinal } from '../../sms/states';
import { isoNow } from '../../sms/time';
import { channelOf, inboundAddresses, whatsAppFields } from './channels';
import { value } from './params';
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

function messageSidOf(params: Params): string | undefined {
  return value(params, 'MessageSid') ?? value(params, 'SmsMessageSid') ?? value(params, 'SmsSid');
}

/** Inbound webhooks carry `SmsStatus=received`, so only another SmsStatus means a status callback. */
function statusOf(params: Params): string | undefined {
  const smsStatus = value(params, 'SmsStatus');
  return value(params, 'MessageStatus') ?? (smsStatus !== undefined && smsStatus !== 'received' ? smsStatus : undefined);
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
  const channel = channelOf(params, media.length > 0);
  const addresses = inboundAddresses(channel, from, to);
  const optOutType = value(params, 'OptOutType')?.toUpperCase();
  const optOut =
    optOutType !== undefined && Object.prototype.hasOwnProperty.call(OPT_OUT_TYPES, optOutType)
      ? OPT_OUT_TYPES[optOutType]
      : optOutOf(text);

  const sms: InboundSms = {
    provider: 'twilio',
    messageId,
    ...addresses,
    text,
    keyword: keywordOf(text),
    media,
    segments: positiveInt(value(params, 'NumSegments'), 1),
    channel,
    type: 'text',
    timestamp: isoNow(), // Twilio sends no time with an inbound message.
    raw: params,
  };
  Object.assign(sms, whatsAppFields(params, media));
  if (sms.type !== 'text' && sms.choice) {
    // The title of what was tapped is what the person "said" (SPEC §11), even where Body is empty.
    sms.text = sms.text || sms.choice.title;
    sms.keyword = keywordOf(sms.text);
  }
  // Only what the person typed can be an opt-out word (Twilio's OptOutType always counts).
  if (optOut && (optOutType !== undefined || !sms.choice)) sms.optOut = optOut;
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
    // Twilio sends no time of its own; RawDlrDoneDate is the carrier's local time with no
    // zone, so it stays in raw rather than being presented as UTC.
    timestamp: isoNow(),
    raw: params,
  };
  const errorCode = value(params, 'ErrorCode');
  if (errorCode !== undefined && errorCode !== '0') {
    event.errorCode = errorCode;
    event.errorMessage = twilioErrorMessage(errorCode);
  }
  // A receipt is about a message the business sent: `to` is the person, `from` the business.
  const channel = channelOf(params, false);
  const to = value(params, 'To');
  const from = value(params, 'From');
  const addresses = inboundAddresses(channel, to ?? '', from ?? '');
  if (to) event.to = addresses.from;
  if (from) event.from = addresses.to;
  if (channel !== 'sms') event.channel = channel;
  const segments = value(params, 'NumSegments');
  if (segments !== undefined) event.segments = positiveInt(segments, 1);
  // sms send puts its clientRef in the callback URL's query (Twilio signs the whole URL).
  const clientRef = req.query.clientRef;
  if (typeof clientRef === 'string' && clientRef) event.clientRef = clientRef;
  return { ok: true, value: event };
}

export const DESCRIBE = {
  inbound: 'a Twilio incoming-message webhook (form fields MessageSid, From, To, Body)',
  status: 'a Twilio status callback (form fields MessageSid, MessageStatus)',
};
