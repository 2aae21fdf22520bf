import type { AccountCredentials, AccountProblem } from '../types';
import { TWILIO_CONSOLE } from './console';

/** An Account SID that is not one (an API key SID, a phone number…), told at start. */
export function checkAccount(name: string, c: AccountCredentials): AccountProblem[] {
  const sid = (c.accountSid ?? '').trim();
  if (!sid || /^AC[0-9a-fA-F]{32}$/.test(sid)) return [];
  return [
    {
      sentence: `the Account SID of account "${name}" is not an Account SID (AC followed by 32 characters): copy it from the ${TWILIO_CONSOLE}`,
      reason: 'Account SID is not AC…',
    },
  ];
}
