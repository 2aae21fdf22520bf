import type { AccountView } from '../../http/receive';
import type { AccountCredentials, AccountKind, AccountProblem } from '../../providers/types';
import type { Node, NodeAPI } from '../../runtime/red';

/** The runtime `sms account` config node. */
export interface SmsAccountNode extends Node<AccountCredentials>, AccountView {
  provider: AccountKind;
  publicUrl?: string;
  signatureMethod: string;
  apiHost?: string;
  /** ISO 3166 country for numbers written without a country code (sms send). */
  country?: string;
  /** What is wrong with the credentials, found at start (empty when nothing is). */
  problems: AccountProblem[];
}

/** The deployed `sms account` with this id, if any (a node's `account` setting). */
export function accountNode(RED: NodeAPI, id: unknown): SmsAccountNode | undefined {
  return typeof id === 'string' && id ? ((RED.nodes.getNode(id) as SmsAccountNode | null) ?? undefined) : undefined;
}
