import http from 'node:http';
import https from 'node:https';
import { exchange } from '../exchange';

/**
 * The HTTP exchange under Twilio's SDK client. The SDK still builds every request (its
 * path, fields, headers and User-Agent) and reads every answer (its RestException
 * included); only the transport in between is this one, in place of the SDK's
 * RequestClient. Why: a profile of a broadcast (`node bench/run.js --send-only
 * --profile=send`) had axios, under RequestClient, as the largest part of the package's
 * CPU and of its allocations (config merging, header normalizing, a stream pipeline per
 * answer), more than the queue and the store together. As the SDK's client: keep-alive,
 * no redirects followed, the body form-encoded with repeated keys. Unlike it, the timeout
 * bounds the whole exchange (the policy's "how long a call may take before its outcome is
 * unknown"), not each silence of the socket. With HTTP_PROXY or TWILIO_CA_BUNDLE set, the
 * SDK's own RequestClient is used (it applies them).
 */

/** What the SDK's client passes to `httpClient.request` (twilio-node BaseTwilio.request). */
export interface TwilioHttpRequest {
  method: string;
  uri: string;
  username?: string;
  password?: string;
  authStrategy?: { getAuthString(): Promise<string> };
  headers?: Record<string, string>;
  params?: Record<string, unknown>;
  data?: Record<string, unknown>;
  timeout?: number;
}

/** What the SDK reads back: the status, the body as text (it parses JSON itself), the headers. */
export interface TwilioHttpResponse {
  statusCode: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** More than any Twilio answer to a send; a body past it fails the exchange. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** Fields as Twilio takes them: `a=1&a=2` for a list (MediaUrl), nothing for an absent field. */
export function formEncode(fields: Record<string, unknown> | undefined): string {
  const out = new URLSearchParams();
  for (const [name, value] of Object.entries(fields ?? {})) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) out.append(name, typeof item === 'object' ? JSON.stringify(item) : String(item));
    }
  }
  return out.toString();
}

function noAnswerIn(ms: number): Error {
  return Object.assign(new Error(`no answer within ${ms} ms`), { code: 'ETIMEDOUT' });
}

/**
 * A connection idle this long is closed: reused after a NAT or firewall silently dropped it,
 * a send would end in a timeout, its outcome unknown, though Twilio never saw it.
 */
export const IDLE_CLOSE_MS = 15_000;
let agents: { http: http.Agent; https: https.Agent } | undefined;
/** Keep-alive connections shared by every client (a client replaced after a new token leaves none behind). */
function sharedAgents(): { http: http.Agent; https: https.Agent } {
  agents ??= { http: new http.Agent({ keepAlive: true, timeout: IDLE_CLOSE_MS }), https: new https.Agent({ keepAlive: true, timeout: IDLE_CLOSE_MS }) };
  return agents;
}

/** The transport for a client of Twilio's SDK: `defaultTimeoutMs` when a request names none. */
export function twilioTransport(defaultTimeoutMs: number): { request(opts: TwilioHttpRequest): Promise<TwilioHttpResponse> } {
  return {
    async request(opts) {
      const headers: Record<string, string | number> = { ...opts.headers };
      if (opts.username && opts.password) headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
      else if (opts.authStrategy) headers.Authorization = await opts.authStrategy.getAuthString();
      const url = new URL(opts.uri);
      const query = formEncode(opts.params);
      if (query) url.search = url.search ? `${url.search}&${query}` : query;
      let body: string | undefined;
      if (opts.data !== undefined && opts.method.toLowerCase() !== 'get') {
        body = /json/i.test(String(headers['Content-Type'] ?? '')) ? JSON.stringify(opts.data) : formEncode(opts.data);
        headers['Content-Length'] = Buffer.byteLength(body);
      }
      const timeoutMs = opts.timeout || defaultTimeoutMs;
      const plain = url.protocol === 'http:';
      const agent = plain ? sharedAgents().http : sharedAgents().https;
      const { res, body: answer } = await exchange(url, {
        method: opts.method.toUpperCase(),
        headers,
        body,
        agent,
        timeoutMs,
        maxBytes: MAX_ANSWER_BYTES,
        tooLong: () => new Error(`Twilio answered more than ${MAX_ANSWER_BYTES} bytes`),
        noAnswer: noAnswerIn,
      });
      return { statusCode: res.statusCode ?? 0, body: answer, headers: res.headers };
    },
  };
}

/** Whether the SDK's RequestClient must send instead (it applies a proxy and a CA bundle from the environment). */
export function sdkTransportNeeded(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.HTTP_PROXY || env.TWILIO_CA_BUNDLE);
}
