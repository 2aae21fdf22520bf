import type { Response } from 'express';
import type { Node, ResponseWrapper } from './red';

// The methods core `http in` exposes on msg.res; calling them directly is deprecated there
// too, but flows written for core nodes may still do it.
const WRAPPED = [
  'append', 'attachment', 'cookie', 'clearCookie', 'download', 'end', 'format', 'get', 'json',
  'jsonp', 'links', 'location', 'redirect', 'render', 'send', 'sendfile', 'sendFile',
  'sendStatus', 'set', 'status', 'type', 'vary',
] as const;

/** `msg.res` in the shape core `http in` gives it, so core `http response` can answer. */
export function wrapResponse(node: Node, res: Response): ResponseWrapper {
  const wrapper: ResponseWrapper = { _res: res };
  const target = res as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of WRAPPED) {
    wrapper[name] = (...args: unknown[]) => {
      node.warn(`msg.res.${name}() is deprecated: use msg.res._res.${name}() or an http response node`);
      const result = target[name](...args);
      return result === res ? wrapper : result;
    };
  }
  return wrapper;
}
