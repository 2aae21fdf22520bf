import { addressOn, kindOfMedia } from '../../sms/channels';
import type { Choice, InboundSms, MediaItem, MessageKind, Params, SharedLocation } from '../../sms/types';
import { value } from './params';

/**
 * Twilio delivers WhatsApp, RCS and Messenger through the same webhooks as SMS, naming the
 * channel by an address prefix (`whatsapp:+1415…`, `rcs:…`, `messenger:…`); WhatsApp adds
 * its own fields (ProfileName, ButtonPayload, Latitude…).
 */

const PREFIXES: ReadonlySet<string> = new Set(['whatsapp', 'rcs', 'messenger']);
const PREFIX = /^([a-z]+):/i;

function prefixOf(address: string | undefined): string | undefined {
  const prefix = address && PREFIX.exec(address)?.[1]?.toLowerCase();
  return prefix && PREFIXES.has(prefix) ? prefix : undefined;
}

/** The channel a webhook came on: the address prefix, else MMS when it carries media, else SMS. */
export function channelOf(params: Params, hasMedia: boolean): string {
  return (
    prefixOf(value(params, 'From')) ??
    prefixOf(value(params, 'To')) ??
    prefixOf(`${value(params, 'ChannelPrefix') ?? ''}:`) ??
    (hasMedia ? 'mms' : 'sms')
  );
}

function withoutPrefix(address: string): string {
  const prefix = prefixOf(address);
  return prefix ? address.slice(prefix.length + 1) : address;
}

/** `from` (the person) and `to` (the business) without the channel prefix. */
export function inboundAddresses(channel: string, from: string, to: string): { from: string; to: string } {
  return {
    from: addressOn(channel, 'person', withoutPrefix(from)),
    to: addressOn(channel, 'business', withoutPrefix(to)),
  };
}

/** An address as Twilio takes it on `channel`: the prefix restored (`whatsapp:+1415…`). */
export function twilioAddress(channel: string | undefined, address: string): string {
  return channel && PREFIXES.has(channel) && !prefixOf(address) ? `${channel}:${address}` : address;
}

function coordinate(v: string | undefined, limit: number): number | undefined {
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) && Math.abs(n) <= limit ? n : undefined;
}

function locationOf(params: Params): SharedLocation | undefined {
  const latitude = coordinate(value(params, 'Latitude'), 90);
  const longitude = coordinate(value(params, 'Longitude'), 180);
  if (latitude === undefined || longitude === undefined) return undefined;
  const location: SharedLocation = { latitude, longitude };
  const name = value(params, 'Label');
  if (name) location.name = name;
  const address = value(params, 'Address');
  if (address) location.address = address;
  return location;
}

function choiceOf(params: Params): { type: MessageKind; choice: Choice } | undefined {
  // A template's quick-reply button.
  const buttonText = value(params, 'ButtonText');
  const buttonPayload = value(params, 'ButtonPayload');
  if (buttonText !== undefined || buttonPayload !== undefined) {
    return { type: 'button', choice: { id: buttonPayload ?? buttonText ?? '', title: buttonText ?? buttonPayload ?? '' } };
  }
  // An interactive list-picker reply.
  const listId = value(params, 'ListId');
  if (listId !== undefined) {
    const choice: Choice = { id: listId, title: value(params, 'ListTitle') ?? '' };
    const description = value(params, 'ListDescription');
    if (description) choice.description = description;
    return { type: 'reply', choice };
  }
  return undefined;
}

/** What a Twilio webhook carries beyond text: type, location, choice, profile, the quoted message. */
export function whatsAppFields(params: Params, media: MediaItem[]): Partial<InboundSms> {
  const out: Partial<InboundSms> = { type: media.length ? kindOfMedia(media) : 'text' };
  const picked = choiceOf(params);
  if (picked) Object.assign(out, picked);
  const location = locationOf(params);
  if (location) Object.assign(out, { type: 'location', location });
  if (!picked && !location && !media.length && value(params, 'MessageType') === 'unsupported') out.type = 'unsupported';
  const name = value(params, 'ProfileName');
  if (name) out.profile = { name };
  const quoted = value(params, 'OriginalRepliedMessageSid');
  if (quoted) out.inReplyTo = quoted;
  return out;
}
