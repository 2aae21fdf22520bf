import { endpointUrl } from '../../runtime/public-url';
import { accountNode } from '../sms-account/account';
import { addWebhookRoute } from '../../http/webhook-route';
import { endpointSetup, refuseAll } from '../common/endpoint-setup';
import { watchEndpoint } from '../common/endpoint-watch';
import { NodeMemory } from '../../runtime/node-memory';
import { RecentIds } from '../../sms/recent-ids';
import type { Node, NodeAPI, NodeDef, NodeMessage } from '../../runtime/red';
import { wrapResponse } from '../../runtime/response-wrapper';
import { sendSafely } from '../../runtime/safe-send';
import { receive } from '../../http/receive';

/** The runtime `sms status` node as other nodes (`sms reply`) see it. */
interface SmsStatusNode extends Node {
  /**
   * The endpoint path relative to `httpNodeRoot`, normalized (`/sms/status`); undefined
   * when the node has no endpoint (no path, or HTTP nodes disabled).
   */
  path?: string;
  /** The full URL the provider should call, or undefined when no public base URL is known. */
  callbackUrl(base?: string): string | undefined;
}

interface Memory {
  /** provider:messageId:state of receipts already emitted. */
  recent: RecentIds;
}

// Kept across redeploys of the same node id: a provider retrying after a deploy is still a retry.
const memory = new NodeMemory<Memory>(() => ({ recent: new RecentIds() }));

export = function register(RED: NodeAPI): void {
  function SmsStatus(this: SmsStatusNode, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const account = accountNode(RED, def.account);
    node.callbackUrl = (base?: string) => (node.path ? endpointUrl(RED, account?.publicUrl || base, node.path) : undefined);

    const setup = endpointSetup(RED, node, def, '/sms/status');
    if (!setup) return;
    const { path, verifiable } = setup;
    node.path = path;
    const finalOnly = def.finalOnly === true || def.finalOnly === 'true';
    const watch = watchEndpoint(RED, node, path, verifiable, setup.problem);
    const { counter } = watch;
    const mem = memory.get(node.id);
    mem.recent.setTtl(setup.retentionMs);

    const handle: Parameters<typeof addWebhookRoute>[2] = (req, res) => {
      const received = receive('status', setup, req, res, watch.refused);
      if (!received) return;
      const event = received.value;
      // Every provider retries a receipt that is not answered 2xx: acknowledge before the flow runs.
      received.provider.acknowledge(res);
      // A retried receipt is the same message in the same state; a later state still comes through.
      if (mem.recent.check(`${event.provider}:${event.messageId}:${event.state}`)) return;
      counter.add(event.state);
      if (finalOnly && !event.final) return;
      const msg: NodeMessage = {
        _msgid: RED.util.generateId(),
        payload: event.state,
        topic: event.messageId,
        status: event,
        req,
        res: wrapResponse(node, res),
      };
      sendSafely(node, msg);
    };

    const removeRoute = addWebhookRoute(RED, path, setup.problem ? refuseAll(setup.problem, watch.refused) : handle, watch.refused);
    counter.listening();

    node.on('close', (removed: boolean, done: () => void) => {
      removeRoute();
      watch.close();
      node.path = undefined;
      if (removed) memory.delete(node.id);
      done();
    });
  }
  RED.nodes.registerType('sms status', SmsStatus);
};
