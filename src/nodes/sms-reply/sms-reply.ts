import type { Node, NodeAPI, NodeDef } from '../../runtime/red';

// Node-RED requires this file at every start; the node's code (sms-reply-node.ts and what it
// imports) is required when the first `sms reply` starts, so a palette that is installed but not in
// the flows adds no start-up time (`npm run bench`, start-up).
export = function register(RED: NodeAPI): void {
  let construct: ((this: Node, def: NodeDef) => void) | undefined;
  function SmsReply(this: Node, def: NodeDef): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    construct ??= (require('./sms-reply-node') as typeof import('./sms-reply-node')).smsReplyNode(RED);
    construct.call(this, def);
  }
  RED.nodes.registerType('sms reply', SmsReply);
};
