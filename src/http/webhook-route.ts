import type BodyParser from 'body-parser';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { lazyRequire } from '../runtime/lazy-require';
import type { NodeAPI } from '../runtime/red';
import { readPlainBody } from './body-reader';
import { raiseEarlyBodyError, readBodiesEarly } from './early-body';
import { nestsDeeperThan } from './json-depth';
import { type RefusalListener, refuse } from './refusals';
import { quotableMediaType } from './text-answer';
import { handoverOf } from './handover';
import { routerStack } from './router-stack';
import { type ParsedRequest, parseUrlEncoded } from './request';

/**
 * Provider webhooks are a few kilobytes: a Twilio form with a 1 600-character body and ten
 * media URLs is under 8 KB, a Messages API JSON with a 4 096-character WhatsApp text, a
 * profile, context and media under 20 KB. 64 KB leaves room for both three times over while
 * a flood of maximal bodies costs a quarter of what 256 KB did.
 */
const BODY_LIMIT = '64kb';
const BODY_LIMIT_BYTES = 64 * 1024;
const plainBody = readPlainBody(BODY_LIMIT_BYTES);
/** As body-parser's default: a webhook carries a few dozen parameters. */
const PARAMETER_LIMIT = 1000;
// Twilio and Vonage send UTF-8; another charset gets a 415 saying so rather than mis-decoded text.
const FORM_CHARSETS = new Set(['utf-8', 'utf8']);

function captureRaw(type: 'form' | 'json') {
  return (req: Request, _res: Response, buf: Buffer): void => {
    const parsed = req as ParsedRequest;
    parsed.rawBody = buf;
    parsed.smsBodyType = type;
  };
}

interface BodyReaders {
  json: RequestHandler;
  form: RequestHandler;
}
let readers: BodyReaders | undefined;
const loadBodyParser = lazyRequire<typeof BodyParser>('body-parser');
const loadCors = lazyRequire<(opts: unknown) => RequestHandler>('cors');

/**
 * Made when the first endpoint is added, not when Node-RED loads the package: body-parser
 * and its dependencies are half of the package's load time. Shared: they hold no per-route state.
 */
function bodyReaders(): BodyReaders {
  if (readers) return readers;
  const bodyParser = loadBodyParser();
  readers = {
    json: bodyParser.json({ limit: BODY_LIMIT, verify: captureRaw('json') }),
    // Forms are read raw and parsed once, flat, by parseForm: body-parser's own urlencoded
    // parse (qs) nests `a[b]=c` and folds repeated names, and costs as much again as ours.
    form: bodyParser.raw({ type: 'application/x-www-form-urlencoded', limit: BODY_LIMIT, verify: captureRaw('form') }),
  };
  return readers;
}

function bodyError(type: string, status: number): Error {
  return Object.assign(new Error(type), { type, status });
}

/** The form's parameters as `req.body`: flat, a repeated name as an array (see request.ts). */
function parseForm(req: Request, _res: Response, next: NextFunction): void {
  const parsed = req as ParsedRequest;
  if (parsed.smsBodyType !== 'form' || parsed.smsForm) return next();
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset && !FORM_CHARSETS.has(charset)) return next(bodyError('charset.unsupported', 415));
  const text = parsed.rawBody ? parsed.rawBody.toString('utf8') : '';
  let count = 1;
  for (let i = text.indexOf('&'); i >= 0 && count <= PARAMETER_LIMIT; i = text.indexOf('&', i + 1)) count += 1;
  if (count > PARAMETER_LIMIT) return next(bodyError('parameters.too.many', 413));
  parsed.smsForm = parseUrlEncoded(text);
  parsed.body = parsed.smsForm;
  next();
}

/** A body some earlier middleware already parsed still tells us its type. */
function adoptParsedBody(req: Request, _res: Response, next: NextFunction): void {
  const parsed = req as ParsedRequest & { _body?: boolean };
  if (parsed._body && !parsed.smsBodyType && parsed.body && typeof parsed.body === 'object') {
    parsed.smsBodyType = req.is('json') ? 'json' : 'form';
    parsed.rawBody = Buffer.from(parsed.smsBodyType === 'json' ? JSON.stringify(parsed.body) : '');
  }
  next();
}

/**
 * Provider webhooks nest JSON three or four levels deep. A body nested thousands deep parses,
 * but overflows the stack of whatever walks it next (Node-RED cloning the message for a
 * second wire, the debug sidebar), so it is refused here.
 */
const MAX_JSON_DEPTH = 32;

