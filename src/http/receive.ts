import type { Response } from 'express';
import { PROVIDERS, chooseProvider, providersOfAccount } from '../providers';
import type { InboundSms, ProviderId, StatusEvent } from '../sms/types';
import type { ProviderModule, ProviderSetting, VerifySecrets, WebhookKind, WebhookRequest } from '../providers/types';
import { type ParsedRequest, toWebhookRequest } from './request';

/** What a webhook node needs to know of its `sms account`. */
export interface AccountView {
  id: string;
  provider?: string;
  publicUrl?: string;
  secrets(): VerifySecrets;
}

export interface Received<T> {
  /** The provider the request came from: it answers and replies in its own way. */
  provider: ProviderModule;
  value: T;
}

function answer(res: Response, status: number, text: string): void {
  res.status(status).type('text/plain').send(text);
}

/** Setting + account → the providers that may be accepted, or why none can. */
export function allowedProviders(setting: ProviderSetting, account?: AccountView): ProviderId[] | string {
  const allowed = providersOfAccount(account?.provider);
  if (setting === 'auto') return allowed;
  if (!(setting in PROVIDERS)) return `unknown provider "${setting}"`;
  if (!allowed.includes(setting)) return `provider ${setting} does not match the ${account?.provider} account`;
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
  setting: ProviderSetting,
  allowed: ProviderId[],
  account: AccountView | undefined,
  req: ParsedRequest,
  res: Response,
): Received<InboundSms> | undefined;
export function receive(
  kind: 'status',
  setting: ProviderSetting,
  allowed: ProviderId[],
  account: AccountView | undefined,
  req: ParsedRequest,
  res: Response,
): Received<StatusEvent> | undefined;
export function receive(
  kind: WebhookKind,
  setting: ProviderSetting,
  allowed: ProviderId[],
  account: AccountView | undefined,
  req: ParsedRequest,
  res: Response,
): Received<InboundSms | StatusEvent> | undefined {
  const request = toWebhookRequest(req, account?.publicUrl);
  const provider = chooseProvider(setting, allowed, request, kind);
  if (!provider) {
    const expected = allowed.map((id) => PROVIDERS[id].describe[kind]).join(', or ');
    answer(res, 400, `this request does not look like ${expected}${otherKindHint(allowed, request, kind)}`);
    return undefined;
  }
  // A fixed provider given another provider's webhook: say so plainly, before the signature
  // check would answer 403 about a header that provider never sends.
  if (setting !== 'auto' && !provider.recognizes(request, kind)) {
    const other = lookalike(request, kind, provider.id);
    if (other) {
      answer(res, 400, `this node expects ${provider.describe[kind]}, but the request looks like ${PROVIDERS[other].describe[kind]}`);
      return undefined;
    }
  }
  const check = provider.verify(request, account?.secrets() ?? {});
  if (!check.ok) {
    answer(res, 403, `signature check failed: ${check.reason ?? 'invalid signature'}`);
    return undefined;
  }
  const parsed = kind === 'inbound' ? provider.parseInbound(request) : provider.parseStatus(request);
  if (!parsed.ok) {
    answer(res, 400, `${parsed.error}: expected ${provider.describe[kind]}`);
    return undefined;
  }
  if (account) parsed.value.account = account.id;
  return { provider, value: parsed.value };
}
