import type { Response } from 'express';
import type { SmsAccountNode } from '../sms-account/account';
import { addWebhookRoute } from '../../http/webhook-route';
import { endpointSetup } from '../common/endpoint-setup';
import { NodeMemory } from '../../runtime/node-memory';
import { StatusCounter } from '../../runtime/node-status';
import { RecentIds } from '../../sms/recent-ids';
import type { Node, NodeAPI, NodeDef, NodeMessage } from '../../runtime/red';
import { wrapResponse } from '../../runtime/response-wrapper';
import { sendSafely } from '../../runtime/safe-send';
import { EMPTY_TWIML, sendTwiml } from '../../providers/twilio/twiml';
import { receive } from '../../http/receive';
import type { StatusEvent } from '../../sms/types';

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

function acknowledge(event: StatusEvent, res: Response): void {
  if (res.headersSent) return;
  // Twilio ignores the body of a status-callback answer; an empty TwiML document is the norm.
  if (event.provider === 'twilio') sendTwiml(res, EMPTY_TWIML);
  else res.status(200).end();
}

export = function register(RED: NodeAPI): void {
  function SmsStatus(this: SmsStatusNode, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const account = def.account ? (RED.nodes.getNode(String(def.account)) as SmsAccountNode | null) : null;

    node.callbackUrl = (base?: string): string | undefined => {
      if (!node.path) return undefined;
      const origin = (account?.publicUrl || base || '').replace(/\/+$/, '');
      if (!origin) return undefined;
      const root = typeof RED.settings.httpNodeRoot === 'string' ? RED.settings.httpNodeRoot : '/';
      return origin + (root.replace(/\/+$/, '') + node.path);
    };

    const setup = endpointSetup(RED, node, def, '/sms/status');
    if (!setup) return;
    const { path, setting, allowed, verifiable } = setup;
    node.path = path;
    const finalOnly = def.finalOnly === true || def.finalOnly === 'true';
    const counter = new StatusCounter(node, path, verifiable);
    const mem = memory.get(node.id);

    const handle: Parameters<typeof addWebhookRoute>[2] = (req, res) => {
      const received = receive('status', setting, allowed, setup.account, req, res);
      if (!received) {
        counter.add('rejected');
        return;
      }
      const event = received.value;
      // Every provider retries a receipt that is not answered 2xx: acknowledge before the flow runs.
      acknowledge(event, res);
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

    const removeRoute = addWebhookRoute(RED, path, handle);
    counter.listening();

    node.on('close', (removed: boolean, done: () => void) => {
      removeRoute();
      node.path = undefined;
      if (removed) memory.delete(node.id);
      done();
    });
  }
  RED.nodes.registerType('sms status', SmsStatus);
};
