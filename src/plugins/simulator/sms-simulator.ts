import type { NodeAPI } from '../../runtime/red';
import { addAdminRoutes } from './admin-routes';
import { onConsentChange } from '../../runtime/consent';
import { simulatedMessages } from '../../runtime/simulated-messages';

// The SMS simulator: a Node-RED plugin (package.json "node-red".plugins). The editor side,
// the "SMS" sidebar tab, is in sms-simulator.html.

/** Comms topic of replies for the sidebar. */
const REPLY_TOPIC = 'sms-simulator/reply';

/** Comms topic of changes to the opt-out lists, so an open sidebar shows a STOP at once. */
const CONSENT_TOPIC = 'sms-consent/changed';

/** Comms topic the runtime publishes when flows have started, so the sidebar lists the endpoints running now. */
const ENDPOINTS_TOPIC = 'sms-simulator/endpoints';

let stopPublishing: (() => void) | undefined;
let stopConsent: (() => void) | undefined;
let stopEndpoints: (() => void) | undefined;

export = function register(RED: NodeAPI): void {
  RED.plugins?.registerPlugin('sms-simulator', { type: 'sms-simulator' });
  // Its file is looked up now, so a missing one fails the plugin at start, not at its first request.
  require.resolve('./admin-handlers');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  addAdminRoutes(RED, () => (require('./admin-handlers') as typeof import('./admin-handlers')).adminHandlers);
  // One publisher per runtime, even when the plugin is registered again (tests).
  stopPublishing?.();
  stopPublishing = simulatedMessages.onReply((reply) => RED.comms?.publish(REPLY_TOPIC, reply, false));
  stopConsent?.();
  stopConsent = onConsentChange((change) => RED.comms?.publish(CONSENT_TOPIC, change, false));
  stopEndpoints?.();
  const flowsStarted = () => RED.comms?.publish(ENDPOINTS_TOPIC, {}, false);
  RED.events.on('flows:started', flowsStarted);
  stopEndpoints = () => RED.events.removeListener('flows:started', flowsStarted);
};
