import type { Response } from 'express';
import { PROVIDERS, accountLabel, chooseProvider, providersOfAccount } from '../providers';
import type { InboundSms, ProviderId, StatusEvent } from '../sms/types';
import type { ProviderModule, ProviderSetting, VerifySecrets, WebhookKind, WebhookRequest } from '../providers/types';
import { type RefusalListener, refuse } from './refusals';
import { replayProblem } from './replay-window';
import { type ParsedRequest, toWebhookRequest } from './request';

/** What a webhook node needs to know of its `sms account`. */
export interface AccountView {
  id: string;
  provider?: string;
  publicUrl?: string;
  secrets(): VerifySecrets;
}

/** Where a webhook node listens: which providers it takes, checked with which account. */
export interface WebhookEndpoint {
  setting: ProviderSetting;
  allowed: ProviderId[];
  account?: AccountView;
  /** smsStore.retentionHours in ms: how old a signed request may be (SPEC §4). */
  retentionMs: number;
}

/**
 * Provider ids are a few dozen characters (Twilio 34, Vonage 16 to 36); a longer one is not
 * from a provider, and each id is remembered for the whole retention.
 */
export const MAX_ID_LENGTH = 128;

export interface Received<T> {
  /** The provider the request came from: it answers and replies in its own way. */
  provider: ProviderModule;
  value: T;
}

/** Why a node's provider setting and account cannot work together. */
export interface ProviderProblem {
  /** A few words for the node's status. */
  short: string;
  /** The sentence for the log and for every request the node answers. */
  sentence: string;
}

/** Setting + account → the providers that may be accepted, or why none can. */
export function allowedProviders(setting: ProviderSetting, account?: AccountView & { name?: string }): ProviderId[] | ProviderProblem {
  const allowed = providersOfAccount(account?.provider);
  if (setting === 'auto') return allowed;
  if (!(setting in PROVIDERS)) {
    return { short: `unknown provider "${setting}"`, sentence: `unknown provider "${setting}": open the node and pick its provider` };
  }
  if (!allowed.includes(setting)) {
    const owner = accountLabel(account?.provider);
    const label = PROVIDERS[setting].label;
    const name = account?.name ? `"${account.name}" ` : '';
    return {
      short: `${owner} account, ${label} provider`,
      sentence:
        `this node's account ${name}is for ${owner}, but its provider is ${label}: nothing can be accepted until they match. ` +
        `Open the node and set Provider to ${allowed.map((id) => PROVIDERS[id].label).join(' or ')} or "Detect from the request", or choose a ${label} account`,
    };
  }
  return [setting];
}

/** Another provider whose webhook this request looks like, if any. */
function lookalike(request: WebhookRequest, kind: WebhookKind, except: ProviderId): ProviderId | undefined {
  return (Object.keys(PROVIDERS) as ProviderId[]).find((id) => id !== except && PROVIDERS[id].recognizes(request, kind));
}

/** A status callback sent to `sms in` (or a message to `sms status`) is a wiring mistake worth naming. */
function otherKindHint(allowed: ProviderId[], request: WebhookRequest, kind: WebhookKind): string {
  const other: WebhookKind = kind === 'inbound' ? 'status' : 'inbound';
  const id = allowed.find((p) => PROVIDERS[p].recognizes(request, other));
  if (!id) return '';
  return kind === 'inbound'
    ? `; it looks like ${PROVIDERS[id].describe.status}: point that callback at an sms status node`
    : `; it looks like ${PROVIDERS[id].describe.inbound}: point that webhook at an sms in node`;
}

/**
 * Recognizes, verifies and parses one webhook. Answers 400 / 403 itself and returns
 * undefined when the request is rejected; otherwise the caller answers.
 */
export function receive(
  kind: 'inbound',
  endpoint: WebhookEndpoint,
  req: ParsedRequest,
  res: Response,
  refused?: RefusalListener,
): Received<InboundSms> | undefined;
export function receive(
  kind: 'status',
  endpoint: WebhookEndpoint,
  req: ParsedRequest,
  res: Response,
  refused?: RefusalListener,
): Received<StatusEvent> | undefined;
export function receive(
  kind: WebhookKind,
  endpoint: WebhookEndpoint,
  req: ParsedRequest,
  res: Response,
  refused?: RefusalListener,
): Received<InboundSms | StatusEvent> | undefined {
  const { setting, allowed, account } = endpoint;
  const request = toWebhookRequest(req, account?.publicUrl);
  const provider = chooseProvider(setting, allowed, request, kind);
  if (!provider) {
    const expected = allowed.map((id) => PROVIDERS[id].describe[kind]).join(', or ');
    const hint = otherKindHint(allowed, request, kind);
    const what = kind === 'inbound' ? 'message' : 'receipt';
    const reason = hint ? `400 not a ${what}` : `400 not a ${allowed.length === 1 ? PROVIDERS[allowed[0]].label : 'provider'} ${what}`;
    refuse(res, { status: 400, reason, text: `this request does not look like ${expected}${hint}` }, refused);
    return undefined;
  }
  // A fixed provider given another provider's webhook: say so plainly, before the signature
  // check would answer 403 about a header that provider never sends.
  if (setting !== 'auto' && !provider.recognizes(request, kind)) {
    const other = lookalike(request, kind, provider.id);
    if (other) {
      const text = `this node expects ${provider.describe[kind]}, but the request looks like ${PROVIDERS[other].describe[kind]}`;
      refuse(res, { status: 400, reason: `400 ${PROVIDERS[other].label} request`, text }, refused);
      return undefined;
    }
  }
  const refusal = provider.refusal?.(request);
  if (refusal) {
    refuse(res, { status: 400, reason: '400 repeated parameter', text: refusal }, refused);
    return undefined;
  }
  const check = provider.verify(request, account?.secrets() ?? {});
  if (!check.ok) {
    const text = `signature check failed: ${check.reason ?? 'invalid signature'}`;
    const reason = check.unsigned ? '403 unsigned request' : '403 bad signature';
    refuse(res, { status: 403, reason, text, ...(check.signedUrl ? { signedUrl: check.signedUrl } : {}) }, refused);
    return undefined;
  }
  // A signature proves who sent a request, not when: an old one captured on the way is refused.
  const replay = check.checked && provider.signedTime ? replayProblem(provider.signedTime(request), endpoint.retentionMs) : undefined;
  if (replay) {
    refuse(res, { status: 403, reason: '403 possible replay', text: `refused as a possible replay: ${replay}` }, refused);
    return undefined;
  }
  const parsed = kind === 'inbound' ? provider.parseInbound(request) : provider.parseStatus(request);
  if (!parsed.ok) {
    const reason = `400 ${parsed.error.length > 32 ? `${parsed.error.slice(0, 31)}…` : parsed.error}`;
    refuse(res, { status: 400, reason, text: `${parsed.error}: expected ${provider.describe[kind]}` }, refused);
    return undefined;
  }
  const idLength = parsed.value.messageId.length;
  if (idLength > MAX_ID_LENGTH) {
    const text = `message id is ${idLength} characters long: provider ids are a few dozen (at most ${MAX_ID_LENGTH})`;
    refuse(res, { status: 400, reason: '400 message id too long', text }, refused);
    return undefined;
  }
  if (account) parsed.value.account = account.id;
  // Only from a signature checked here: a claim nobody verified names no account.
  if (kind === 'inbound' && check.checked && check.signer) (parsed.value as InboundSms).signedBy = check.signer;
  return { provider, value: parsed.value };
}
