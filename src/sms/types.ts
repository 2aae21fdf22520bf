/** Provider ids as used in `msg.sms.provider` and the `provider` setting (SPEC §1). */
export type ProviderId = 'twilio' | 'vonage-sms' | 'vonage-messages';

/** Query or form parameters; a repeated name arrives as an array. */
export type Params = Record<string, string | string[]>;

export interface MediaItem {
  url: string;
  contentType?: string;
  caption?: string;
}

export type OptOut = 'stop' | 'start' | 'help';

/** What an inbound message carries (SPEC §3, §11). */
export type MessageKind =
  | 'text'
  | 'image'
  | 'audio'
  | 'video'
  | 'file'
  | 'vcard'
  | 'sticker'
  | 'location'
  | 'contacts'
  | 'reply'
  | 'button'
  | 'reaction'
  | 'order'
  | 'unsupported';

/** A shared location (`msg.sms.location`). */
export interface SharedLocation {
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
}

/** The option a person picked: an interactive list or button reply, or a template's quick-reply button. */
export interface Choice {
  id: string;
  title: string;
  description?: string;
}

/** An emoji reaction to an earlier message; `emoji` is empty when the reaction was taken back. */
export interface Reaction {
  emoji: string;
  messageId: string;
}

/**
 * A WhatsApp template for an outbound message (`msg.template`, SPEC §8): Twilio takes a
 * Content SID and variables, Vonage a template name, language and parameters, or a whole
 * `custom` WhatsApp message object.
 */
export interface Template {
  contentSid?: string;
  variables?: Record<string, string>;
  name?: string;
  language?: string;
  parameters?: string[];
  custom?: Record<string, unknown>;
}

/** The normalized inbound SMS: `msg.sms` (SPEC §3). */
export interface InboundSms {
  provider: ProviderId;
  messageId: string;
  from: string;
  to: string;
  text: string;
  keyword: string;
  optOut?: OptOut;
  media: MediaItem[];
  segments: number;
  channel: string;
  type: MessageKind;
  location?: SharedLocation;
  choice?: Choice;
  reaction?: Reaction;
  /** Contacts and orders, kept whole as the provider sent them. */
  content?: unknown;
  /** The sender's profile, where the channel gives one (WhatsApp). */
  profile?: { name: string };
  /** The id of the message this one quotes or answers. */
  inReplyTo?: string;
  timestamp: string;
  account?: string;
  /**
   * The provider account named inside a signature that was checked (the Vonage Messages API
   * token's `api_key`); absent when nothing was checked. Names the opt-out list of a message
   * whose body names no account.
   */
  signedBy?: string;
  /** Set on a reassembled multipart message when some parts never arrived. */
  incomplete?: boolean;
  /** True on a message sent from the editor's SMS simulator: sms reply hands its reply back there. */
  simulated?: boolean;
  /** Emitted again at start: it was in the sms store's inbox when Node-RED stopped (SPEC §10). */
  redelivered?: boolean;
  raw: unknown;
  /** One part of a Vonage SMS API multipart message; removed once reassembled. */
  concat?: ConcatPart;
  /** Set by `sms reply`: what was sent back. */
  reply?: {
    provider: ProviderId;
    messageId?: string;
    to: string;
    from: string;
    text: string;
    /** Why no reply went out: answered already (before a crash, or by another node), or the sender is on the opt-out list (SPEC §3, §8). */
    notSent?: 'already-replied' | 'opted-out';
  };
}

export interface ConcatPart {
  ref: string;
  total: number;
  /** 1-based. */
  part: number;
}

export type DeliveryState =
  | 'accepted'
  | 'queued'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'read'
  | 'unknown';

/** The normalized delivery event: `msg.status` (SPEC §3). */
export interface StatusEvent {
  provider: ProviderId;
  messageId: string;
  state: DeliveryState;
  final: boolean;
  providerStatus: string;
  errorCode?: string;
  errorMessage?: string;
  to?: string;
  from?: string;
  timestamp: string;
  price?: number;
  currency?: string;
  segments?: number;
  clientRef?: string;
  /** The channel the message went out on, when the provider says (WhatsApp, RCS, Messenger…). */
  channel?: string;
  account?: string;
  raw: unknown;
}
