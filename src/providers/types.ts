import type { Response } from 'express';
import type { Choice, InboundSms, Params, ProviderId, SharedLocation, StatusEvent, Template } from '../sms/types';
import type { RetryPolicy } from './retry';

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
  /** The request carried no signature at all, rather than a wrong one. */
  unsigned?: boolean;
  /** The URL the signature covers, where the provider signs the URL (Twilio): named in the node's warning. */
  signedUrl?: string;
  /** The provider account a checked signature names (the Messages API token's `api_key` claim). */
  signer?: string;
}

/** The time a provider put inside what it signed, for the replay window (SPEC §4). */
export interface SignedTime {
  /** What holds it, for the 403 sentence: `timestamp parameter`, `token iat (issued at)`. */
  what: string;
  /** Epoch ms; undefined when the signed request carries none. */
  atMs?: number;
}

/** A parse failure carries a plain sentence for the 400 answer. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export type WebhookKind = 'inbound' | 'status';

/**
 * A kind of `sms account` (its `provider` setting): whatever the providers name in their
 * `account` member; each kind vouches for one or more providers.
 */
export type AccountKind = string;

/** Credentials of an `sms account` (SPEC §2), held in Node-RED's credential store. */
export interface AccountCredentials {
  accountSid?: string;
  authToken?: string;
  apiKey?: string;
  apiSecret?: string;
  applicationId?: string;
  privateKey?: string;
  signatureSecret?: string;
}

/** What a provider needs of an account to send a reply through its API. */
export interface SendingAccount {
  /** The account's name (or id), for error messages. */
  name: string;
  credentials: AccountCredentials;
  /** Another API host (a regional one, or a local fake in tests). */
  apiHost?: string;
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
  /** Inbound channel: the reply goes out on the same one (`whatsapp`, `rcs`, `messenger`…). */
  channel?: string;
  /** A WhatsApp template (`msg.template`) to send instead of free-form text. */
  template?: Template;
  /** Carried to the receipts of this message (`msg.status.clientRef`), where the provider takes one. */
  clientRef?: string;
}

export interface ReplyResult {
  messageId?: string;
  /** Parts the provider says it sent, when it says. */
  segments?: number;
}

/** What a failed send says about the message (SPEC §3 resend rule). */
export type SendOutcome =
  /** The provider surely did not take it: a 429, or no connection made. May be sent again. */
  | 'not-sent'
  /** The provider refused it (4xx, or a local check): sending it again changes nothing. */
  | 'refused'
  /** A 5xx, a timeout, a connection lost after the request went out: it may have gone. */
  | 'unknown';

/** A send failure worded for the person reading a Catch node. */
export class ReplyError extends Error {
  /** HTTP status the provider answered with, when it answered. */
  readonly status?: number;
  /** The cause in a few words, for the node status under the node. */
  readonly reason: string;
  /** The provider's own error code, when it gave one (Twilio `21610`, Vonage SMS status `7`). */
  readonly code?: string;
  /** What became of the message; `refused` unless the provider module says otherwise. */
  readonly outcome: SendOutcome;
  /** Seconds the provider asked to wait before the next request (Retry-After of a 429). */
  readonly retryAfterS?: number;

  constructor(
    message: string,
    { status, reason, code, outcome, retryAfterS }: { status?: number; reason: string; code?: string; outcome?: SendOutcome; retryAfterS?: number },
  ) {
    super(message);
    this.status = status;
    this.reason = reason;
    if (code !== undefined) this.code = code;
    this.outcome = outcome ?? 'refused';
    if (retryAfterS !== undefined) this.retryAfterS = retryAfterS;
  }

  /**
   * The provider may have sent the message (a 5xx, a timeout, a connection lost after the
   * request went out): it must not be sent again, nor a reply's right given back.
   */
  get outcomeUnknown(): boolean {
    return this.outcome === 'unknown';
  }

