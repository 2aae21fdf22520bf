/** Provider ids as used in `msg.sms.provider` and the `provider` setting (SPEC §1). */
export type ProviderId = 'twilio' | 'vonage-sms' | 'vonage-messages';
export type ProviderSetting = 'auto' | ProviderId;

/** Query or form parameters; a repeated name arrives as an array. */
export type Params = Record<string, string | string[]>;

/**
 * A webhook request reduced to plain data, so provider modules stay pure and testable
 * without Express.
 */
export interface WebhookRequest {
  method: string;
  /** The full URL the provider called (scheme, host, path, query): what Twilio signs. */
  url: string;
  /** Header names lower-cased. */
  headers: Record<string, string | undefined>;
  query: Params;
  /** `form`: urlencoded params; `json`: parsed JSON; `none`: no body (GET or empty POST). */
  bodyType: 'form' | 'json' | 'none';
  form: Params;
  json: unknown;
  /** The body bytes exactly as received (empty when there was none). */
  rawBody: Buffer;
}

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

/** Secrets a provider module may need to check a signature; from the account's credentials. */
export interface VerifySecrets {
  /** Twilio auth token. */
  authToken?: string;
  /** Vonage signature secret (SMS API `sig` and Messages API JWT). */
  signatureSecret?: string;
  /** Vonage SMS API: `md5hash` | `md5` | `sha1` | `sha256` | `sha512`. */
  signatureMethod?: string;
}

/**
 * `checked: false` means no secret was available, so nothing was verified
 * (the node shows "unverified"). `ok: false` answers 403 with `reason`.
 */
export interface VerifyResult {
  checked: boolean;
  ok: boolean;
  reason?: string;
}

/** A parse failure carries a plain sentence for the 400 answer. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export type WebhookKind = 'inbound' | 'status';

export interface ProviderModule {
  id: ProviderId;
  /** Cheap check on the shape of the request, used by `provider: auto`. */
  recognizes(req: WebhookRequest, kind: WebhookKind): boolean;
  parseInbound(req: WebhookRequest): ParseResult<InboundSms>;
  parseStatus(req: WebhookRequest): ParseResult<StatusEvent>;
  verify(req: WebhookRequest, secrets: VerifySecrets): VerifyResult;
}
