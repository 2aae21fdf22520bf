import type { NodeAPI } from './red';

/** What `sms status` exposes for other nodes (see src/nodes/sms-status/sms-status.ts). */
interface StatusEndpoint {
  callbackUrl?(base?: string): string | undefined;
}

/**
 * The public URL of an `sms status` node for providers to call per message. Without a
 * public URL the provider could not reach it, so there is none, and the reason says why.
 */
export function statusCallbackUrl(
  RED: NodeAPI,
  statusNodeId: string | undefined,
  publicUrl: string | undefined,
): { url?: string; problem?: string } {
  if (!statusNodeId) return {};
  const node = RED.nodes.getNode(statusNodeId) as StatusEndpoint | null;
  if (!node?.callbackUrl) return { problem: 'the sms status node chosen for receipts is not deployed' };
  const url = node.callbackUrl(publicUrl);
  if (!url) return { problem: 'set the public URL of the account so the provider can reach the sms status node' };
  return { url };
}
