import type { Request } from 'express';
import type { Params, WebhookRequest } from '../providers/types';
import { isPlainObject } from './params';

/** What the body parsers leave on the request (see endpoint.ts). */
export interface ParsedRequest extends Request {
  rawBody?: Buffer;
  smsBodyType?: 'form' | 'json';
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

/** Flat query parameters (Express's own parser nests `a[b]=c`, which signatures do not). */
function queryParams(originalUrl: string): Params {
  const params: Params = {};
  const q = originalUrl.indexOf('?');
  if (q < 0) return params;
  for (const [name, value] of new URLSearchParams(originalUrl.slice(q + 1))) {
    const had = params[name];
    params[name] = had === undefined ? value : ([] as string[]).concat(had, value);
  }
  return params;
}

function formParams(body: unknown): Params {
  const params: Params = {};
  if (!isPlainObject(body)) return params;
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') params[name] = value;
    else if (Array.isArray(value)) params[name] = value.map(String);
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
    form: bodyType === 'form' ? formParams(req.body) : {},
    json: bodyType === 'json' ? req.body : undefined,
    rawBody: req.rawBody ?? Buffer.alloc(0),
  };
}
