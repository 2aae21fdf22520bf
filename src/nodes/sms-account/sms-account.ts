import { ACCOUNT_KINDS, accountProblems, accountSecrets, isAccountKind, signatureMethodOf } from '../../providers';
import type { NodeAPI, NodeDef } from '../../runtime/red';
import type { SmsAccountNode } from './account';
import { credentialSchema, editorSettings } from './editor-settings';
import { checkPublicUrl } from './public-url';

function trimmed(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

export = function register(RED: NodeAPI): void {
  function SmsAccount(this: SmsAccountNode, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    // The registry's first kind is the default, as in the dialog.
    this.provider = isAccountKind(def.provider) ? def.provider : ACCOUNT_KINDS[0].kind;
    const publicUrl = checkPublicUrl(def.publicUrl);
    this.publicUrl = publicUrl.url;
    if (publicUrl.warning) this.warn(publicUrl.warning);
    this.signatureMethod = signatureMethodOf(this.provider, def.signatureMethod);
    this.apiHost = trimmed(def.apiHost)?.replace(/\/+$/, '');
    // The country a national number is read in by sms send (07700 900123 in GB).
    this.country = trimmed(def.country)?.toUpperCase();
    this.secrets = () => accountSecrets(this.provider, this.credentials ?? {}, this.signatureMethod);
    // Told at start, in the log, rather than at the first reply that needs the value.
    this.problems = accountProblems(this.provider, this.name || this.id, this.credentials ?? {});
    for (const problem of this.problems) this.warn(problem.sentence);
  }
  RED.nodes.registerType('sms account', SmsAccount, { credentials: credentialSchema, settings: editorSettings() });
};