  /**
   * The sentence alone (SPEC §3): Node-RED builds `msg.error.message` and the log line from
   * `toString()`, which for an Error would put the class name in front.
   */
  override toString(): string {
    return this.message;
  }
}
// On the prototype, so logs show the message rather than an own `name` property.
ReplyError.prototype.name = 'ReplyError';

/** Any failure as a ReplyError: its sentence alone, and a few words for the status. */
export function asReplyError(err: unknown): ReplyError {
  if (err instanceof ReplyError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const reason = message.length > 40 ? `${message.slice(0, 39).trimEnd()}…` : message;
  return new ReplyError(message, { reason: reason || 'failed' });
}

/** Something wrong with an account's credentials, found when the account starts. */
export interface AccountProblem {
  /** The whole sentence, for the log and the error of a send that needs it. */
  sentence: string;
  /** A few words for the status of the nodes that use the account. */
  reason: string;
}

/**
 * Everything about one provider's wire format: recognizing, parsing and verifying its
 * webhooks, answering them, replying, and simulating them. Every difference between
 * providers is a member here, so no code outside src/providers/ asks which provider it has.
 */
export interface ProviderModule {
  id: ProviderId;
  /** The kind of `sms account` whose credentials vouch for this provider. */
  account: AccountKind;
  /** The provider's name in sentences ("Twilio", "Vonage SMS API"), and its account kind's ("Vonage"). */
  label: string;
  accountLabel: string;
  /** The credentials an account of this kind holds (the rows its dialog shows). */
  accountFields: readonly (keyof AccountCredentials)[];
  /** How the account's signature secret may sign (the default first); none when there is one way. */
  signatureMethods: readonly string[];
  /** What this provider's webhooks look like, for the sentence a 400 answers with. */
  describe: Record<WebhookKind, string>;
  /** Cheap check on the shape of the request, used by `provider: auto`. */
  recognizes(req: WebhookRequest, kind: WebhookKind): boolean;
  /**
   * Why a request of this provider's shape is one it never sends (answered 400 before the
   * signature is checked), e.g. a repeated parameter name; undefined when nothing is wrong.
   */
  refusal?(req: WebhookRequest): string | undefined;
  parseInbound(req: WebhookRequest): ParseResult<InboundSms>;
  parseStatus(req: WebhookRequest): ParseResult<StatusEvent>;
  /** The secrets an account of this provider's kind holds for `verify`. */
  secretsOf(credentials: AccountCredentials, signatureMethod: string): VerifySecrets;
  /** What can be told about an account's credentials without calling the provider. */
  checkAccount(name: string, credentials: AccountCredentials): AccountProblem[];
  /** Whether `secrets` hold what `verify` needs, so that every request is checked. */
  canVerify(secrets: VerifySecrets): boolean;
  verify(req: WebhookRequest, secrets: VerifySecrets): VerifyResult;
  /** When a request that `verify` accepted was signed; absent where the provider signs no time. */
  signedTime?(req: WebhookRequest): SignedTime;
  /** Answers a webhook that carries no reply; nothing when it was already answered. */
  acknowledge(res: Response): void;
  reply: ProviderReply;
  optOut: ProviderOptOut;
  simulate: ProviderSimulation;
}

/** What a provider tells about opting out (SPEC §8): whose list, and which refusals mean it. */
export interface ProviderOptOut {
  /** The account's stable identity, which names its opt-out list (Twilio Account SID, Vonage API key). */
  accountId(credentials: AccountCredentials): string | undefined;
  /** The same identity as an inbound message of this provider names it, when it does. */
  accountIdOf(sms: InboundSms): string | undefined;
  /**
   * When a failed send means the recipient opted out (Twilio 21610, Vonage "number barred"),
   * a few words naming the refusal (`Twilio error 21610`); undefined for any other failure.
   */
  refused(err: unknown): string | undefined;
}

export interface ProviderReply {
  /**
   * For a provider that takes the reply inside the open webhook answer (TwiML): its
   * inbound webhooks are held open for the flow to answer. Writing and reading such an
   * answer come together, so the simulator can always read what sms reply wrote.
   */
  inAnswer?: AnswerReply;
  /**
   * Whether `reply` fits in the webhook's answer; when not (a template TwiML cannot carry),
   * the webhook is acknowledged and the reply goes through the API.
   */
  fitsInAnswer?(reply: ReplyRequest): boolean;
  /** Why `account` cannot send `reply` through the API (the error to fail with), or undefined when it can. */
  cannotSend(account: SendingAccount | undefined, reply?: ReplyRequest): ReplyError | undefined;
  /** Sends the reply through the provider's API. */
  send(reply: ReplyRequest, account: SendingAccount, policy: RetryPolicy): Promise<ReplyResult>;
  /**
   * Loads what `send` needs (the SDK, a client for `account`) without sending, so that a send
   * the outbound queue lets go leaves at once rather than after the SDK loads.
   */
  prepare?(account: SendingAccount, policy: RetryPolicy): void;
  /** Sending first (`sms send`, SPEC §8): the same `send`, with what the outbound queue must know. */
  outbound: OutboundFacts;
}

/** How a provider takes messages that start a conversation. */
export interface OutboundFacts {
  /** The `api` setting of `sms send` that picks this provider among those of one account kind; the default is marked. */
  api?: string;
  defaultApi?: boolean;
  /** Channels it can send on (`sms` first). */
  channels: readonly string[];
  /** Whether its rate counts SMS segments (Twilio) or requests (Vonage). */
  countsSegments: boolean;
  /** Its documented default rate: units per second, per sender or per account (one API key). */
  defaultRate: { perSecond: number; per: 'sender' | 'account'; note: string };
  /** The longest client reference it takes (characters), when it has a limit: sms send cuts to it. */
  clientRefMax?: number;
}

/** A reply written into the webhook's answer. */
export interface AnswerReply {
  /** The answer's format, as the simulator names how a reply went ('twiml'; 'api' otherwise). */
  format: string;
  /**
   * The longest sms in may hold the webhook open for the flow's answer: the provider's own
   * limit less a margin (Twilio gives up at 15 s, error 11200: 14 s).
   */
  windowMs: number;
  /** Answers the webhook that is still open with the reply. */
  write(res: Response, reply: ReplyRequest): void;
  /** The replies inside an answer the node gave (what the simulator shows). */
  read(answer: string): { text: string; media: string[] }[];
}

export interface ProviderSimulation {
  /** The provider the simulator picks for an `auto` endpoint whose account allows several. */
  preferred: boolean;
  /** The channels the simulator can send this provider's webhooks as (`sms`, `whatsapp`). */
  channels: readonly string[];
  /** A message id in the provider's own shape. */
  newMessageId(): string;
  inbound(sms: SimulatedText, ctx: SigningContext): OutgoingWebhook;
  receipt(receipt: SimulatedReceipt, ctx: SigningContext): OutgoingWebhook;
}

/** One HTTP request the simulator sends: always a POST to the node's endpoint. */
export interface OutgoingWebhook {
  headers: Record<string, string>;
  body: string;
}

export interface SimulatedText {
  messageId: string;
  /** Sender, E.164 (`+15551230001`). */
  from: string;
  /** Receiving number, E.164. */
  to: string;
  text: string;
  /** `sms` when absent. */
  channel?: string;
  /** A shared location instead of text. */
  location?: SharedLocation;
  /** A tapped menu choice (an interactive list reply) instead of text. */
  choice?: Choice;
}

export type SimulatedOutcome = 'delivered' | 'undelivered' | 'failed';

export interface SimulatedReceipt {
  /** The id of the reply the receipt is about. */
  messageId: string;
  /** The phone the reply went to, E.164. */
  to: string;
  /** The number the reply came from, E.164. */
  from: string;
  outcome: SimulatedOutcome;
}

export interface SigningContext {
  secrets: VerifySecrets;
  /** Twilio signs the full URL the node rebuilds (public URL + path, or the request's own). */
  url: string;
  /** The account's credentials, for what a request names that is no secret (Twilio's AccountSid). */
  credentials?: AccountCredentials;
  now?: Date;
}