function rejectDeepJson(refused?: RefusalListener): RequestHandler {
  return (req, res, next) => {
    const parsed = req as ParsedRequest;
    if (parsed.smsBodyType === 'json' && nestsDeeperThan(parsed.body, MAX_JSON_DEPTH)) {
      const text = `JSON nested more than ${MAX_JSON_DEPTH} levels deep: not a provider webhook`;
      refuse(res, { status: 400, reason: '400 JSON nested too deep', text }, refused);
      return;
    }
    next();
  };
}

function rejectUnreadableBody(refused?: RefusalListener): RequestHandler {
  return (req, res, next) => {
    const parsed = req as ParsedRequest;
    const length = Number(req.headers['content-length'] ?? 0);
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if (req.method === 'POST' && !parsed.smsBodyType && (length > 0 || chunked)) {
      const text =
        `unsupported Content-Type ${quotableMediaType(req.headers['content-type'])}: ` +
        'expected application/x-www-form-urlencoded or application/json';
      refuse(res, { status: 415, reason: '415 unsupported content type', text }, refused);
      return;
    }
    next();
  };
}

/** Body-parser errors become a status and a sentence; never a 500 for what a client sent. */
function bodyErrorHandler(refused?: RefusalListener): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const e = err as { type?: string; status?: number };
    let status = e.status && e.status >= 400 && e.status < 500 ? e.status : 400;
    let text = 'could not read the request body';
    let reason = 'unreadable body';
    if (e.type === 'entity.too.large') {
      status = 413;
      text = `request body too large (limit ${BODY_LIMIT}); SMS webhooks are a few kilobytes`;
      reason = 'body too large';
    } else if (e.type === 'parameters.too.many') {
      status = 413;
      text = 'too many form parameters; SMS webhooks carry a few dozen';
      reason = 'too many parameters';
    } else if (e.type === 'entity.parse.failed') {
      text = req.is('json') ? 'invalid JSON' : 'invalid form body';
      reason = text;
    } else if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') {
      status = 415;
      text = 'unsupported charset or content encoding: send UTF-8';
      reason = 'not UTF-8';
    }
    refuse(res, { status, reason: `${status} ${reason}`, text }, refused);
  };
}

function middlewareFromSettings(RED: NodeAPI): RequestHandler[] {
  const chain: RequestHandler[] = [];
  const configured = RED.settings.httpNodeMiddleware;
  if (typeof configured === 'function') chain.push(configured as RequestHandler);
  else if (Array.isArray(configured)) chain.push(...(configured as RequestHandler[]));
  if (RED.settings.httpNodeCors) {
    chain.push(loadCors()(RED.settings.httpNodeCors));
  }
  return chain;
}

/** Normalizes a user-typed path: leading slash, no trailing slash. */
export function normalizePath(path: string): string {
  const p = path.trim().replace(/\/{2,}/g, '/');
  const withSlash = p.startsWith('/') ? p : `/${p}`;
  return withSlash.length > 1 ? withSlash.replace(/\/$/, '') : withSlash;
}

/** The body readers in order, as one middleware: each leaves alone what another has read. */
function readBody(req: Request, res: Response, done: NextFunction): void {
  const readers = [plainBody, bodyReaders().json, bodyReaders().form];
  let i = 0;
  const step = (err?: unknown): void => {
    if (err || i === readers.length) return done(err);
    readers[i++](req, res, step);
  };
  step();
}

/**
 * Registers GET and POST on `RED.httpNode` in the order core `http in` uses (settings
 * middleware, CORS, parsers, handler, error handler) and returns the function that
 * removes exactly these routes — by handler, so another node on the same path keeps its own.
 */
export function addWebhookRoute(
  RED: NodeAPI,
  path: string,
  handler: (req: ParsedRequest, res: Response) => void,
  refused?: RefusalListener,
): () => void {
  const callback: RequestHandler = (req, res) => handler(req as ParsedRequest, res);
  const stopReadingEarly = readBodiesEarly(RED, path, readBody);
  const chainWith = (last: RequestHandler) => [
    ...middlewareFromSettings(RED),
    raiseEarlyBodyError,
    readBody,
    parseForm,
    adoptParsedBody,
    rejectDeepJson(refused),
    rejectUnreadableBody(refused),
    last,
    bodyErrorHandler(refused),
  ];
  const chain = chainWith(callback);
  const handover = handoverOf(RED.httpNode);
  RED.httpNode.get(path, ...chain);
  RED.httpNode.post(path, ...chain);
  handover.start(path, handler);
  return () => {
    const stack = routerStack(RED.httpNode);
    for (let i = stack.length - 1; i >= 0; i--) {
      if (stack[i].route?.stack.some((layer) => layer.handle === callback)) stack.splice(i, 1);
    }
    // Until the next node on this path starts, its requests wait (bodies still read first).
    handover.stop(path, handler, (wait) => chainWith((req, res) => wait(req as ParsedRequest, res)), stopReadingEarly);
  };
}
