import type { NodeAPI } from './red';

/** Node types that can answer a held HTTP response. */
const ANSWERING = new Set(['sms reply', 'http response']);

/**
 * Types whose onward path we cannot follow from wires alone (links, subflows): assume
 * they may reach an answering node, so the response is held rather than cut short.
 */
function opaque(type: string): boolean {
  return type === 'link out' || type === 'link call' || type.startsWith('subflow:');
}

/** Can a message sent on `wires` reach an `sms reply` or `http response`? */
export function canReachAnswer(RED: NodeAPI, wires: string[][]): boolean {
  const seen = new Set<string>();
  const queue = wires.flat();
  while (queue.length > 0) {
    const id = queue.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = RED.nodes.getNode(id);
    if (!node) continue;
    if (ANSWERING.has(node.type) || opaque(node.type)) return true;
    queue.push(...(node.wires ?? []).flat());
  }
  return false;
}
