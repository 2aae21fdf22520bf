import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { NodeAPI } from '../../runtime/red';

// The SMS sidebar's admin routes, registered when Node-RED starts: paths and permissions only.
// Their code (providers, store, queue, opt-out lists) loads with the first request, so a
// Node-RED whose user never opens the sidebar does not pay for it at every start.

export type AdminHandlerName =
  | 'endpoints'
  | 'send'
  | 'receipt'
  | 'questions'
  | 'queueAccounts'
  | 'queuePause'
  | 'queueResume'
  | 'queueClear'
  | 'consentLists'
  | 'consentExport'
  | 'consentAdd'
  | 'consentRemove'
  | 'consentImport';

interface AdminRoute {
  method: 'get' | 'post';
  path: string;
  permission: string;
  handler: AdminHandlerName;
}

const CONSENT_PREFIX = '/sms-consent';

export const ADMIN_ROUTES: readonly AdminRoute[] = [
  { method: 'get', path: '/sms-simulator/endpoints', permission: 'sms-simulator.read', handler: 'endpoints' },
  { method: 'post', path: '/sms-simulator/send', permission: 'sms-simulator.write', handler: 'send' },
  { method: 'post', path: '/sms-simulator/receipt', permission: 'sms-simulator.write', handler: 'receipt' },
  { method: 'get', path: '/sms-simulator/questions', permission: 'sms-simulator.read', handler: 'questions' },
  { method: 'get', path: '/sms-queue/accounts', permission: 'sms-queue.read', handler: 'queueAccounts' },
  { method: 'post', path: '/sms-queue/pause', permission: 'sms-queue.write', handler: 'queuePause' },
  { method: 'post', path: '/sms-queue/resume', permission: 'sms-queue.write', handler: 'queueResume' },
  { method: 'post', path: '/sms-queue/clear', permission: 'sms-queue.write', handler: 'queueClear' },
  { method: 'get', path: `${CONSENT_PREFIX}/lists`, permission: 'sms-consent.read', handler: 'consentLists' },
  { method: 'get', path: `${CONSENT_PREFIX}/export`, permission: 'sms-consent.read', handler: 'consentExport' },
  { method: 'post', path: `${CONSENT_PREFIX}/add`, permission: 'sms-consent.write', handler: 'consentAdd' },
  { method: 'post', path: `${CONSENT_PREFIX}/remove`, permission: 'sms-consent.write', handler: 'consentRemove' },
  { method: 'post', path: `${CONSENT_PREFIX}/import`, permission: 'sms-consent.write', handler: 'consentImport' },
];

/** What the lazily loaded code gives: each route's handlers after its permission check. */
export interface AdminHandlers {
  routes: Record<AdminHandlerName, RequestHandler[]>;
  /** Errors of Node-RED's own body parser (it runs before every admin route) on the opt-out routes. */
  consentBodyErrors: ErrorRequestHandler;
}

export type AdminHandlersFactory = (RED: NodeAPI) => AdminHandlers;

/**
 * Runs `chain` as Express runs a route's handlers: each calls next to go on, or answers; an
 * error passed on or thrown goes to the error handlers.
 */
function runChain(chain: RequestHandler[], req: Request, res: Response, done: NextFunction): void {
  let i = 0;
  const step = (err?: unknown): void => {
    if (err) return done(err);
    if (i === chain.length) return done();
    try {
      void chain[i++](req, res, step);
    } catch (thrown) {
      done(thrown);
    }
  };
  step();
}

/** Registers every route on `RED.httpAdmin` behind its permission; `load` is called by the first request. */
export function addAdminRoutes(RED: NodeAPI, load: () => AdminHandlersFactory): void {
  let handlers: AdminHandlers | undefined;
  const loaded = (): AdminHandlers => (handlers ??= load()(RED));
  const allow = (permission: string): RequestHandler =>
    // No permission check available means no access: these routes sign with real secrets.
    (RED.auth?.needsPermission(permission) as RequestHandler | undefined) ??
    ((_req, res) => {
      res.status(403).json({ error: 'Node-RED offers no permission check here' });
    });
  for (const route of ADMIN_ROUTES) {
    const handle: RequestHandler = (req, res, next) => runChain(loaded().routes[route.handler], req, res, next);
    RED.httpAdmin[route.method](route.path, allow(route.permission), handle);
  }
  const consentBodyErrors: ErrorRequestHandler = (err, req, res, next) => loaded().consentBodyErrors(err, req, res, next);
  RED.httpAdmin.use(CONSENT_PREFIX, consentBodyErrors);
}
