import type { NodeAPI, NodeDef } from '../../runtime/red';
import type { SmsStatusNode } from './sms-status-node';

// Node-RED requires this file at every start; the node's code (sms-status-node.ts and what it
// imports) is required when the first `sms status` starts, so a palette that is installed but not in
// the flows adds no start-up time (`npm run bench`, start-up).
export = function register(RED: NodeAPI): void {
  let construct: ((this: SmsStatusNode, def: NodeDef) => void) | undefined;
  function SmsStatus(this: SmsStatusNode, def: NodeDef): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    construct ??= (require('./sms-status-node') as typeof import('./sms-status-node')).smsStatusNode(RED);
    construct.call(this, def);
  }
  RED.nodes.registerType('sms status', SmsStatus);
};
