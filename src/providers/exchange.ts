import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { CONNECT_TIMEOUT } from './retry';

/**
 * One HTTP request to a provider's API and its whole answer, as both providers' transports
 * (twilio/transport.ts, vonage/transport.ts) make it under their SDKs. The timeout bounds
 * the whole exchange. Whether the request may have reached the provider decides what a
 * timeout means: before a connection was made (TCP, and TLS for https), not a byte of the
 * request left, so it failed surely unsent (CONNECT_TIMEOUT) and may be sent again; after,
 * the provider may have taken it, and the caller's `noAnswer` error says so.
 */
export interface ExchangeOptions {
  method: string;
  headers: http.OutgoingHttpHeaders;
  body?: string;
  /** The keep-alive agent; Node's global agent when absent. */
  agent?: http.Agent;
  /** No timeout when absent or 0. */
  timeoutMs?: number;
  /** A longer answer fails the exchange with `tooLong()`. */
  maxBytes: number;
  tooLong: () => Error;
  /** The error for no answer within `timeoutMs` once the request may have left. */
  noAnswer: (ms: number) => Error;
}

export interface ExchangeAnswer {
  res: http.IncomingMessage;
  body: string;
}

function notConnected(ms: number): Error {
  return Object.assign(new Error(`no connection within ${ms} ms`), { code: CONNECT_TIMEOUT });
}

export function exchange(url: URL, options: ExchangeOptions): Promise<ExchangeAnswer> {
  return new Promise<ExchangeAnswer>((resolve, reject) => {
    const send = url.protocol === 'https:' ? https.request : http.request;
    let connected = false;
    const req = send(url, { method: options.method, headers: options.headers, ...(options.agent ? { agent: options.agent } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) req.destroy(options.tooLong());
        else chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ res, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', fail);
    });
    // Node writes a request on a new socket only once it is connected (and, for TLS, the
    // handshake is done). A socket not connecting any more (reused from the agent's pool, or
    // handed over when a busy one came free) counts as connected: a doubt goes to "unknown".
    req.on('socket', (socket) => {
      if (req.reusedSocket || !socket.connecting) connected = true;
      else socket.once((socket as TLSSocket).encrypted === true ? 'secureConnect' : 'connect', () => (connected = true));
    });
    const ms = options.timeoutMs;
    const timer = ms ? setTimeout(() => req.destroy(connected ? options.noAnswer(ms) : notConnected(ms)), ms) : undefined;
    function fail(err: Error): void {
      clearTimeout(timer);
      reject(err);
    }
    req.on('error', fail);
    req.end(options.body);
  });
}
