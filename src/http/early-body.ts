import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import type { NodeAPI } from '../runtime/red';
import type { ParsedRequest } from './request';
import { routerStack } from './router-stack';

/**
 * Node-RED mounts the editor's app and the node app (RED.httpNode) on one root app, both at
 * `/` by default, and the editor's app parses every JSON and form body that passes through
 * it. By the time our route runs the raw bytes are gone, and a Vonage Messages API body is
 * checked against the JWT's payload_hash by its bytes. So, as core `http in` does for its raw
 * routes, bodies of our paths are read first, by middleware at the top of the root app.
 */

/** Full paths (as `keyOf` makes them) with the number of routes on each. */
const paths = new Map<string, number>();
const installedOn = new WeakSet<object>();
let readBody: RequestHandler | undefined;

/** As Express matches by default: case-insensitive, a trailing slash allowed. */
function keyOf(path: string): string {
  return path.toLowerCase().replace(/\/+$/, '') || '/';
}

function pathnameOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function rootOf(app: Express): Express {
  let a = app as Express & { parent?: Express };
  while (a.parent) a = a.parent as Express & { parent?: Express };
  return a;
}

function readEarly(req: Request, res: Response, next: NextFunction): void {
  // Only the methods our routes take: a core `http in` PUT on the same path parses its own body.
  if (paths.size === 0 || !readBody || (req.method !== 'POST' && req.method !== 'GET')) return next();
  if (!paths.has(keyOf(pathnameOf(req.url)))) return next();
  readBody(req, res, (err?: unknown) => {
    // Raised in our route, whose error handler answers it (see raiseEarlyBodyError).
    if (err) (req as ParsedRequest).smsBodyError = err;
    // Tells every later body parser (the editor's included) that the body has been read.
    (req as { _body?: boolean })._body = true;
    next();
  });
}

/**
 * Reads the bodies of `path` (under RED.httpNode) with `read` before anything else on the
 * root app. Returns the function that stops doing so.
 */
export function readBodiesEarly(RED: NodeAPI, path: string, read: RequestHandler): () => void {
  readBody = read;
  const app = RED.httpNode as Express & { path?: () => string };
  // `path()` is where the node app is mounted: '/' at the root, '/api' under httpNodeRoot /api.
  const mount = (typeof app.path === 'function' ? app.path() : '').replace(/\/+$/, '');
  const key = keyOf(mount + path);
  paths.set(key, (paths.get(key) ?? 0) + 1);
  const root = rootOf(app);
  if (!installedOn.has(root)) {
    installedOn.add(root);
    root.use(readEarly);
    const stack = routerStack(root);
    const at = stack.findIndex((layer) => layer.handle === readEarly);
    if (at > 0) stack.unshift(...stack.splice(at, 1));
  }
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    const left = (paths.get(key) ?? 1) - 1;
    if (left > 0) paths.set(key, left);
    else paths.delete(key);
  };
}

/** A body error from the early read goes to our route's error handler, as if read there. */
export function raiseEarlyBodyError(req: Request, _res: Response, next: NextFunction): void {
  const err = (req as ParsedRequest).smsBodyError;
  if (err) next(err);
  else next();
}
