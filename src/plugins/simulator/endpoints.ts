import type { SmsAccountNode } from '../../nodes/sms-account/account';
import { normalizePath } from '../../http/webhook-route';
import type { NodeAPI } from '../../runtime/red';
import type { ProviderId } from '../../sms/types';
import type { ProviderSetting, VerifySecrets } from '../../providers/types';

/** A deployed `sms in` / `sms status` node as the simulator sidebar lists it (no secrets). */
export interface SimulatorEndpoint {
  id: string;
  type: 'sms in' | 'sms status';
  name: string;
  /** Flow tab the node is on. */
  z?: string;
  provider: ProviderSetting;
  /** Path under httpNodeRoot, e.g. `/sms/twilio` (what the node listens on, relative to the root). */
  path: string;
  /** httpNodeRoot + path: the path part of the full URL. */
  fullPath: string;
  account?: string;
  accountProvider?: 'twilio' | 'vonage';
  publicUrl?: string;
  /** True when the account holds the secret, so simulated requests are signed and checked. */
  signed: boolean;
}

/** What the runtime needs to sign for an endpoint; never sent to the editor. */
export interface EndpointSecrets {
  secrets: VerifySecrets;
  accountSid?: string;
}

const TYPES = new Set(['sms in', 'sms status']);
const PROVIDER_SETTINGS = new Set(['auto', 'twilio', 'vonage-sms', 'vonage-messages']);

export function nodeRoot(RED: NodeAPI): string {
  const root = typeof RED.settings.httpNodeRoot === 'string' ? RED.settings.httpNodeRoot : '/';
  return root.replace(/\/+$/, '');
}

function accountOf(RED: NodeAPI, id: unknown): SmsAccountNode | undefined {
  return typeof id === 'string' && id ? ((RED.nodes.getNode(id) as SmsAccountNode | null) ?? undefined) : undefined;
}

/** The running `sms in` / `sms status` nodes of the deployed flows, with a path. */
export function listEndpoints(RED: NodeAPI): SimulatorEndpoint[] {
  if (RED.settings.httpNodeRoot === false) return [];
  const found: SimulatorEndpoint[] = [];
  RED.nodes.eachNode((def) => {
    if (!TYPES.has(def.type) || typeof def.path !== 'string' || !def.path.trim()) return;
    // Disabled nodes and nodes on disabled tabs are not running.
    if (!RED.nodes.getNode(def.id)) return;
    const account = accountOf(RED, def.account);
    const path = normalizePath(def.path);
    const secrets = account?.secrets() ?? {};
    const provider = PROVIDER_SETTINGS.has(String(def.provider)) ? (def.provider as ProviderSetting) : 'auto';
    found.push({
      id: def.id,
      type: def.type as SimulatorEndpoint['type'],
      name: typeof def.name === 'string' ? def.name : '',
      z: def.z,
      provider,
      path,
      fullPath: nodeRoot(RED) + path,
      ...(account ? { account: account.id, accountProvider: account.provider } : {}),
      ...(account?.publicUrl ? { publicUrl: account.publicUrl } : {}),
      signed: !!(secrets.authToken || secrets.signatureSecret),
    });
  });
  return found.sort((a, b) => (a.type === b.type ? a.fullPath.localeCompare(b.fullPath) : a.type === 'sms in' ? -1 : 1));
}

export function secretsOf(RED: NodeAPI, endpoint: SimulatorEndpoint): EndpointSecrets {
  const account = accountOf(RED, endpoint.account);
  if (!account) return { secrets: {} };
  return { secrets: account.secrets(), accountSid: account.credentials?.accountSid?.trim() || undefined };
}

/**
 * The provider whose webhook to simulate: the node's own, or for `auto` the account's
 * (Vonage: the Messages API unless `hint` names the SMS API), Twilio without an account.
 */
export function simulatedProvider(endpoint: SimulatorEndpoint, hint?: string): ProviderId {
  if (endpoint.provider !== 'auto') return endpoint.provider;
  if (endpoint.accountProvider === 'vonage') return hint === 'vonage-sms' ? 'vonage-sms' : 'vonage-messages';
  if (endpoint.accountProvider === 'twilio') return 'twilio';
  return hint === 'vonage-sms' || hint === 'vonage-messages' ? hint : 'twilio';
}
