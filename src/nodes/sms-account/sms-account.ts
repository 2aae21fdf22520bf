import type { VerifySecrets } from '../../providers/types';
import type { SmsAccountNode } from './account';
import type { NodeAPI, NodeDef } from '../../runtime/red';

const SIGNATURE_METHODS = ['md5hash', 'md5', 'sha1', 'sha256', 'sha512'];

function trimmed(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

export = function register(RED: NodeAPI): void {
  function SmsAccount(this: SmsAccountNode, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    this.provider = def.provider === 'vonage' ? 'vonage' : 'twilio';
    this.publicUrl = trimmed(def.publicUrl)?.replace(/\/+$/, '');
    this.signatureMethod = SIGNATURE_METHODS.includes(String(def.signatureMethod)) ? String(def.signatureMethod) : 'md5hash';
    this.apiHost = trimmed(def.apiHost)?.replace(/\/+$/, '');
    // Only the secret of this account's own provider counts: a leftover Twilio token on a
    // Vonage account must not be mistaken for signature checking.
    this.secrets = (): VerifySecrets => {
      const c = this.credentials ?? {};
      return this.provider === 'twilio'
        ? { authToken: trimmed(c.authToken) }
        : { signatureSecret: trimmed(c.signatureSecret), signatureMethod: this.signatureMethod };
    };
  }
  RED.nodes.registerType('sms account', SmsAccount, {
    credentials: {
      accountSid: { type: 'text' },
      authToken: { type: 'password' },
      apiKey: { type: 'text' },
      apiSecret: { type: 'password' },
      applicationId: { type: 'text' },
      privateKey: { type: 'password' },
      signatureSecret: { type: 'password' },
    },
  });
};
