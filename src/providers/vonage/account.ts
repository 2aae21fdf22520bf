import type { Response } from 'express';
import type { ProviderModule, SendingAccount } from '../types';

/**
 * What the two Vonage APIs share of an `sms account`: one signature secret (the SMS API's
 * `sig` and the Messages API's JWT), and replies sent through the API with the account's keys.
 */
export const vonageAccount: Pick<ProviderModule, 'account' | 'secretsOf' | 'canVerify'> = {
  account: 'vonage',
  // Only the secret of this account's own provider counts: a leftover Twilio token on a
  // Vonage account must not be mistaken for signature checking.
  secretsOf: (credentials, signatureMethod) => ({ signatureSecret: credentials.signatureSecret?.trim() || undefined, signatureMethod }),
  canVerify: (secrets) => !!secrets.signatureSecret,
};

/** Vonage replies go through the API only: without an account there is nothing to send them with. */
export function cannotSend(account: SendingAccount | undefined): string | undefined {
  if (account) return undefined;
  return 'no sms account to reply with: choose one on the sms reply node or on the sms in node (Vonage replies are sent through the API)';
}

/** Vonage takes any 2xx as received, and retries anything else for a day. */
export function acknowledge(res: Response): void {
  if (!res.headersSent) res.status(200).end();
}
