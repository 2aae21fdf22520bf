import { accountKindOf, isProviderId, optOutAccountKey, optOutAccountKeyOf } from '../../providers';
import type { InboundSms } from '../../sms/types';
import type { SmsAccountNode } from '../sms-account/account';

/**
 * Whose opt-out list a message or a send belongs to (SPEC §8), as the key the consent list
 * takes (runtime/consent.ts). In order:
 * 1. the `sms account`'s own identity: `twilio:<Account SID>`, `vonage:<API key>` (or
 *    `vonage:app:<Application ID>` when it has no API key), so every account node of one
 *    provider account shares the list;
 * 2. the identity the inbound message names (Twilio `AccountSid`, Vonage SMS `api-key`), for
 *    an `sms in` without an account or with one that holds only its signature secret;
 * 3. the account node itself (`<kind>:node:<id>`) when nothing names the provider account;
 * 4. `<kind>:unidentified` for a message with neither.
 */
export function consentAccountOf(account: SmsAccountNode | undefined, sms?: InboundSms): string {
  if (account) {
    const own = optOutAccountKey(account.provider, account.credentials ?? {});
    if (own) return own;
  }
  const named = sms ? optOutAccountKeyOf(sms) : undefined;
  if (named) return named;
  if (account) return `${account.provider}:node:${account.id}`;
  return `${sms && isProviderId(sms.provider) ? accountKindOf(sms.provider) : 'sms'}:unidentified`;
}
