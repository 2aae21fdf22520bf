import type { NodeAPI } from '../../runtime/red';
import { registerLazily } from '../../runtime/lazy-node';

// Node-RED requires this file at every start; this node's own code (sms-status-node.ts and what only
// it imports) is required when the first `sms status` starts.
export = function register(RED: NodeAPI): void {
  // Looked up now: a damaged install fails this node set at start, as it did before.
  require.resolve('./sms-status-node');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  registerLazily(RED, 'sms status', () => (require('./sms-status-node') as typeof import('./sms-status-node')).smsStatusNode);
};
