import type { ProviderModule } from '../types';
import { checkAccount } from './account';
import { ANSWER_WINDOW_MS, cannotSend, fitsInAnswer, prepareTwilio, replyInAnswer, sendTwilio } from './reply';
import { verify } from './signature';
import { inbound, newMessageId, receipt } from './simulate';
import { twilioOptOut } from './opt-out';
import { acknowledge } from './twiml';
import { readTwiml } from './twiml-read';
import { DESCRIBE, parseInbound, parseStatus, recognizes } from './webhook';

export const twilio: ProviderModule = {
  id: 'twilio',
  account: 'twilio',
  label: 'Twilio',
  accountLabel: 'Twilio',
  accountFields: ['accountSid', 'authToken'],
  signatureMethods: [],
  describe: DESCRIBE,
  recognizes,
  parseInbound,
  parseStatus,
  // Only the secret of this account's own provider counts: a leftover Twilio token on a
  // Vonage account must not be mistaken for signature checking (and the other way round).
  secretsOf: (credentials) => ({ authToken: credentials.authToken?.trim() || undefined }),
  canVerify: (secrets) => !!secrets.authToken,
  checkAccount,
  verify,
  acknowledge,
  // The webhook is held open for the flow: a reply goes back in its answer as TwiML.
  reply: { inAnswer: { format: 'twiml', windowMs: ANSWER_WINDOW_MS, write: replyInAnswer, read: readTwiml }, fitsInAnswer, cannotSend,
    send: sendTwilio,
    prepare: prepareTwilio,
    outbound: {
      channels: ['sms', 'mms', 'whatsapp', 'rcs', 'messenger'],
      countsSegments: true,
      defaultRate: { perSecond: 1, per: 'sender', note: 'Twilio: 1 segment per second for a US long code (more for toll-free, short codes and Messaging Services: set rate)' },
    },
  },
  optOut: twilioOptOut,
  simulate: { preferred: true, channels: ['sms', 'whatsapp'], newMessageId, inbound, receipt },
};
