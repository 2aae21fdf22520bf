import { accountProblems, accountSecrets, isAccountKind } from '../../providers';
import type { NodeAPI, NodeDef } from '../../runtime/red';
import { type SmsAccountNode, credentialSchema } from './account';
import { checkPublicUrl } from './public-url';

const SIGNATURE_METHODS = ['md5hash', 'md5', 'sha1', 'sha256', 'sha512'];

function trimmed(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

export = function register(RED: NodeAPI): void {
  function SmsAccount(this: SmsAccountNode, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    this.provider = isAccountKind(def.provider) ? def.provider : 'twilio';
    const publicUrl = checkPublicUrl(def.publicUrl);
    this.publicUrl = publicUrl.url;
    if (publicUrl.warning) this.warn(publicUrl.warning);
    this.signatureMethod = SIGNATURE_METHODS.includes(String(def.signatureMethod)) ? String(def.signatureMethod) : 'md5hash';
    this.apiHost = trimmed(def.apiHost)?.replace(/\/+$/, '');
    this.secrets = () => accountSecrets(this.provider, this.credentials ?? {}, this.signatureMethod);
    // Told at start, in the log, rather than at the first reply that needs the value.
    this.problems = accountProblems(this.provider, this.name || this.id, this.credentials ?? {});
    for (const problem of this.problems) this.warn(problem.sentence);
  }
  RED.nodes.registerType('sms account', SmsAccount, { credentials: credentialSchema() });
};
