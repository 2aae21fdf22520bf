import type { NodeAPI } from '../../runtime/red';
import { registerLazily } from '../../runtime/lazy-node';

// Node-RED requires this file at every start; this node's own code (sms-in-node.ts and what only
// it imports) is required when the first `sms in` starts.
export = function register(RED: NodeAPI): void {
  // Looked up now: a damaged install fails this node set at start, as it did before.
  require.resolve('./sms-in-node');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  registerLazily(RED, 'sms in', () => (require('./sms-in-node') as typeof import('./sms-in-node')).smsInNode);
};
