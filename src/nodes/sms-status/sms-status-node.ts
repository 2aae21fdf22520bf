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
import { acquireStore, releaseStore } from '../../runtime/sms-store';

/** The runtime `sms status` node as other nodes (`sms reply`) see it. */
export interface SmsStatusNode extends Node {
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

/** The `sms status` node's constructor, made once per runtime when the first one starts (see sms-status.ts). */
export function smsStatusNode(RED: NodeAPI): (this: SmsStatusNode, def: NodeDef) => void {
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
    const store = acquireStore(RED);
    counter.setStore(store.kind);
    let storeDown = false;

    /**
     * A retried receipt is the same message in the same state; a later state still comes
     * through. Kept in the sms store for the retention; when it cannot be reached the receipt
     * goes on, judged by this process's memory, with a warning (a receipt lost is worse than
     * one seen twice).
     */
    async function firstTime(key: string): Promise<boolean> {
      try {
        const first = await (await store.ready).seen.firstTime(key);
        if (storeDown) counter.setProblem(undefined);
        storeDown = false;
        return first;
      } catch (err) {
        if (!storeDown) node.warn(`sms store unavailable (${err instanceof Error ? err.message : String(err)}): receipts are told apart in memory only`);
        storeDown = true;
        counter.setProblem({ fill: 'red', text: 'sms store unavailable' });
        return !mem.recent.check(key);
      }
    }

    const handle = async (...[req, res]: Parameters<Parameters<typeof addWebhookRoute>[2]>): Promise<void> => {
      const received = receive('status', setup, req, res, watch.refused);
      if (!received) return;
      const event = received.value;
      const first = await firstTime(`${node.id}:${event.provider}:${event.messageId}:${event.state}`);
      // Every provider retries a receipt that is not answered 2xx: acknowledge before the flow runs.
      received.provider.acknowledge(res);
      if (!first) return;
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

    const removeRoute = addWebhookRoute(RED, path, setup.problem
        ? refuseAll(setup.problem, watch.refused)
        : (req, res) => {
            handle(req, res).catch((err) => {
              node.error(`could not take the receipt: ${err instanceof Error ? err.message : String(err)}`);
              if (!res.headersSent) res.status(503).type('text/plain').send('could not take the receipt; retry later');
            });
          }, watch.refused);
    counter.listening();

    node.on('close', (removed: boolean, done: () => void) => {
      removeRoute();
      watch.close();
      node.path = undefined;
      if (removed) memory.delete(node.id);
      releaseStore(removed).finally(done);
    });
  }
  return SmsStatus;
}
