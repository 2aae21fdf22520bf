import type { NodeAPI } from '../../runtime/red';
import { addSimulatorRoutes } from './routes';
import { simulatedMessages } from '../../runtime/simulated-messages';

// The SMS simulator: a Node-RED plugin (package.json "node-red".plugins). The editor side,
// the "SMS" sidebar tab, is in sms-simulator.html.

/** Comms topic of replies for the sidebar. */
const REPLY_TOPIC = 'sms-simulator/reply';

let stopPublishing: (() => void) | undefined;

export = function register(RED: NodeAPI): void {
  RED.plugins?.registerPlugin('sms-simulator', { type: 'sms-simulator' });
  addSimulatorRoutes(RED);
  // One publisher per runtime, even when the plugin is registered again (tests).
  stopPublishing?.();
  stopPublishing = simulatedMessages.onReply((reply) => RED.comms?.publish(REPLY_TOPIC, reply, false));
};
