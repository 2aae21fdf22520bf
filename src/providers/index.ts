import type { InboundSms, ProviderId } from '../sms/types';
import type {
  AccountCredentials,
  AccountKind,
  AccountProblem,
  ProviderModule,
  ProviderSetting,
  VerifySecrets,
  WebhookKind,
  WebhookRequest,
} from './types';
import { twilio } from './twilio';
import { vonageMessages } from './vonage-messages';
import { vonageSms } from './vonage-sms';

export type { ProviderModule } from './types';

/** The registry: a new provider is one folder beside these and one line here. */
export const PROVIDERS: Record<ProviderId, ProviderModule> = {
  twilio,
  'vonage-sms': vonageSms,
  'vonage-messages': vonageMessages,
};

const IDS = Object.keys(PROVIDERS) as ProviderId[];

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PROVIDERS, value);
}

export function isAccountKind(value: unknown): value is AccountKind {
  return IDS.some((id) => PROVIDERS[id].account === value);
}

/** The providers an account's credentials can vouch for; all of them without an account. */
export function providersOfAccount(kind: string | undefined): ProviderId[] {
  return isAccountKind(kind) ? IDS.filter((id) => PROVIDERS[id].account === kind) : IDS;
}

/** What one kind of `sms account` is, for the account node and its dialog. */
export interface AccountKindFacts {
  kind: AccountKind;
  label: string;
  fields: readonly (keyof AccountCredentials)[];
  signatureMethods: readonly string[];
  providers: ProviderId[];
}

/** Every kind of `sms account`, in the registry's order (the first is the default). */
export const ACCOUNT_KINDS: AccountKindFacts[] = [...new Set(IDS.map((id) => PROVIDERS[id].account))].map((kind) => {
  const first = PROVIDERS[providersOfAccount(kind)[0]];
  return { kind, label: first.accountLabel, fields: first.accountFields, signatureMethods: first.signatureMethods, providers: providersOfAccount(kind) };
});

/** The signature method an account of `kind` uses: the one chosen when it has it, else its default ('' for none). */
export function signatureMethodOf(kind: AccountKind, chosen: unknown): string {
  const methods = ACCOUNT_KINDS.find((k) => k.kind === kind)?.signatureMethods ?? [];
  return methods.includes(String(chosen)) ? String(chosen) : (methods[0] ?? '');
}

/** The name of an account kind in sentences ("Twilio", "Vonage"). */
export function accountLabel(kind: string | undefined): string {
  return isAccountKind(kind) ? PROVIDERS[providersOfAccount(kind)[0]].accountLabel : String(kind);
}

/** The secrets an account of `kind` holds for checking its providers' signatures. */
export function accountSecrets(kind: AccountKind, credentials: AccountCredentials, signatureMethod: string): VerifySecrets {
  return PROVIDERS[providersOfAccount(kind)[0]].secretsOf(credentials, signatureMethod);
}

/** Whether every one of `ids` can check its signatures with `secrets` (none: nothing is checked). */
export function verifiesAll(ids: ProviderId[], secrets: VerifySecrets): boolean {
  return ids.length > 0 && ids.every((id) => PROVIDERS[id].canVerify(secrets));
}

/** What is wrong with an account's credentials, found without calling the provider. */
export function accountProblems(kind: AccountKind, name: string, credentials: AccountCredentials): AccountProblem[] {
  return PROVIDERS[providersOfAccount(kind)[0]].checkAccount(name, credentials);
}

/**
 * The provider a request comes from: the fixed one, or for `auto` the first whose shape
 * matches among those allowed (an account for one provider must not let another
 * provider's unsigned requests through).
 */
export function chooseProvider(
  setting: ProviderSetting,
  allowed: ProviderId[],
  req: WebhookRequest,
  kind: WebhookKind,
): ProviderModule | undefined {
  if (setting !== 'auto') return PROVIDERS[setting];
  for (const id of allowed) {
    if (PROVIDERS[id].recognizes(req, kind)) return PROVIDERS[id];
  }
  return undefined;
}

/**
 * The providers whose webhooks the simulator can send to an endpoint: the node's own, or for
 * `auto` those its account allows, the preferred ones first.
 */
export function simulatedProviders(setting: ProviderSetting, accountKind: string | undefined): ProviderId[] {
  if (setting !== 'auto') return [setting];
  const allowed = providersOfAccount(accountKind);
  const preferred = allowed.filter((id) => PROVIDERS[id].simulate.preferred);
  return [...preferred, ...allowed.filter((id) => !preferred.includes(id))];
}

/** The provider the simulator sends as: the one `hint` names when the endpoint takes it, else the first. */
export function simulatedProvider(setting: ProviderSetting, accountKind: string | undefined, hint?: string): ProviderId {
  const choices = simulatedProviders(setting, accountKind);
  return isProviderId(hint) && choices.includes(hint) ? hint : choices[0];
}

/**
 * The key of an account's opt-out list: `<account kind>:<id>` (`twilio:AC…`, `vonage:<API key>`),
 * from its credentials; undefined when they hold no identity.
 */
export function optOutAccountKey(kind: AccountKind, credentials: AccountCredentials): string | undefined {
  if (!isAccountKind(kind)) return undefined;
  const id = PROVIDERS[providersOfAccount(kind)[0]].optOut.accountId(credentials);
  return id ? `${kind}:${id}` : undefined;
}

/** The same key as an inbound message names its account (Twilio `AccountSid`, Vonage SMS `api-key`). */
export function optOutAccountKeyOf(sms: InboundSms): string | undefined {
  if (!isProviderId(sms.provider)) return undefined;
  const provider = PROVIDERS[sms.provider];
  const id = provider.optOut.accountIdOf(sms);
  return id ? `${provider.account}:${id}` : undefined;
}

/** The account kind of a provider (`vonage` for both Vonage APIs). */
export function accountKindOf(id: ProviderId): AccountKind {
  return PROVIDERS[id].account;
}

/**
 * The provider `sms send` sends through for an account of `kind`: the one whose outbound
 * `api` is `api`, else the kind's default (Vonage: the Messages API), else its first.
 */
export function sendingProvider(kind: string | undefined, api?: string): ProviderModule | undefined {
  if (!isAccountKind(kind)) return undefined;
  const mods = providersOfAccount(kind).map((id) => PROVIDERS[id]);
  return mods.find((m) => api && m.reply.outbound.api === api) ?? mods.find((m) => m.reply.outbound.defaultApi) ?? mods[0];
}
