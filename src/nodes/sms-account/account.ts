import type { Node } from '../../runtime/red';
import type { AccountView } from '../../http/receive';

/** Credentials of an `sms account` (SPEC §2), held in Node-RED's credential store. */
export interface AccountCredentials {
  accountSid?: string;
  authToken?: string;
  apiKey?: string;
  apiSecret?: string;
  applicationId?: string;
  privateKey?: string;
  signatureSecret?: string;
  [key: string]: string | undefined;
}

/** The runtime `sms account` config node. */
export interface SmsAccountNode extends Node<AccountCredentials>, AccountView {
  provider: 'twilio' | 'vonage';
  publicUrl?: string;
  signatureMethod: string;
  apiHost?: string;
}

