import type http from 'node:http';
import { exchange } from '../exchange';

/**
 * The HTTP exchange under the Vonage SDK's clients. The SDK still prepares every request
 * (authentication, the JWT, the body) and parses every answer (its errors included); only
 * the transport in between is this one. Why: profiling the Messages API reply path (npm run
 * bench --profile=vm), the SDK's node-fetch took ~7 % of all CPU samples: a stream pipeline
 * per response that aborts its AbortController when it ends (a DOMException constructed on
 * every request), plus an AbortController and a timer per request. Same agent as node-fetch
 * (Node's global agent, keep-alive), same timeout (the client's `timeout`).
 */

/** What the SDK's client (`@vonage/server-client` Client) calls around its transport. */
interface SdkRequest {
  url: string;
  method: string;
  headers?: Record<string, string>;
  timeout?: number;
}
interface SdkClient {
  config: { timeout?: number };
  prepareRequest(request: SdkRequest): Promise<SdkRequest>;
  prepareBody(request: SdkRequest): string | undefined;
  parseResponse(request: SdkRequest, response: AnswerLike): Promise<unknown>;
  sendRequest(request: SdkRequest): Promise<unknown>;
}

/** The part of a fetch Response the SDK's parseResponse and our error handling read. */
interface AnswerLike {
  ok: boolean;
  status: number;
  statusText: string;
  body: string;
  headers: { get(name: string): string | null; entries(): IterableIterator<[string, string]> };
  text(): Promise<string>;
}

/** More than any Vonage answer; a body past it is cut off (the exchange fails). */
const MAX_ANSWER_BYTES = 1024 * 1024;

function answerOf(res: http.IncomingMessage, body: string): AnswerLike {
  const flat = new Map<string, string>();
  for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) flat.set(name, Array.isArray(value) ? value.join(', ') : value);
  const status = res.statusCode ?? 0;
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: res.statusMessage ?? '',
    body,
    // entries() gives nothing: the SDK's parseResponse (server-client 1.x) loops over them
    // with Object.assign(response, name, value), which copies each string's characters onto
    // the response object and fills no headers (its result's `headers` stays {}): 2 % of CPU
    // samples for nothing. What anyone reads goes through get().
    headers: { get: (name) => flat.get(name.toLowerCase()) ?? null, entries: () => new Map<string, string>().entries() },
    text: () => Promise.resolve(body),
  };
}

function timedOut(ms: number): Error {
  // The SDK's own timeout is an AbortError: callers tell "no answer in time" by that name.
  const err = new Error(`no answer within ${ms} ms`);
  err.name = 'AbortError';
  return err;
}

function send(request: SdkRequest, body: string | undefined, timeoutMs: number | undefined): Promise<AnswerLike> {
  const headers: Record<string, string | number> = { ...request.headers };
  if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
  return exchange(new URL(request.url), {
    method: request.method,
    headers,
    body,
    timeoutMs,
    maxBytes: MAX_ANSWER_BYTES,
    tooLong: () => new Error(`Vonage answered more than ${MAX_ANSWER_BYTES} bytes`),
    noAnswer: timedOut,
  }).then(({ res, body: answer }) => answerOf(res, answer));
}

/** Puts this transport under an SDK client (one of `new Vonage(...)`'s: `.messages`, `.sms`). */
export function useOwnTransport(client: unknown): void {
  const sdk = client as SdkClient;
  sdk.sendRequest = async function sendRequest(this: SdkClient, request: SdkRequest): Promise<unknown> {
    const timeoutMs = request.timeout || this.config.timeout;
    const prepared = await this.prepareRequest(request);
    const body = this.prepareBody(prepared);
    return this.parseResponse(prepared, await send(prepared, body, timeoutMs));
  };
}
