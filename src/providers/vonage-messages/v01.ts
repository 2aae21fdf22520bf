import { isPlainObject } from '../../sms/params';

type Json = Record<string, unknown>;

/**
 * The older Messages API webhook shape (v0.1, still chosen per application or per message):
 * `to`/`from` are `{ type, number | id }` and the content sits in `message.content`. Read
 * here into the v1 shape, so one parser serves both; Vonage retries for a day whatever it
 * cannot deliver, so a v0.1 webhook must be understood, not refused.
 */

// v0.1 names the Viber channel `viber_service_msg`; v1 (and replies) call it `viber_service`.
const CHANNEL_NAMES: Readonly<Record<string, string>> = { viber_service_msg: 'viber_service' };

export function isV01(json: Json): boolean {
  return isPlainObject(json.from) || isPlainObject(json.to);
}

function party(value: unknown): { channel?: unknown; address?: unknown } {
  if (!isPlainObject(value)) return {};
  return { channel: value.type, address: value.number ?? value.id };
}

function channelName(value: unknown): unknown {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CHANNEL_NAMES, value) ? CHANNEL_NAMES[value] : value;
}

/** A v0.1 body as the v1 fields the parser reads; the original stays in `raw`. */
export function fromV01(json: Json): Json {
  const from = party(json.from);
  const to = party(json.to);
  const message = isPlainObject(json.message) ? json.message : {};
  const content = isPlainObject(message.content) ? message.content : {};
  const { type, ...kinds } = content;
  const out: Json = {
    ...json,
    ...kinds,
    channel: channelName(from.channel ?? to.channel),
    from: from.address,
    to: to.address,
    message_type: type,
  };
  delete out.message;
  if (isPlainObject(message.sms)) out.sms = message.sms;
  if (isPlainObject(message.whatsapp) && isPlainObject(message.whatsapp.profile)) out.profile = message.whatsapp.profile;
  if (isPlainObject(json.error)) {
    // v0.1 errors are `{ code, reason }`; v1 puts the code in `title` and the sentence in `detail`.
    const { code, reason, ...rest } = json.error;
    out.error = { ...rest, title: code, detail: reason };
  }
  return out;
}

/** Reads either webhook version as v1. */
export function asV1(json: Json): Json {
  return isV01(json) ? fromV01(json) : { ...json, channel: channelName(json.channel) };
}
