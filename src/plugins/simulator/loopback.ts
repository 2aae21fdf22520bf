import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import type { NodeAPI } from '../../runtime/red';
import type { OutgoingWebhook } from '../../providers/types';

export interface LoopbackAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** Where this Node-RED listens, reachable from itself: `http://127.0.0.1:1880`. */
export function ownOrigin(RED: NodeAPI): string | undefined {
  const server = RED.server;
  const address = server?.address() as AddressInfo | string | null | undefined;
  if (!server || !address || typeof address === 'string') return undefined;
  const any = address.address === '::' || address.address === '0.0.0.0' || address.address === '';
  const host = any ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const scheme = server instanceof tls.Server ? 'https' : 'http';
  return `${scheme}://${host}:${address.port}`;
}

/** POSTs a simulated webhook to this Node-RED's own endpoint and reads the whole answer. */
export function postToSelf(url: string, webhook: OutgoingWebhook, headers: Record<string, string>, timeoutMs: number): Promise<LoopbackAnswer> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: 'POST',
        headers: { ...webhook.headers, ...headers, 'content-length': String(Buffer.byteLength(webhook.body)) },
        // Our own server, reached by address: its certificate names the public host, not 127.0.0.1.
        rejectUnauthorized: false,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${target.pathname} within ${Math.round(timeoutMs / 1000)} s`)));
    req.on('error', reject);
    req.end(webhook.body);
  });
}
