import type { DeliveryState, InboundSms, MediaItem, StatusEvent } from '../../sms/types';
import type { ParseResult, ProviderModule, WebhookRequest } from '../types';
import { keywordOf, optOutOf } from '../../sms/keywords';
import { isPlainObject, positiveInt } from '../../sms/params';
import { toE164 } from '../../sms/phone';
import { isFinal } from '../../sms/states';
import { isoNow, toIso } from '../../sms/time';

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

// Message kinds that carry one media object (`{url, caption?}`) under their own name.
const MEDIA_KEYS = ['image', 'audio', 'video', 'file', 'vcard', 'sticker'];

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** A JSON value as text: Vonage sends numbers for some fields (`to`, `error.title`). */
function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function count(value: unknown): number | undefined {
  const n = positiveInt(typeof value === 'number' || typeof value === 'string' ? value : undefined, 0);
  return n || undefined;
}

function body(req: WebhookRequest): Json | undefined {
  return isPlainObject(req?.json) ? req.json : undefined;
}

function sub(obj: Json, key: string): Json {
  const value = obj[key];
  return isPlainObject(value) ? value : {};
}

function mediaItem(value: unknown): MediaItem | undefined {
  if (!isPlainObject(value)) return undefined;
  const url = str(value.url);
  if (!url) return undefined;
  const item: MediaItem = { url };
  // Vonage names kinds (`image`), not MIME types; only keep a real MIME type, never invent one.
  const contentType = str(value.type);
  if (contentType?.includes('/')) item.contentType = contentType;
  const caption = str(value.caption);
  if (caption) item.caption = caption;
  return item;
}

function mediaOf(json: Json): MediaItem[] {
  const found: (MediaItem | undefined)[] = MEDIA_KEYS.map((key) => mediaItem(json[key]));
  if (Array.isArray(json.content)) found.push(...json.content.map(mediaItem));
  const seen = new Set<string>();
  return found.filter((m): m is MediaItem => !!m && !seen.has(m.url) && !!seen.add(m.url));
}

export const DESCRIBE = {
  inbound: 'a Vonage Messages API inbound webhook (JSON with message_uuid, from, to, channel)',
  status: 'a Vonage Messages API status webhook (JSON with message_uuid, status)',
};

/** Parsing of Messages API webhooks; `verify` is in jwt.ts, beside the signing. */
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
    // An image caption is the media's, not the message text (SPEC §3: payload is the text).
    const text = typeof json.text === 'string' ? json.text : '';
    const value: InboundSms = {
      provider: 'vonage-messages',
      messageId,
      from: toE164(from),
      to: toE164(to),
      text,
      keyword: keywordOf(text),
      media: mediaOf(json),
      segments: count(sub(json, 'sms').num_messages) ?? 1,
      channel: str(json.channel) ?? 'sms',
      timestamp: toIso(str(json.timestamp)) ?? isoNow(),
      raw: req.json,
    };
    const optOut = optOutOf(text);
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
    const to = str(json.to);
    const from = str(json.from);
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
      errorCode: str(error.title),
      errorMessage: str(error.detail) ?? str(error.title),
      to: to && toE164(to),
      from: from && toE164(from),
      price: Number.isFinite(price) ? price : undefined,
      currency: str(usage.currency),
      segments: count(sub(json, 'sms').count_total),
      clientRef: str(json.client_ref),
    };
    for (const [k, v] of Object.entries(optional)) {
      if (v !== undefined) Object.assign(event, { [k]: v });
    }
    return { ok: true, value: event };
  },
};
