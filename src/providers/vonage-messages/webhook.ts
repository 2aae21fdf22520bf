import type { DeliveryState, InboundSms, StatusEvent } from '../../sms/types';
import type { ParseResult, ProviderModule, WebhookRequest } from '../types';
import { addressOn } from '../../sms/channels';
import { keywordOf, optOutOf } from '../../sms/keywords';
import { isPlainObject, positiveInt } from '../../sms/params';
import { isFinal } from '../../sms/states';
import { isoNow, toIso } from '../../sms/time';
import { carriedBy, str } from './content';
import { messagesErrorMessage } from './errors';
import { asV1 } from './v01';

type Json = Record<string, unknown>;

const NOT_JSON = 'invalid JSON: the Vonage Messages API sends a JSON body';

// SPEC §3 state table; anything else Vonage may add becomes `unknown`.
const STATES: Record<string, DeliveryState> = {
  submitted: 'sent',
  delivered: 'delivered',
  rejected: 'failed',
  undeliverable: 'undelivered',
  read: 'read',
};

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function count(value: unknown): number | undefined {
  const n = positiveInt(typeof value === 'number' || typeof value === 'string' ? value : undefined, 0);
  return n || undefined;
}

/** The body in the v1 shape (a v0.1 body is read into it), or undefined when it is not a JSON object. */
function body(req: WebhookRequest): Json | undefined {
  return isPlainObject(req?.json) ? asV1(req.json) : undefined;
}

function sub(obj: Json, key: string): Json {
  const value = obj[key];
  return isPlainObject(value) ? value : {};
}

export const DESCRIBE = {
  inbound: 'a Vonage Messages API inbound webhook (JSON with message_uuid, from, to, channel)',
  status: 'a Vonage Messages API status webhook (JSON with message_uuid, status)',
};

/** Parsing of Messages API webhooks (v1 and v0.1); `verify` is in jwt.ts, beside the signing. */
export const webhook: Pick<ProviderModule, 'recognizes' | 'parseInbound' | 'parseStatus'> = {
  recognizes(req, kind) {
    const json = body(req);
    if (!json || !present(json.message_uuid)) return false;
    if (kind === 'status') return present(json.status);
    return present(json.channel) && (present(json.message_type) || present(json.text)) && !present(json.status);
  },

  parseInbound(req): ParseResult<InboundSms> {
    const json = body(req);
    if (!json) return { ok: false, error: NOT_JSON };
    const messageId = str(json.message_uuid);
    if (!messageId) return { ok: false, error: 'missing message_uuid' };
    const from = str(json.from);
    if (!from) return { ok: false, error: 'missing from' };
    const to = str(json.to);
    if (!to) return { ok: false, error: 'missing to' };
    const channel = str(json.channel) ?? 'sms';
    const carried = carriedBy(json);
    const value: InboundSms = {
      provider: 'vonage-messages',
      messageId,
      from: addressOn(channel, 'person', from),
      to: addressOn(channel, 'business', to),
      text: carried.text,
      keyword: keywordOf(carried.text),
      media: carried.media,
      segments: count(sub(json, 'sms').num_messages) ?? 1,
      channel,
      type: carried.type,
      timestamp: toIso(str(json.timestamp)) ?? isoNow(),
      raw: req.json,
    };
    for (const key of ['location', 'choice', 'reaction', 'content', 'profile', 'inReplyTo'] as const) {
      if (carried[key] !== undefined) Object.assign(value, { [key]: carried[key] });
    }
    // Only what the person typed can be an opt-out word, not the title of a button they tapped.
    const optOut = carried.choice ? undefined : optOutOf(carried.text);
    if (optOut) value.optOut = optOut;
    return { ok: true, value };
  },

  parseStatus(req): ParseResult<StatusEvent> {
    const json = body(req);
    if (!json) return { ok: false, error: NOT_JSON };
    const messageId = str(json.message_uuid);
    if (!messageId) return { ok: false, error: 'missing message_uuid' };
    const providerStatus = str(json.status);
    if (!providerStatus) return { ok: false, error: 'missing status' };
    const key = providerStatus.toLowerCase();
    const state = Object.prototype.hasOwnProperty.call(STATES, key) ? STATES[key] : 'unknown';
    const error = sub(json, 'error');
    const usage = sub(json, 'usage');
    const price = str(usage.price) === undefined ? NaN : Number(usage.price);
    const channel = str(json.channel);
    const to = str(json.to);
    const from = str(json.from);
    const errorCode = str(error.title);
    const event: StatusEvent = {
      provider: 'vonage-messages',
      messageId,
      state,
      final: isFinal(state),
      providerStatus,
      timestamp: toIso(str(json.timestamp)) ?? isoNow(),
      raw: req.json,
    };
    // Optional fields are left out rather than set to undefined, so the debug sidebar stays clean.
    const optional: Partial<StatusEvent> = {
      // Vonage puts the numeric error code in `title` (e.g. 1320) and the sentence in `detail`.
      errorCode,
      errorMessage: messagesErrorMessage(errorCode, str(error.detail)),
      // A receipt is about a message the business sent: `to` is the person, `from` the business.
      to: to && addressOn(channel ?? 'sms', 'person', to),
      from: from && addressOn(channel ?? 'sms', 'business', from),
      price: Number.isFinite(price) ? price : undefined,
      currency: str(usage.currency),
      segments: count(sub(json, 'sms').count_total),
      clientRef: str(json.client_ref),
      channel,
    };
    for (const [k, v] of Object.entries(optional)) {
      if (v !== undefined) Object.assign(event, { [k]: v });
    }
    return { ok: true, value: event };
  },
};
