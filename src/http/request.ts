import type { Request } from 'express';
import type { Params } from '../sms/types';
import type { WebhookRequest } from '../providers/types';
import { isPlainObject } from '../sms/params';

/** What the body parsers leave on the request (see webhook-route.ts). */
export interface ParsedRequest extends Request {
  rawBody?: Buffer;
  smsBodyType?: 'form' | 'json';
  /** The form body's parameters, parsed once (webhook-route.ts). */
  smsForm?: Params;
  /** A body that could not be read before the route ran (early-body.ts). */
  smsBodyError?: unknown;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  // Proxies append: "https, http" — the first hop is what the provider called.
  return v?.split(',')[0].trim() || undefined;
}

/**
 * The URL the provider called, as it signed it: `publicUrl` + path when the account sets
 * one, else rebuilt from the forwarded headers a proxy or tunnel adds.
 */
export function publicUrlOf(req: Request, publicUrl?: string): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '') + req.originalUrl;
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted;
  const proto = firstHeader(req.headers['x-forwarded-proto']) ?? (encrypted ? 'https' : 'http');
  const host = firstHeader(req.headers['x-forwarded-host']) ?? req.headers.host ?? 'localhost';
  return `${proto}://${host}${req.originalUrl}`;
}

/**
 * Adds one occurrence of a parameter; a repeated name becomes an array in arrival order.
 * `__proto__` is defined rather than assigned, so it is an own property like any other
 * instead of replacing the object's prototype; every other name is assigned, which V8 keeps
 * fast (defining each one cost a tenth of a webhook's CPU time).
 */
function addParam(params: Params, name: string, value: string): void {
  const had = Object.prototype.hasOwnProperty.call(params, name) ? params[name] : undefined;
  const next = had === undefined ? value : ([] as string[]).concat(had, value);
  if (name === '__proto__') {
    Object.defineProperty(params, name, { value: next, enumerable: true, writable: true, configurable: true });
  } else {
    params[name] = next;
  }
}

/**
 * Flat `name=value` pairs as the provider sent them: no nesting of `a[b]=c` (which the
 * signatures do not know), repeated names as arrays, and lenient decoding like browsers
 * (a stray `%` stays a `%` rather than leaving the whole value undecoded).
 */
export function parseUrlEncoded(text: string): Params {
  const params: Params = {};
  for (const [name, value] of new URLSearchParams(text)) addParam(params, name, value);
  return params;
}

/** Flat query parameters (Express's own parser nests `a[b]=c`, which signatures do not). */
function queryParams(originalUrl: string): Params {
  const q = originalUrl.indexOf('?');
  return q < 0 ? {} : parseUrlEncoded(originalUrl.slice(q + 1));
}

/**
 * Form parameters from the raw body. body-parser's own result is not used: with
 * `extended: false` (body-parser 2) a repeated name comes out as `{"0": …, "1": …}`, which
 * lost the parameter (`missing MessageSid`) and broke the signature over it.
 */
function formParams(req: ParsedRequest): Params {
  if (req.smsForm) return req.smsForm;
  if (req.rawBody && req.rawBody.length > 0) return parseUrlEncoded(req.rawBody.toString('utf8'));
  // Parsed by middleware before ours (see adoptParsedBody in webhook-route.ts): take what is flat.
  const params: Params = {};
  if (!isPlainObject(req.body)) return params;
  for (const [name, value] of Object.entries(req.body)) {
    if (typeof value === 'string') addParam(params, name, value);
    else if (Array.isArray(value)) for (const v of value) addParam(params, name, String(v));
  }
  return params;
}

/** The Express request reduced to the plain data provider modules take. */
export function toWebhookRequest(req: ParsedRequest, publicUrl?: string): WebhookRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const bodyType = req.smsBodyType ?? 'none';
  return {
    method: req.method,
    url: publicUrlOf(req, publicUrl),
    headers,
    query: queryParams(req.originalUrl),
    bodyType,
    form: bodyType === 'form' ? formParams(req) : {},
    json: bodyType === 'json' ? req.body : undefined,
    rawBody: req.rawBody ?? Buffer.alloc(0),
  };
}
