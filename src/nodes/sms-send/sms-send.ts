import type { NodeAPI } from '../../runtime/red';
import { registerLazily } from '../../runtime/lazy-node';

// Node-RED requires this file at every start; this node's own code (sms-send-node.ts and what only
// it imports) is required when the first `sms send` starts.
export = function register(RED: NodeAPI): void {
  // Looked up now: a damaged install fails this node set at start, as it did before.
  require.resolve('./sms-send-node');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  registerLazily(RED, 'sms send', () => (require('./sms-send-node') as typeof import('./sms-send-node')).smsSendNode);
};
