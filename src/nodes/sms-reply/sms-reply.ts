import type { NodeAPI } from '../../runtime/red';
import { registerLazily } from '../../runtime/lazy-node';

// Node-RED requires this file at every start; this node's own code (sms-reply-node.ts and what only
// it imports) is required when the first `sms reply` starts.
export = function register(RED: NodeAPI): void {
  // Looked up now: a damaged install fails this node set at start, as it did before.
  require.resolve('./sms-reply-node');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  registerLazily(RED, 'sms reply', () => (require('./sms-reply-node') as typeof import('./sms-reply-node')).smsReplyNode);
};
