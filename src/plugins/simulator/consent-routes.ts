import type BodyParser from 'body-parser';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { consentAccountOf } from '../../nodes/common/consent-account';
import type { SmsAccountNode } from '../../nodes/sms-account/account';
import { accountLabel } from '../../providers';
import { type ConsentList, consentList } from '../../runtime/consent';
import { lazyRequire } from '../../runtime/lazy-require';
import type { NodeAPI } from '../../runtime/red';
import { acquireStore, releaseStore } from '../../runtime/sms-store';
import { fromCsv, internationalNumber, numberProblem, toCsv } from '../../sms/consent';

// The opt-out lists in the SMS sidebar (SPEC §8): each account's list, and a person adding,
// removing, importing and exporting numbers. Admin routes, behind Node-RED's permissions.

/** An import of ~50 000 numbers fits. */
const IMPORT_LIMIT = '2mb';
/** Writes in flight during an import: the embedded store commits what arrives together in one sync. */
const IMPORT_BATCH = 200;

/** An account as the sidebar lists it: the key of its list and the `sms account` nodes that use it. */
export interface ConsentAccountView {
  key: string;
  /** `Twilio AC…`, `Vonage abcd1234`. */
  label: string;
  /** Names of the deployed `sms account` nodes with this list (several nodes may share one account). */
  names: string[];
}

function fail(res: Response, status: number, error: string): void {
  res.status(status).json({ error });
}

function labelOf(key: string): string {
  const [kind, ...rest] = key.split(':');
  const id = rest.join(':');
  if (id === 'unidentified') return `${accountLabel(kind)} (messages naming no account)`;
  if (id.startsWith('node:')) return `${accountLabel(kind)} (account node ${id.slice(5)}, no account id)`;
  return `${accountLabel(kind)} ${id}`;
}

/** Deployed accounts first (by name), then lists kept in the store for accounts not deployed now. */
async function accountsOf(RED: NodeAPI, lists: ConsentList): Promise<ConsentAccountView[]> {
  const views = new Map<string, ConsentAccountView>();
  RED.nodes.eachNode((def) => {
    if (def.type !== 'sms account') return;
    const node = RED.nodes.getNode(def.id) as SmsAccountNode | null;
    if (!node) return;
    const key = consentAccountOf(node);
    const view = views.get(key) ?? { key, label: labelOf(key), names: [] };
    view.names.push(node.name || node.id);
    views.set(key, view);
  });
  for (const key of await lists.accounts()) if (!views.has(key)) views.set(key, { key, label: labelOf(key), names: [] });
  return [...views.values()].sort((a, b) => (a.names.length === 0) === (b.names.length === 0) ? a.label.localeCompare(b.label) : a.names.length ? -1 : 1);
}

