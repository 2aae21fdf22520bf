import { accountNode } from '../../nodes/sms-account/account';
import { isProviderId, simulatedProviders, verifiesAll } from '../../providers';
import type { ProviderId } from '../../sms/types';
import { allowedProviders } from '../../http/receive';
import { normalizePath } from '../../http/webhook-route';
import type { EndpointReport } from '../../nodes/common/endpoint-watch';
import type { PathNeighbour } from '../../nodes/common/shared-path';
import { endpointPath, endpointUrl } from '../../runtime/public-url';
import type { NodeAPI } from '../../runtime/red';
import type { AccountCredentials, AccountKind, ProviderSetting, VerifySecrets } from '../../providers/types';

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
  accountProvider?: AccountKind;
  publicUrl?: string;
  /** The full URL the provider calls, when the account has a public URL (the one a Twilio signature covers). */
  url?: string;
  /** True when the account holds the secret, so simulated requests are signed and checked. */
  signed: boolean;
  /** The webhook formats the sidebar offers to choose from (none when there is one only). */
  formats: ProviderId[];
  /** The providers whose webhooks the node takes (none when its settings disagree). */
  accepts: ProviderId[];
  /** Why the node refuses every request, when its provider and account disagree. */
  problem?: string;
  /** Other running nodes on the same path (only one of them gets the requests). */
  sharedWith: PathNeighbour[];
}

/** What the runtime needs to sign for an endpoint; never sent to the editor. */
export interface EndpointSecrets {
  secrets: VerifySecrets;
  /** The account's credentials, from which a provider takes what its requests name (Twilio's AccountSid). */
  credentials: AccountCredentials;
}

const TYPES = new Set(['sms in', 'sms status']);

function formatsOf(setting: ProviderSetting, accountKind: string | undefined): ProviderId[] {
  const choices = simulatedProviders(setting, accountKind);
  return choices.length > 1 ? choices : [];
}

/** The running `sms in` / `sms status` nodes of the deployed flows, with a path. */
export function listEndpoints(RED: NodeAPI): SimulatorEndpoint[] {
  if (RED.settings.httpNodeRoot === false) return [];
  const found: SimulatorEndpoint[] = [];
  RED.nodes.eachNode((def) => {
    if (!TYPES.has(def.type) || typeof def.path !== 'string' || !def.path.trim()) return;
    // Disabled nodes and nodes on disabled tabs are not running.
    const running = RED.nodes.getNode(def.id) as { smsEndpoint?: () => EndpointReport } | null;
    if (!running) return;
    const report = running.smsEndpoint?.() ?? { sharedWith: [] };
    const account = accountNode(RED, def.account);
    const path = normalizePath(def.path);
    const provider: ProviderSetting = isProviderId(def.provider) ? def.provider : 'auto';
    const accepts = allowedProviders(provider, account);
    found.push({
      id: def.id,
      type: def.type as SimulatorEndpoint['type'],
      name: typeof def.name === 'string' ? def.name : '',
      z: def.z,
      provider,
      path,
      fullPath: endpointPath(RED, path),
      ...(account ? { account: account.id, accountProvider: account.provider } : {}),
      ...(account?.publicUrl ? { publicUrl: account.publicUrl, url: endpointUrl(RED, account.publicUrl, path) } : {}),
      // As the node checks: every provider it takes has what it needs of the account's secrets.
      // A node whose account and provider disagree checks nothing: it refuses everything.
      signed: Array.isArray(accepts) && verifiesAll(accepts, account?.secrets() ?? {}),
      formats: formatsOf(provider, account?.provider),
      accepts: Array.isArray(accepts) ? accepts : [],
      ...(report.problem ? { problem: report.problem } : {}),
      sharedWith: report.sharedWith,
    });
  });
  return found.sort((a, b) => (a.type === b.type ? a.fullPath.localeCompare(b.fullPath) : a.type === 'sms in' ? -1 : 1));
}

export function secretsOf(RED: NodeAPI, endpoint: SimulatorEndpoint): EndpointSecrets {
  const account = accountNode(RED, endpoint.account);
  if (!account) return { secrets: {}, credentials: {} };
  return { secrets: account.secrets(), credentials: account.credentials ?? {} };
}
