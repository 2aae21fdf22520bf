import type { Response } from 'express';
import { type AccountCredentials, type AccountProblem, type ProviderModule, ReplyError, type SendingAccount } from '../types';
import { VONAGE_DASHBOARD } from './dashboard';
import { readPrivateKey } from './private-key';
import { SIGNATURE_METHODS } from '../vonage-sms/signature';

const trim = (v: string | undefined): string => (v ?? '').trim();

/** A private key that cannot sign, or half of the application's credentials, told at start. */
function checkAccount(name: string, c: AccountCredentials): AccountProblem[] {
  const problems: AccountProblem[] = [];
  const key = readPrivateKey(c.privateKey);
  if (key.problem) problems.push({ sentence: `the private key of account "${name}" ${key.problem}`, reason: 'private key unreadable' });
  if (trim(c.applicationId) && !trim(c.privateKey)) {
    problems.push({
      sentence: `account "${name}" has an Application ID but no private key: add the private key (${VONAGE_DASHBOARD.application})`,
      reason: 'private key missing',
    });
  }
  if (trim(c.privateKey) && !trim(c.applicationId)) {
    problems.push({
      sentence: `account "${name}" has a private key but no Application ID: add the Application ID (${VONAGE_DASHBOARD.application})`,
      reason: 'Application ID missing',
    });
  }
  return problems;
}

/**
 * What the two Vonage APIs share of an `sms account`: one signature secret (the SMS API's
 * `sig` and the Messages API's JWT), and replies sent through the API with the account's keys.
 */
export const vonageAccount: Pick<
  ProviderModule,
  'account' | 'accountLabel' | 'accountFields' | 'signatureMethods' | 'secretsOf' | 'canVerify' | 'checkAccount'
> = {
  account: 'vonage',
  accountLabel: 'Vonage',
  accountFields: ['signatureSecret', 'apiKey', 'apiSecret', 'applicationId', 'privateKey'],
  // The SMS API's `sig`; the Messages API's JWT has one way only.
  signatureMethods: SIGNATURE_METHODS,
  checkAccount,
  // Only the secret of this account's own provider counts: a leftover Twilio token on a
  // Vonage account must not be mistaken for signature checking.
  secretsOf: (credentials, signatureMethod) => ({ signatureSecret: credentials.signatureSecret?.trim() || undefined, signatureMethod }),
  canVerify: (secrets) => !!secrets.signatureSecret,
};

/** Vonage replies go through the API only: without an account there is nothing to send them with. */
export function cannotSend(account: SendingAccount | undefined): ReplyError | undefined {
  if (account) return undefined;
  return new ReplyError('no sms account to reply with: choose one on the sms reply node or on the sms in node (Vonage replies are sent through the API)', {
    reason: 'no account',
  });
}

/** Vonage takes any 2xx as received, and retries anything else for a day. */
export function acknowledge(res: Response): void {
  if (!res.headersSent) res.status(200).end();
}
