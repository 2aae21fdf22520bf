import type { Node, NodeMessage } from './red';

/**
 * Sends from inside an HTTP handler. Node-RED routes (and clones, for a second wire) a
 * message synchronously inside `send()`; a failure there (a hook, a message too deep to
 * clone) would otherwise escape into Express as a 500 or a misleading 400 after the
 * webhook was already acknowledged. It is reported on the node instead, where Catch nodes
 * and the log see it. The message is not attached: reporting it would clone it again.
 */
export function sendSafely(node: Node, msg: NodeMessage): void {
  try {
    node.send(msg);
  } catch (err) {
    node.error(`could not pass the message on: ${err instanceof Error ? err.message : String(err)}`);
  }
}
