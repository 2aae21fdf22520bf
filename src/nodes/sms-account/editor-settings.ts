import { ACCOUNT_KINDS, PROVIDERS } from '../../providers';
import type { AccountCredentials } from '../../providers/types';
import type { ProviderId } from '../../sms/types';

type CredentialSchema = { [K in keyof Required<AccountCredentials>]: { type: 'text' | 'password' } };

/** The credentials of an `sms account`, each once: the compiler checks the keys against AccountCredentials. */
export const credentialSchema: CredentialSchema = {
  accountSid: { type: 'text' },
  authToken: { type: 'password' },
  apiKey: { type: 'text' },
  apiSecret: { type: 'password' },
  applicationId: { type: 'text' },
  privateKey: { type: 'password' },
  signatureSecret: { type: 'password' },
};

/** What the editor's dialogs need to know of each provider. */
export interface EditorProvider {
  /** The kind of account that vouches for it. */
  account: string;
  /** Whether a reply goes back in the webhook's answer, so "Reply within" applies. */
  repliesInAnswer: boolean;
}

function editorProviders(): Record<ProviderId, EditorProvider> {
  const table = {} as Record<ProviderId, EditorProvider>;
  for (const [id, provider] of Object.entries(PROVIDERS) as [ProviderId, (typeof PROVIDERS)[ProviderId]][]) {
    table[id] = { account: provider.account, repliesInAnswer: !!provider.reply.inAnswer };
  }
  return table;
}

/**
 * The provider facts the editor reads from RED.settings, so its dialogs never keep a copy:
 * Node-RED exports a node type's `settings` to the editor (names start with the type's
 * camel-cased name). The credential schema, the account kinds (their fields and signature
 * methods) and each provider's account kind and whether it replies in the answer.
 */
export function editorSettings(): Record<string, { value: unknown; exportable: true }> {
  return {
    smsAccountCredentials: { value: credentialSchema, exportable: true },
    smsAccountKinds: { value: ACCOUNT_KINDS, exportable: true },
    smsAccountProviders: { value: editorProviders(), exportable: true },
  };
}
