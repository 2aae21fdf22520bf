import type { InboundSms, Params, ProviderId, StatusEvent } from '../sms/types';

export type ProviderSetting = 'auto' | ProviderId;

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

/** What `sms reply` asks a provider to send: the answer to one inbound message. */
export interface ReplyRequest {
  /** The sender of the inbound message, who gets the reply. */
  to: string;
  /** The number the inbound message was sent to, which the reply comes from. */
  from: string;
  text: string;
  media: string[];
  /** Per-message status callback URL, where the provider takes one. */
  statusUrl?: string;
  /** Inbound channel (Messages API replies on the same channel). */
  channel?: string;
}

export interface ReplyResult {
  messageId?: string;
}

/** A send failure worded for the person reading a Catch node. */
export class ReplyError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
// On the prototype, so logs show the message rather than an own `name` property.
ReplyError.prototype.name = 'ReplyError';
