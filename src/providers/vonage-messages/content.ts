import { isPlainObject } from '../../sms/params';
import type { Choice, MediaItem, MessageKind, Reaction, SharedLocation } from '../../sms/types';

type Json = Record<string, unknown>;

/** What a Messages API inbound message carries, normalized (SPEC §11). */
export interface Carried {
  type: MessageKind;
  text: string;
  media: MediaItem[];
  location?: SharedLocation;
  choice?: Choice;
  reaction?: Reaction;
  content?: unknown;
  profile?: { name: string };
  inReplyTo?: string;
}

// Message kinds that carry one media object (`{url, caption?, name?}`) under their own name.
const MEDIA_KEYS = ['image', 'audio', 'video', 'file', 'vcard', 'sticker'] as const;

const KINDS: ReadonlySet<string> = new Set<MessageKind>([
  'text', 'image', 'audio', 'video', 'file', 'vcard', 'sticker', 'location', 'contacts',
  'reply', 'button', 'reaction', 'order', 'unsupported',
]);

/** A JSON value as text: Vonage sends numbers for some fields (`to`, `error.title`). */
export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function sub(obj: Json, key: string): Json | undefined {
  const value = obj[key];
  return isPlainObject(value) ? value : undefined;
}

function coordinate(value: unknown, limit: number): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() ? Number(value) : NaN;
  return Number.isFinite(n) && Math.abs(n) <= limit ? n : undefined;
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

/** WhatsApp `location {lat, long}` (v1) or `{latitude, longitude}` (v0.1), with name and address. */
function locationOf(json: Json): SharedLocation | undefined {
  const loc = sub(json, 'location');
  if (!loc) return undefined;
  const latitude = coordinate(loc.lat ?? loc.latitude, 90);
  const longitude = coordinate(loc.long ?? loc.longitude, 180);
  if (latitude === undefined || longitude === undefined) return undefined;
  const location: SharedLocation = { latitude, longitude };
  const name = str(loc.name);
  if (name) location.name = name;
  const address = str(loc.address);
  if (address) location.address = address;
  return location;
}

/** An interactive list or button reply (`reply {id, title, description?}`), WhatsApp and RCS. */
function replyChoice(json: Json): Choice | undefined {
  const reply = sub(json, 'reply');
  const id = reply && str(reply.id);
  if (!reply || !id) return undefined;
  const choice: Choice = { id, title: str(reply.title) ?? '' };
  const description = str(reply.description);
  if (description) choice.description = description;
  return choice;
}

/** A template quick-reply button (`button {payload, text}`); a Flow's payload is an object, kept as JSON text. */
function buttonChoice(json: Json): Choice | undefined {
  const button = sub(json, 'button');
  if (!button) return undefined;
  const title = str(button.text) ?? '';
  const payload = button.payload;
  const id = typeof payload === 'string' || typeof payload === 'number' ? String(payload) : isPlainObject(payload) ? JSON.stringify(payload) : title;
  return { id, title };
}

function kindOf(json: Json, media: MediaItem[]): MessageKind {
  const declared = str(json.message_type)?.toLowerCase();
  if (declared === 'contact') return 'contacts';
  if (declared && KINDS.has(declared)) return declared as MessageKind;
  // MMS `content` (several parts), or no type given: what the first part is.
  const first = MEDIA_KEYS.find((key) => json[key] !== undefined);
  if (first) return first;
  if (Array.isArray(json.content)) {
    const part = json.content.find((c) => isPlainObject(c) && str(c.url));
    const type = isPlainObject(part) ? str(part.type) : undefined;
    if (type && KINDS.has(type)) return type as MessageKind;
  }
  if (media.length) return 'file';
  return declared === undefined || declared === 'content' || typeof json.text === 'string' ? 'text' : 'unsupported';
}

function textOf(json: Json, choice: Choice | undefined): string {
  if (typeof json.text === 'string') return json.text;
  // The title of what was picked is what the person "said" (SPEC §11).
  if (choice) return choice.title;
  // An MMS content[] message may carry its text as a part.
  if (Array.isArray(json.content)) {
    const parts = json.content.filter((c) => isPlainObject(c) && c.type === 'text' && typeof c.text === 'string');
    if (parts.length) return parts.map((c) => (c as Json).text as string).join('\n');
  }
  return '';
}

/** Normalizes what a v1-shaped inbound message carries. */
export function carriedBy(json: Json): Carried {
  const media = mediaOf(json);
  const type = kindOf(json, media);
  const choice = type === 'reply' ? replyChoice(json) : type === 'button' ? buttonChoice(json) : undefined;
  const carried: Carried = { type, text: textOf(json, choice), media };
  if (choice) carried.choice = choice;
  const location = type === 'location' ? locationOf(json) : undefined;
  if (location) carried.location = location;
  const context = sub(json, 'context');
  const quoted = context && str(context.message_uuid);
  if (type === 'reaction') {
    const reaction = sub(json, 'reaction');
    // Unreacting sends no emoji: an empty one says the reaction was taken back.
    carried.reaction = { emoji: (reaction && str(reaction.emoji)) ?? '', messageId: quoted ?? '' };
  }
  if (type === 'contacts') carried.content = json.contacts ?? json.contact;
  if (type === 'order') carried.content = json.order;
  const profile = sub(json, 'profile');
  const name = profile && str(profile.name);
  if (name) carried.profile = { name };
  if (quoted) carried.inReplyTo = quoted;
  return carried;
}
