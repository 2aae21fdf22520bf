import type { NodeAPI } from './red';

/** The path part of an endpoint's URL: httpNodeRoot, then the node's normalized path. */
export function endpointPath(RED: NodeAPI, path: string): string {
  const root = typeof RED.settings.httpNodeRoot === 'string' ? RED.settings.httpNodeRoot : '/';
  return root.replace(/\/+$/, '') + path;
}

/**
 * The full URL a provider calls for an endpoint: its public origin (the account's public
 * URL, or one known otherwise), then httpNodeRoot and the path; none without an origin.
 */
export function endpointUrl(RED: NodeAPI, origin: string | undefined, path: string): string | undefined {
  const base = (origin || '').replace(/\/+$/, '');
  return base ? base + endpointPath(RED, path) : undefined;
}
