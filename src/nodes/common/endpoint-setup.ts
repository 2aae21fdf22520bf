import type { ProviderId } from '../../sms/types';
import type { ProviderSetting } from '../../providers/types';
import { PROVIDERS } from '../../providers';
import { type SmsAccountNode, accountNode } from '../sms-account/account';
import { normalizePath } from '../../http/webhook-route';
import type { Node, NodeAPI, NodeDef } from '../../runtime/red';
import { allowedProviders } from '../../http/receive';

/** What a webhook node (`sms in`, `sms status`) listens with. */
export interface EndpointSetup {
  path: string;
  account?: SmsAccountNode;
  setting: ProviderSetting;
  allowed: ProviderId[];
  /** Every allowed provider has its secret in the account, so every request is checked. */
  verifiable: boolean;
}

/**
 * Reads a webhook node's settings, or says on the node why it will not listen and returns
 * undefined. `examplePath` is offered in the message when the path is missing.
 */
export function endpointSetup(RED: NodeAPI, node: Node, def: NodeDef, examplePath: string): EndpointSetup | undefined {
  if (RED.settings.httpNodeRoot === false) {
    node.warn('httpNodeRoot is false in settings.js: HTTP endpoints are disabled');
    return undefined;
  }
  if (typeof def.path !== 'string' || !def.path.trim()) {
    node.warn(`no path set: open the node and give it a path such as ${examplePath}`);
    node.status({ fill: 'red', shape: 'ring', text: 'no path' });
    return undefined;
  }
  const account = accountNode(RED, def.account);
  if (def.account && !account) {
    // Fail closed: listening without the account would accept unsigned requests that the
    // user meant to be checked. Without a route the provider retries (Vonage) or logs it.
    node.error('the sms account this node uses is missing or disabled: not listening');
    node.status({ fill: 'red', shape: 'ring', text: 'account missing' });
    return undefined;
  }
  const setting = (def.provider || 'auto') as ProviderSetting;
  const allowed = allowedProviders(setting, account);
  if (typeof allowed === 'string') {
    node.error(allowed);
    node.status({ fill: 'red', shape: 'ring', text: allowed });
    return undefined;
  }
  const secrets = account?.secrets() ?? {};
  const verifiable = allowed.every((id) => PROVIDERS[id].canVerify(secrets));
  return { path: normalizePath(def.path), account, setting, allowed, verifiable };
}
