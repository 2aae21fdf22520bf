import type { Params } from '../../sms/types';
import { ReplyError, type ProviderOptOut } from '../types';
import { OPTED_OUT_CODE } from './errors';

/** A Twilio account's list is named by its Account SID, which every inbound webhook carries too. */
export const twilioOptOut: ProviderOptOut = {
  accountId: (credentials) => credentials.accountSid?.trim() || undefined,
  accountIdOf(sms) {
    const sid = (sms.raw as Params | undefined)?.AccountSid;
    return typeof sid === 'string' && /^AC[0-9a-fA-F]{32}$/.test(sid) ? sid : undefined;
  },
  refused: (err) => (err instanceof ReplyError && err.code === OPTED_OUT_CODE ? `Twilio error ${OPTED_OUT_CODE}` : undefined),
};