/** The store for one request: opened if no node holds it, and closed again after. */
async function withLists<T>(RED: NodeAPI, fn: (lists: ConsentList) => Promise<T>): Promise<T> {
  const shared = acquireStore(RED);
  try {
    return await fn(consentList(await shared.ready));
  } finally {
    await releaseStore(true);
  }
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The country a deployed account with this list reads national numbers in (its `country` setting). */
function countryOf(RED: NodeAPI, key: string): string | undefined {
  let country: string | undefined;
  RED.nodes.eachNode((def) => {
    if (country || def.type !== 'sms account') return;
    const node = RED.nodes.getNode(def.id) as SmsAccountNode | null;
    if (node?.country && consentAccountOf(node) === key) country = node.country;
  });
  return country;
}

/** The account a request names, when it is one the sidebar lists; else answers 404. */
async function knownAccount(RED: NodeAPI, lists: ConsentList, key: string, res: Response): Promise<boolean> {
  if (key && (await accountsOf(RED, lists)).some((a) => a.key === key)) return true;
  fail(res, 404, key ? `no sms account with the opt-out list "${key}": deploy the account first` : 'which account? (account is missing)');
  return false;
}

async function list(RED: NodeAPI, req: Request, res: Response): Promise<void> {
  await withLists(RED, async (lists) => {
    const account = text(req.query.account);
    if (!account) {
      res.json({ accounts: await accountsOf(RED, lists) });
      return;
    }
    if (!(await knownAccount(RED, lists, account, res))) return;
    res.json({ account, entries: await lists.list(account) });
  });
}

async function add(RED: NodeAPI, req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const account = text(body.account);
  const country = countryOf(RED, account);
  const number = internationalNumber(text(body.number), country);
  if (!number) return fail(res, 400, numberProblem(text(body.number), country) ?? 'no number given');
  await withLists(RED, async (lists) => {
    if (!(await knownAccount(RED, lists, account, res))) return;
    const detail = text(body.detail).trim().slice(0, 200);
    const { entry, added } = await lists.optOut(account, number, { why: 'sidebar', ...(detail ? { detail } : {}) });
    res.json({ entry, added });
  });
}

async function remove(RED: NodeAPI, req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const account = text(body.account);
  const number = internationalNumber(text(body.number), countryOf(RED, account)) ?? text(body.number).trim();
  if (!number) return fail(res, 400, 'no number given');
  await withLists(RED, async (lists) => {
    if (!(await knownAccount(RED, lists, account, res))) return;
    const removed = await lists.optIn(account, number, 'sidebar');
    res.json({ removed: removed ?? null });
  });
}

async function exportCsv(RED: NodeAPI, req: Request, res: Response): Promise<void> {
  const account = text(req.query.account);
  await withLists(RED, async (lists) => {
    if (!(await knownAccount(RED, lists, account, res))) return;
    const file = `opt-out-${account.replace(/[^A-Za-z0-9_-]+/g, '-')}.csv`;
    res.setHeader('Content-Disposition', `attachment; filename="${file}"`);
    res.type('text/csv; charset=utf-8').send(toCsv(await lists.list(account)));
  });
}

async function importCsv(RED: NodeAPI, req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const account = text(body.account);
  if (typeof body.csv !== 'string') return fail(res, 400, 'csv is missing: send { account, csv } with the file as text');
  const parsed = fromCsv(body.csv, countryOf(RED, account));
  await withLists(RED, async (lists) => {
    if (!(await knownAccount(RED, lists, account, res))) return;
    let added = 0;
    for (let i = 0; i < parsed.entries.length; i += IMPORT_BATCH) {
      const batch = parsed.entries.slice(i, i + IMPORT_BATCH);
      const results = await Promise.all(batch.map((e) => lists.optOut(account, e.number, { why: 'import', at: e.since, detail: e.detail })));
      added += results.filter((r) => r.added).length;
    }
    res.json({ added, alreadyListed: parsed.entries.length - added, skipped: parsed.skipped.slice(0, 50), skippedCount: parsed.skipped.length });
  });
}

const bodyParser = lazyRequire<typeof BodyParser>('body-parser');
let jsonParser: RequestHandler | undefined;
const LIMIT_BYTES = 2 * 1024 * 1024;

function tooLarge(res: Response): void {
  fail(res, 413, `the request is larger than ${IMPORT_LIMIT.toUpperCase()}, the most an import takes (about 50 000 numbers): split the file`);
}

function badJson(res: Response): void {
  fail(res, 400, 'the request body is not valid JSON: send { account, number } or { account, csv }');
}

/**
 * The body of a write route: JSON only (415 otherwise), an object (400 otherwise), at most
 * IMPORT_LIMIT (413): each answered with a sentence, never the framework's error page.
 * Node-RED's admin app parses JSON itself (up to its `apiMaxLength`) before these routes: the
 * cap is checked on what was sent, and its parser's errors are answered by `bodyErrors`.
 */
const json: RequestHandler = (req, res, next) => {
  if (!req.is('application/json')) {
    return fail(res, 415, `send the request as JSON (Content-Type: application/json), not ${req.headers['content-type'] ? `"${String(req.headers['content-type']).split(';')[0]}"` : 'without a Content-Type'}`);
  }
  if (Number(req.headers['content-length']) > LIMIT_BYTES) return tooLarge(res);
  jsonParser ??= bodyParser().json({ limit: IMPORT_LIMIT, strict: true });
  jsonParser(req, res, (err?: unknown) => {
    if (err) return bodyErrors(err, req, res, next);
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return fail(res, 400, 'the request body must be a JSON object: { account, number } or { account, csv }');
    }
    // Sent without a length (chunked): the text itself is measured.
    if (typeof (body as { csv?: unknown }).csv === 'string' && Buffer.byteLength((body as { csv: string }).csv) > LIMIT_BYTES) return tooLarge(res);
    next();
  });
};

/** A body parser's error on these routes (too large, not JSON) as a sentence with its status. */
export const bodyErrors: ErrorRequestHandler = (err: unknown, _req: Request, res: Response, next: (err?: unknown) => void): void => {
  const e = err as { type?: string; status?: number } | undefined;
  if (res.headersSent) return next(err);
  if (e?.type === 'entity.too.large' || e?.status === 413) return tooLarge(res);
  if (e?.type === 'entity.parse.failed' || e?.status === 400) return badJson(res);
  next(err);
};

/** The opt-out list routes (admin-routes.ts registers them: reading needs `sms-consent.read`, changing it `sms-consent.write`). */
export function consentHandlers(
  RED: NodeAPI,
): Record<'consentLists' | 'consentExport' | 'consentAdd' | 'consentRemove' | 'consentImport', RequestHandler[]> {
  const run = (fn: (RED: NodeAPI, req: Request, res: Response) => Promise<void>): RequestHandler => (req, res) => {
    fn(RED, req, res).catch((err: Error) => {
      // The store unreachable, most likely: said as such, not as a crash.
      if (!res.headersSent) fail(res, 503, `the opt-out list cannot be reached: ${err.message}`);
    });
  };
  return {
    consentLists: [run(list)],
    consentExport: [run(exportCsv)],
    consentAdd: [json, run(add)],
    consentRemove: [json, run(remove)],
    consentImport: [json, run(importCsv)],
  };
}
