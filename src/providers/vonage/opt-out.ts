import type { AccountCredentials, ProviderOptOut } from '../types';
import { ReplyError } from '../types';

/**
 * A Vonage account's list is named by its API key; an account with only an Application ID
 * (Messages API with JWT) by that application.
 */
export function vonageAccountId(credentials: AccountCredentials): string | undefined {
  const key = credentials.apiKey?.trim();
  if (key) return key;
  const app = credentials.applicationId?.trim();
  return app ? `app:${app}` : undefined;
}

/**
 * The Vonage half of ProviderOptOut: the identity, and the send refusal `code` means
 * "number barred" (the recipient is on the account's block list, where Vonage's opt-out
 * handling puts a STOP). An opt-out that Vonage reports only later, in a receipt (SMS API
 * err-code, Messages API status `rejected`), is not a send refusal.
 */
export function vonageOptOut(code: string, name: string, accountIdOf: ProviderOptOut['accountIdOf']): ProviderOptOut {
  return {
    accountId: vonageAccountId,
    accountIdOf,
    refused: (err) => (err instanceof ReplyError && err.code === code ? `${name} ${code} (number barred)` : undefined),
  };
}
