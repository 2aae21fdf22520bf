import type { NodeAPI } from './red';

/**
 * The public URL of an `sms status` node, for providers to call per message: the
 * account's public URL + httpNodeRoot + the node's path. Without a public URL the provider
 * could not reach it, so there is none.
 */
export function statusCallbackUrl(
  RED: NodeAPI,
  statusNodeId: string | undefined,
  publicUrl: string | undefined,
): { url?: string; problem?: string } {
  if (!statusNodeId) return {};
  const node = RED.nodes.getNode(statusNodeId) as { path?: string } | null;
  if (!node?.path) return { problem: 'the sms status node chosen for receipts is not deployed' };
  if (!publicUrl) return { problem: 'set the public URL of the account so the provider can reach the sms status node' };
  const root = typeof RED.settings.httpNodeRoot === 'string' ? RED.settings.httpNodeRoot : '/';
  return { url: publicUrl.replace(/\/+$/, '') + root.replace(/\/+$/, '') + node.path };
}
