import type { Response } from 'express';
import type { ProviderId } from '../../sms/types';
import type { ProviderSetting } from '../../providers/types';
import { verifiesAll } from '../../providers';
import { type SmsAccountNode, accountNode } from '../sms-account/account';
import type { ParsedRequest } from '../../http/request';
import { type RefusalListener, refuse } from '../../http/refusals';
import { normalizePath } from '../../http/webhook-route';
import type { Node, NodeAPI, NodeDef } from '../../runtime/red';
import { type ProviderProblem, type WebhookEndpoint, allowedProviders } from '../../http/receive';
import { DEFAULT_RETENTION_MS } from '../../sms/recent-ids';
import { readStoreSettings, retentionMsOf } from '../../store/settings';

/** What a webhook node (`sms in`, `sms status`) listens with. */
export interface EndpointSetup extends WebhookEndpoint {
  path: string;
  account?: SmsAccountNode;
  setting: ProviderSetting;
  allowed: ProviderId[];
  /** Every allowed provider has its secret in the account, so every request is checked. */
  verifiable: boolean;
  /** The provider setting and the account disagree: every request is answered with why. */
  problem?: ProviderProblem;
}

/**
 * `smsStore.retentionHours` (SPEC §7) in ms: how long seen ids are kept and how old a signed
 * request may be. Settings the store refuses are reported when it is opened; here the
 * default (48 h) applies meanwhile.
 */
function retentionMs(RED: NodeAPI): number {
  try {
    return retentionMsOf(readStoreSettings(RED.settings.smsStore));
  } catch {
    return DEFAULT_RETENTION_MS;
  }
}

/** How long Vonage (which retries anything but 2xx for a day) is asked to wait before trying again. */
const RETRY_AFTER_S = 60;

/**
 * The handler of a node whose settings cannot work: every request gets the sentence saying
 * why, as 503 with Retry-After rather than Express's HTML "Cannot POST" 404. The request
 * itself may be fine: the node cannot take it until its settings are fixed, and Vonage
 * retries a non-2xx answer for up to a day, so messages sent meanwhile still arrive after
 * the fix (Twilio does not retry a webhook; it logs error 11200 and calls the Fallback URL).
 */
export function refuseAll(problem: ProviderProblem, refused?: RefusalListener): (req: ParsedRequest, res: Response) => void {
  return (_req, res) => {
    res.set('Retry-After', String(RETRY_AFTER_S));
    refuse(res, { status: 503, reason: `503 ${problem.short}`, text: problem.sentence }, refused);
  };
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
  const path = normalizePath(def.path);
  const allowed = allowedProviders(setting, account);
  if (!Array.isArray(allowed)) {
    node.error(allowed.sentence);
    return { path, account, setting, allowed: [], verifiable: false, problem: allowed, retentionMs: retentionMs(RED) };
  }
  const secrets = account?.secrets() ?? {};
  const verifiable = verifiesAll(allowed, secrets);
  return { path, account, setting, allowed, verifiable, retentionMs: retentionMs(RED) };
}
