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
  timestamp: string;
  account?: string;
  /** Set on a reassembled multipart message when some parts never arrived. */
  incomplete?: boolean;
  /** True on a message sent from the editor's SMS simulator: sms reply hands its reply back there. */
  simulated?: boolean;
  raw: unknown;
  /** One part of a Vonage SMS API multipart message; removed once reassembled. */
  concat?: ConcatPart;
  /** Set by `sms reply`: what was sent back. */
  reply?: { provider: ProviderId; messageId?: string; to: string; from: string; text: string };
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
  account?: string;
  raw: unknown;
}
