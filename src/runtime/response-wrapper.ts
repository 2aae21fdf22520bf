import type { Response } from 'express';
import type { Node, ResponseWrapper } from './red';

// The methods core `http in` exposes on msg.res; calling them directly is deprecated there
// too, but flows written for core nodes may still do it.
const WRAPPED = [
  'append', 'attachment', 'cookie', 'clearCookie', 'download', 'end', 'format', 'get', 'json',
  'jsonp', 'links', 'location', 'redirect', 'render', 'send', 'sendfile', 'sendFile',
  'sendStatus', 'set', 'status', 'type', 'vary',
] as const;

const owners = new WeakMap<object, Node>();

/**
 * The wrapped methods live once on a shared prototype instead of as fresh closures on
 * every message; Node-RED passes msg.res by reference, so the prototype stays with it.
 */
const wrapperPrototype: Record<string, (this: ResponseWrapper, ...args: unknown[]) => unknown> = {};
for (const name of WRAPPED) {
  wrapperPrototype[name] = function (this: ResponseWrapper, ...args: unknown[]) {
    owners.get(this)?.warn(`msg.res.${name}() is deprecated: use msg.res._res.${name}() or an http response node`);
    const res = this._res;
    const result = (res as unknown as Record<string, (...a: unknown[]) => unknown>)[name](...args);
    return result === res ? this : result;
  };
}

/** `msg.res` in the shape core `http in` gives it, so core `http response` can answer. */
export function wrapResponse(node: Node, res: Response): ResponseWrapper {
  const wrapper = Object.create(wrapperPrototype) as ResponseWrapper;
  wrapper._res = res;
  owners.set(wrapper, node);
  return wrapper;
}
