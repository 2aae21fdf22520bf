import type { NodeAPI } from './red';

/** Node types that can answer a held HTTP response (sms ask: its question is the answer). */
const ANSWERING = new Set(['sms reply', 'sms ask', 'http response']);

/**
 * Nodes that receive messages without a wire: a `catch` or `complete` node watching a node
 * on our path passes that message (msg.res included) on, possibly to an answering node.
 * (`status` nodes are not here: their messages carry no msg.res.)
 */
const WATCHERS = new Set(['catch', 'complete']);

/**
 * Types whose onward path we cannot follow from wires alone (links, subflows): assume
 * they may reach an answering node, so the response is held rather than cut short.
 */
function opaque(type: string): boolean {
  return type === 'link out' || type === 'link call' || type.startsWith('subflow:');
}

interface FlowNodeDef {
  id: string;
  type: string;
  z?: string;
  scope?: unknown;
  wires?: string[][];
}

/** Watchers as deployed; `eachNode` is in Node-RED's node API but not in our typing of it. */
function watchers(RED: NodeAPI): FlowNodeDef[] {
  const found: FlowNodeDef[] = [];
  const eachNode = (RED.nodes as { eachNode?: (cb: (n: FlowNodeDef) => void) => void }).eachNode;
  if (typeof eachNode !== 'function') return found;
  eachNode((n) => {
    if (n && WATCHERS.has(n.type)) found.push(n);
  });
  return found;
}

/** Does a watcher see one of the nodes a message passes through? */
function watches(w: FlowNodeDef, passed: Set<string>, tabs: Set<string>): boolean {
  if (Array.isArray(w.scope)) return w.scope.some((id) => passed.has(String(id)));
  // null: every node on its tab; 'group': its group — counted as its tab, erring towards holding.
  return w.z !== undefined && tabs.has(w.z);
}

/**
 * Can a message sent on `wires` (by the node `fromId`) reach an `sms reply` or
 * `http response`, along wires or through a watcher?
 */
export function canReachAnswer(RED: NodeAPI, wires: string[][], fromId?: string): boolean {
  const seen = new Set<string>();
  const tabs = new Set<string>();
  const queue = wires.flat();
  if (fromId) {
    seen.add(fromId);
    const self = RED.nodes.getNode(fromId);
    if (self?.z) tabs.add(self.z);
  }
  let pending: FlowNodeDef[] | undefined;
  for (;;) {
    while (queue.length > 0) {
      const id = queue.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const node = RED.nodes.getNode(id);
      if (!node) continue;
      if (ANSWERING.has(node.type) || opaque(node.type)) return true;
      if (node.z) tabs.add(node.z);
      queue.push(...(node.wires ?? []).flat());
    }
    // Only looked up when wires alone reach no answer, and once per call.
    pending ??= watchers(RED);
    const woken = pending.filter((w) => !seen.has(w.id) && watches(w, seen, tabs));
    if (woken.length === 0) return false;
    for (const w of woken) {
      seen.add(w.id);
      queue.push(...(w.wires ?? []).flat());
    }
  }
}
