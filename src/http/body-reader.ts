import type { NextFunction, Request, Response } from 'express';
import type { ParsedRequest } from './request';

type BodyType = 'form' | 'json';

/**
 * The body type when the request is exactly what providers send: a form or JSON, UTF-8,
 * not compressed, with a length. Anything else is left to body-parser, which knows every
 * charset, encoding and error.
 */
function plainBodyType(req: Request): BodyType | undefined {
  const headers = req.headers;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return undefined;
  if (headers['content-length'] === undefined) return undefined;
  const header = headers['content-type'];
  if (!header) return undefined;
  const semi = header.indexOf(';');
  const type = (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
  const kind = type === 'application/json' ? 'json' : type === 'application/x-www-form-urlencoded' ? 'form' : undefined;
  if (!kind || semi < 0) return kind;
  const parameters = header.slice(semi + 1).trim().toLowerCase().replace(/"/g, '');
  return parameters === 'charset=utf-8' ? kind : undefined;
}

function bodyError(message: string, type: string, status: number): Error {
  return Object.assign(new Error(message), { type, status });
}

/** What body-parser's strict JSON parser makes of a body (objects and arrays only). */
function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const first = /^[ \t\n\r]*([^ \t\n\r])/.exec(text)?.[1];
  if (first !== '{' && first !== '[') throw bodyError('invalid JSON', 'entity.parse.failed', 400);
  try {
    return JSON.parse(text);
  } catch {
    throw bodyError('invalid JSON', 'entity.parse.failed', 400);
  }
}

/**
 * Reads the common webhook body (a UTF-8 form or JSON with a Content-Length) straight from
 * the stream, keeping the raw bytes for signatures. body-parser's type matching, charset
 * handling and stream plumbing cost more than the rest of a webhook; it still reads
 * whatever this leaves (compressed, other charsets, chunked, too large) as before.
 */
export function readPlainBody(limitBytes: number) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const parsed = req as ParsedRequest & { _body?: boolean };
    if (parsed._body || req.readableEnded) return next();
    const kind = plainBodyType(req);
    const declared = Number(req.headers['content-length']);
    if (!kind || !Number.isSafeInteger(declared) || declared > limitBytes) return next();
    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    const finish = (err?: Error): void => {
      if (finished) return;
      finished = true;
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      req.removeListener('aborted', onAborted);
      next(err);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= declared) chunks.push(chunk);
    };
    const onError = (): void => finish(bodyError('request aborted', 'request.aborted', 400));
    const onAborted = onError;
    const onEnd = (): void => {
      if (size !== declared) return finish(bodyError('request size did not match content length', 'request.size.invalid', 400));
      const body = Buffer.concat(chunks, size);
      parsed.rawBody = body;
      parsed.smsBodyType = kind;
      parsed._body = true;
      try {
        parsed.body = kind === 'json' ? parseJson(body) : {};
      } catch (err) {
        return finish(err as Error);
      }
      finish();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  };
}
