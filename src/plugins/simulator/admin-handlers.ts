import type { NodeAPI } from '../../runtime/red';
import type { AdminHandlers } from './admin-routes';
import { bodyErrors, consentHandlers } from './consent-routes';
import { questionHandlers } from './question-routes';
import { queueHandlers } from './queue-routes';
import { simulatorHandlers } from './routes';

/** The code behind every route of admin-routes.ts, loaded by the sidebar's first request. */
export function adminHandlers(RED: NodeAPI): AdminHandlers {
  return {
    routes: { ...simulatorHandlers(RED), ...questionHandlers(RED), ...queueHandlers(RED), ...consentHandlers(RED) },
    consentBodyErrors: bodyErrors,
  };
}
