import { toE164 } from './phone';
import type { MediaItem, MessageKind } from './types';

/**
 * Channels beyond SMS (SPEC §3, §11). On some, an address is not a phone number: a Messenger
 * id, a Viber service id, an RCS agent id. Those are kept exactly as sent, never given a `+`.
 */
export type Side = 'person' | 'business';

// Which side of a conversation has a phone number, per channel; unlisted channels: both.
const PHONE_SIDES: Readonly<Record<string, readonly Side[]>> = {
  messenger: [],
  viber_service: ['person'],
  rcs: ['person'],
};

/** Whether that side's address on `channel` is a phone number (not a Messenger or Viber id). */
export function isPhoneSide(channel: string, side: Side): boolean {
  const phones = Object.prototype.hasOwnProperty.call(PHONE_SIDES, channel) ? PHONE_SIDES[channel] : ['person', 'business'];
  return phones.includes(side);
}

/** The address on `channel` as `msg.sms` shows it: E.164 where it is a phone number, else as sent. */
export function addressOn(channel: string, side: Side, value: string): string {
  return isPhoneSide(channel, side) ? toE164(value) : value.trim();
}

export type MediaKind = 'image' | 'audio' | 'video' | 'file';

const EXTENSIONS: Readonly<Record<string, MediaKind>> = {
  jpg: 'image', jpeg: 'image', png: 'image', gif: 'image', webp: 'image', bmp: 'image',
  mp3: 'audio', ogg: 'audio', oga: 'audio', opus: 'audio', amr: 'audio', aac: 'audio', m4a: 'audio', wav: 'audio',
  mp4: 'video', '3gp': 'video', mov: 'video', webm: 'video', mpeg: 'video',
};

/** What a media URL holds, from its MIME type when known, else its file extension; anything else is a file. */
export function mediaKindOf(url: string, contentType?: string): MediaKind {
  const major = contentType?.split('/')[0]?.toLowerCase();
  if (major === 'image' || major === 'audio' || major === 'video') return major;
  if (contentType) return 'file';
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // Not an absolute URL: read it as a path.
  }
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return (ext && EXTENSIONS[ext]) || 'file';
}

/** The message type of a message with media, from its first item, for providers that do not say. */
export function kindOfMedia(media: MediaItem[]): MessageKind {
  if (media.length === 0) return 'text';
  const type = media[0].contentType?.toLowerCase() ?? '';
  if (type.includes('vcard')) return 'vcard';
  return mediaKindOf(media[0].url, media[0].contentType);
}
