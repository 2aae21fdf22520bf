import type { ProviderModule } from '../types';
import { acknowledge, cannotSend, vonageAccount } from '../vonage/account';
import { CLIENT_REF_MAX, prepareVonage } from '../vonage/client';
import { sendVonageSms } from './reply';
import { vonageOptOut } from '../vonage/opt-out';
import { repeatedParameter } from '../vonage/parameters';
import { signedTime, verify } from './signature';
import { inbound, newMessageId, receipt } from './simulate';
import { DESCRIBE, apiKeyOf, parseInbound, parseStatus, recognizes } from './webhook';

export const vonageSms: ProviderModule = {
  id: 'vonage-sms',
  label: 'Vonage SMS API',
  ...vonageAccount,
  describe: DESCRIBE,
  recognizes,
  refusal: repeatedParameter,
  parseInbound,
  parseStatus,
  verify,
  signedTime,
  acknowledge,
  reply: {
    cannotSend,
    send: sendVonageSms,
    prepare: prepareVonage,
    outbound: {
      api: 'sms',
      channels: ['sms'],
      countsSegments: false,
      defaultRate: { perSecond: 30, per: 'account', note: 'Vonage: 30 requests per second per API key' },
      clientRefMax: CLIENT_REF_MAX,
    },
  },
  // SMS API status 7: "Number barred"; its inbound webhooks name the API key.
  optOut: vonageOptOut('7', 'Vonage SMS API status', (sms) => apiKeyOf(sms.raw)),
  simulate: { preferred: false, channels: ['sms'], newMessageId, inbound, receipt },
};
