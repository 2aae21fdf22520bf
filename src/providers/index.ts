import type { ProviderId } from '../sms/types';
import type { ProviderModule, ProviderSetting, WebhookKind, WebhookRequest } from './types';
import { twilio } from './twilio/webhook';
import { vonageSms } from './vonage-sms/webhook';
import { vonageMessages } from './vonage-messages/webhook';

export const PROVIDERS: Record<ProviderId, ProviderModule> = {
  twilio,
  'vonage-sms': vonageSms,
  'vonage-messages': vonageMessages,
};

/** What each provider's webhook looks like, for the sentence a 400 answers with. */
export const EXPECTED: Record<ProviderId, Record<WebhookKind, string>> = {
  twilio: {
    inbound: 'a Twilio incoming-message webhook (form fields MessageSid, From, To, Body)',
    status: 'a Twilio status callback (form fields MessageSid, MessageStatus)',
  },
  'vonage-sms': {
    inbound: 'a Vonage SMS API inbound webhook (msisdn, to, messageId, text)',
    status: 'a Vonage SMS API delivery receipt (messageId, status, err-code)',
  },
  'vonage-messages': {
    inbound: 'a Vonage Messages API inbound webhook (JSON with message_uuid, from, to, channel)',
    status: 'a Vonage Messages API status webhook (JSON with message_uuid, status)',
  },
};

/** The providers an account's credentials can vouch for. */
export function providersOfAccount(accountProvider: string | undefined): ProviderId[] {
  if (accountProvider === 'twilio') return ['twilio'];
  if (accountProvider === 'vonage') return ['vonage-sms', 'vonage-messages'];
  return ['twilio', 'vonage-sms', 'vonage-messages'];
}

/**
 * The provider a request comes from: the fixed one, or for `auto` the first whose shape
 * matches among those allowed (an account for one provider must not let another
 * provider's unsigned requests through).
 */
export function chooseProvider(
  setting: ProviderSetting,
  allowed: ProviderId[],
  req: WebhookRequest,
  kind: WebhookKind,
): ProviderModule | undefined {
  if (setting !== 'auto') return PROVIDERS[setting];
  for (const id of allowed) {
    if (PROVIDERS[id].recognizes(req, kind)) return PROVIDERS[id];
  }
  return undefined;
}
