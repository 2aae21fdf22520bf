import { normalizePath } from '../../http/webhook-route';
import type { NodeAPI, NodeDef } from '../../runtime/red';

/** Another running node that listens on the same HTTP path. */
export interface PathNeighbour {
  id: string;
  type: string;
  name: string;
  /** Its flow tab: id and label. */
  z?: string;
  tab?: string;
}

/** The HTTP path a node listens on, for the types that take requests. */
function pathOf(def: NodeDef): string | undefined {
  const value = def.type === 'http in' ? def.url : def.type === 'sms in' || def.type === 'sms status' ? def.path : undefined;
  return typeof value === 'string' && value.trim() ? normalizePath(value) : undefined;
}

/**
 * The other running nodes (sms in, sms status, core http in) on `path`: Express gives each
 * request to the first route that matches, so only one of them would ever get requests.
 */
export function neighboursOnPath(RED: NodeAPI, nodeId: string, path: string): PathNeighbour[] {
  const tabs = new Map<string, string>();
  const found: PathNeighbour[] = [];
  RED.nodes.eachNode((def) => {
    if (def.type === 'tab') tabs.set(def.id, typeof def.label === 'string' ? def.label : def.id);
    if (def.id === nodeId || pathOf(def) !== path) return;
    // Disabled nodes and nodes on disabled tabs are not running.
    if (!RED.nodes.getNode(def.id)) return;
    found.push({ id: def.id, type: def.type, name: typeof def.name === 'string' ? def.name : '', z: def.z });
  });
  return found.map((n) => (n.z && tabs.has(n.z) ? { ...n, tab: tabs.get(n.z) } : n));
}

/** `sms status "receipts" on tab "Flow 1"`, or `http in /sms/x` for an unnamed node. */
export function describeNeighbour(n: PathNeighbour, path: string): string {
  const what = n.name ? `${n.type} "${n.name}"` : `${n.type} ${path}`;
  return n.tab ? `${what} on tab "${n.tab}"` : what;
}
