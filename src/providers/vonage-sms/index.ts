import type { ProviderModule } from '../types';
import { acknowledge, cannotSend, vonageAccount } from '../vonage/account';
import { sendVonageSms } from './reply';
import { repeatedParameter } from '../vonage/parameters';
import { signedTime, verify } from './signature';
import { inbound, newMessageId, receipt } from './simulate';
import { DESCRIBE, parseInbound, parseStatus, recognizes } from './webhook';

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
  reply: { cannotSend, send: sendVonageSms },
  simulate: { preferred: false, channels: ['sms'], newMessageId, inbound, receipt },
};
