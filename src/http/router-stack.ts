import type { Express } from 'express';

export interface Layer {
  handle?: unknown;
  route?: { stack: { handle: unknown }[] };
}

/** Express 4 keeps the router on `_router`, Express 5 on `router`. */
export function routerStack(app: Express): Layer[] {
  const a = app as unknown as { _router?: { stack: Layer[] }; router?: { stack: Layer[] } };
  if (a._router) return a._router.stack;
  try {
    // Express 4's `router` getter throws ("app.router is deprecated") rather than return undefined.
    return a.router?.stack ?? [];
  } catch {
    return [];
  }
}
