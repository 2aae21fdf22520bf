import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { ParsedRequest } from './request';

type Handler = (req: ParsedRequest, res: Response) => void;
type Step = RequestHandler | ErrorRequestHandler;

/**
 * How long a request to a path whose node is being redeployed waits for the new node's
 * handler (SPEC §4: a path that exists before and after a deploy never answers 404).
 * A deploy stops the old nodes, then starts the new ones: milliseconds, or a second on a
 * loaded machine. A path that is really gone answers 404 after this long.
 */
export const HANDOVER_MS = 1500;

interface Retired {
  /** The stopped route's middleware, its handler replaced by the wait for the next one. */
  chain: Step[];
  timer: NodeJS.Timeout;
  stop: () => void;
}

/** As Express matches by default: case-insensitive, a trailing slash allowed. */
function keyOf(path: string): string {
  return path.toLowerCase().replace(/\/+$/, '') || '/';
}

/** Runs Express middleware in order, error handlers only for an error, as a route would. */
function run(chain: Step[], req: Request, res: Response, done: NextFunction): void {
  let i = 0;
  const step = (err?: unknown): void => {
    while (i < chain.length) {
      const fn = chain[i++];
      const handlesErrors = fn.length === 4;
      if (err !== undefined && err !== null ? !handlesErrors : handlesErrors) continue;
      try {
        if (handlesErrors) (fn as ErrorRequestHandler)(err, req, res, step);
        else (fn as RequestHandler)(req, res, step);
        return;
      } catch (e) {
        err = e;
      }
    }
    done(err as Error | undefined);
  };
  step();
}

/**
 * The handlers on each path of one Express app (RED.httpNode). A node's route is removed
 * the moment the node stops; until a node on the same path starts (or HANDOVER_MS passes),
 * a request to that path is read by the stopped route's middleware and waits.
 */
export class Handover {
  private readonly live = new Map<string, Handler[]>();
  private readonly waiting = new Map<string, Array<(handler: Handler | undefined) => void>>();
  private readonly retired = new Map<string, Retired>();

  /** Takes requests for retired paths; anything else goes on. Installed once on the app. */
  readonly middleware: RequestHandler = (req, res, next) => {
    if (this.retired.size === 0 || (req.method !== 'POST' && req.method !== 'GET')) return next();
    const key = keyOf(req.path);
    const retired = this.retired.get(key);
    if (!retired) return next();
    run(retired.chain, req, res, next);
  };

  /** A node's handler starts serving `path`: requests waiting for it go to it. */
  start(path: string, handler: Handler): void {
    const key = keyOf(path);
    this.live.set(key, [...(this.live.get(key) ?? []), handler]);
    const retired = this.retired.get(key);
    if (retired) this.end(key, retired);
    const waiting = this.waiting.get(key) ?? [];
    this.waiting.delete(key);
    for (const resume of waiting) resume(handler);
  }

  /**
   * The node stopped: its route is gone. `chain` is its middleware with `wait` (see below)
   * in its handler's place; `stop` runs when no node took the path over in time.
   */
  stop(path: string, handler: Handler, chain: (wait: Handler) => Step[], stop: () => void): void {
    const key = keyOf(path);
    const rest = (this.live.get(key) ?? []).filter((h) => h !== handler);
    if (rest.length > 0) {
      this.live.set(key, rest);
      return stop();
    }
    this.live.delete(key);
    const previous = this.retired.get(key);
    if (previous) this.end(key, previous);
    const wait: Handler = (req, res) => this.wait(key, req, res);
    const retired: Retired = { chain: chain(wait), stop, timer: setTimeout(() => this.end(key, retired), HANDOVER_MS) };
    retired.timer.unref();
    this.retired.set(key, retired);
  }

  private end(key: string, retired: Retired): void {
    clearTimeout(retired.timer);
    if (this.retired.get(key) === retired) this.retired.delete(key);
    retired.stop();
    if (this.retired.has(key) || this.live.has(key)) return;
    const waiting = this.waiting.get(key) ?? [];
    this.waiting.delete(key);
    for (const resume of waiting) resume(undefined);
  }

  private wait(key: string, req: ParsedRequest, res: Response): void {
    const live = this.live.get(key);
    if (live?.length) return live[live.length - 1](req, res);
    const resume = (handler: Handler | undefined): void => {
      if (handler) handler(req, res);
      else res.status(404).type('text/plain').send(`Cannot ${req.method} ${req.path}`);
    };
    this.waiting.set(key, [...(this.waiting.get(key) ?? []), resume]);
  }
}

const handovers = new WeakMap<object, Handover>();

/** The app's Handover, its middleware installed on first use. */
export function handoverOf(app: { use(fn: RequestHandler): unknown }): Handover {
  let h = handovers.get(app);
  if (!h) {
    h = new Handover();
    handovers.set(app, h);
    app.use(h.middleware);
  }
  return h;
}
