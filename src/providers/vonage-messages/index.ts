import type { ProviderModule } from '../types';
import { acknowledge, cannotSend, vonageAccount } from '../vonage/account';
import { CLIENT_REF_MAX, prepareVonage } from '../vonage/client';
import { repeatedParameter } from '../vonage/parameters';
import { signedTime, verify } from './jwt';
import { sendVonageMessages } from './reply';
import { vonageOptOut } from '../vonage/opt-out';
import { inbound, newMessageId, receipt } from './simulate';
import { DESCRIBE, webhook } from './webhook';

export const vonageMessages: ProviderModule = {
  id: 'vonage-messages',
  label: 'Vonage Messages API',
  ...vonageAccount,
  describe: DESCRIBE,
  ...webhook,
  refusal: repeatedParameter,
  verify,
  signedTime,
  acknowledge,
  reply: {
    cannotSend,
    send: sendVonageMessages,
    prepare: prepareVonage,
    outbound: {
      api: 'messages',
      defaultApi: true,
      channels: ['sms', 'mms', 'whatsapp', 'rcs', 'messenger', 'viber_service'],
      countsSegments: false,
      defaultRate: { perSecond: 30, per: 'account', note: 'Vonage: 30 requests per second per API key' },
      clientRefMax: CLIENT_REF_MAX,
    },
  },
  // Messages API error 1050: "Number barred". Its webhook bodies name no account; a checked token does (msg.sms.signedBy).
  optOut: vonageOptOut('1050', 'Vonage Messages API error', (sms) => sms.signedBy),
  // The simulator's choice for a Vonage account: new Vonage applications use the Messages API.
  simulate: { preferred: true, channels: ['sms', 'whatsapp'], newMessageId, inbound, receipt },
};
