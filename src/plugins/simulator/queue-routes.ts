import type BodyParser from 'body-parser';
import type { Request, RequestHandler, Response } from 'express';
import type { SmsAccountNode } from '../../nodes/sms-account/account';
import { accountLabel } from '../../providers';
import { lazyRequire } from '../../runtime/lazy-require';
import { outboundQueue, type SendJob } from '../../runtime/outbound-queue';
import type { NodeAPI } from '../../runtime/red';

// The outbound queue of sms send in the SMS sidebar (SPEC §8): per account what waits, what
// is being sent and what is scheduled, the first jobs (to, when due, which node queued it),
// and a person pausing, resuming or clearing it. Admin routes, behind Node-RED's permissions:
// reading needs `sms-queue.read`, changing `sms-queue.write`.

/** Jobs the sidebar may ask for per account at once. */
const MAX_JOBS = 100;

export interface QueueSenderView {
  from: string;
  waiting: number;
  scheduled: number;
  sending: number;
}

/** One job as the sidebar shows it: nothing of the account's credentials, nor of the input message. */
export interface QueueJobView {
  id: string;
  to: string;
  from: string;
  text: string;
  channel: string;
  /** `waiting`: due, its turn comes; `scheduled`: `msg.sendAt` in the future. */
  state: 'waiting' | 'scheduled';
  dueAt: string;
  queuedAt: string;
  /** The sms send node that queued it, and its name (or its type when it has none, or is gone). */
  node: string;
  nodeName: string;
}

export interface QueueAccountView {
  /** The `sms account` node's id (the queue is kept per account node). */
  id: string;
  name: string;
  /** `Twilio`, `Vonage`; empty when the account is not deployed. */
  provider: string;
  deployed: boolean;
  paused: boolean;
  waiting: number;
  scheduled: number;
  sending: number;
  senders: QueueSenderView[];
  jobs?: QueueJobView[];
}

function fail(res: Response, status: number, error: string): void {
  res.status(status).json({ error });
}

function jobView(RED: NodeAPI, dueAt: number, job: SendJob, now: number): QueueJobView {
  const node = RED.nodes.getNode(job.owner);
  return {
    id: job.id,
    to: job.request.to,
    from: job.request.from,
    text: job.request.text ?? '',
    channel: job.request.channel ?? 'sms',
    state: dueAt > now ? 'scheduled' : 'waiting',
    dueAt: new Date(dueAt).toISOString(),
    queuedAt: new Date(job.enqueuedAt).toISOString(),
    node: job.owner,
    nodeName: node?.name || 'sms send',
  };
}

/** Deployed accounts first (by name), then accounts not deployed now whose jobs or pause are still in the store. */
async function accountsOf(RED: NodeAPI): Promise<QueueAccountView[]> {
  const queue = outboundQueue(RED);
  const [counts, paused] = await Promise.all([queue.counts(), queue.pausedAccounts()]);
  const views = new Map<string, QueueAccountView>();
  const empty = (id: string, name: string, provider: string, deployed: boolean): QueueAccountView => ({
    id,
    name,
    provider,
    deployed,
    paused: paused.includes(id),
    waiting: 0,
    scheduled: 0,
    sending: 0,
    senders: [],
  });
  RED.nodes.eachNode((def) => {
    if (def.type !== 'sms account') return;
    const node = RED.nodes.getNode(def.id) as SmsAccountNode | null;
    if (node) views.set(node.id, empty(node.id, node.name || node.id, accountLabel(node.provider), true));
  });
  const gone = (id: string): QueueAccountView => {
    let view = views.get(id);
    if (!view) views.set(id, (view = empty(id, id, '', false)));
    return view;
  };
  for (const c of counts) {
    const view = gone(c.account);
    view.waiting += c.waiting;
    view.scheduled += c.scheduled;
    view.sending += c.sending;
    const sender = view.senders.find((s) => s.from === c.from);
    if (sender) {
      sender.waiting += c.waiting;
      sender.scheduled += c.scheduled;
      sender.sending += c.sending;
    } else view.senders.push({ from: c.from, waiting: c.waiting, scheduled: c.scheduled, sending: c.sending });
  }
  for (const id of paused) gone(id);
  return [...views.values()].sort((a, b) => (a.deployed === b.deployed ? a.name.localeCompare(b.name) : a.deployed ? -1 : 1));
}

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

async function list(RED: NodeAPI, req: Request, res: Response): Promise<void> {
  const asked = req.query.jobs;
  let jobs = 0;
  if (asked !== undefined) {
    jobs = typeof asked === 'string' && /^\d{1,4}$/.test(asked) ? Number(asked) : NaN;
    if (!(jobs >= 0 && jobs <= MAX_JOBS)) return fail(res, 400, `jobs must be a whole number from 0 to ${MAX_JOBS} (how many jobs to show per account)`);
  }
  const only = text(req.query.account);
  let accounts = await accountsOf(RED);
  if (only) {
    accounts = accounts.filter((a) => a.id === only);
    if (!accounts.length) return fail(res, 404, `no sms account "${only}" is deployed or has jobs in the queue`);
  }
  if (jobs > 0) {
    const now = Date.now();
    for (const a of accounts) {
      a.jobs = a.waiting + a.scheduled > 0 ? (await outboundQueue(RED).jobs(a.id, jobs)).map((j) => jobView(RED, j.dueAt, j.job, now)) : [];
    }
  }
  res.json({ accounts });
}

/** The account a write names: a sentence and 400 / 404 when it names none the sidebar lists. */
async function accountOf(RED: NodeAPI, req: Request, res: Response): Promise<QueueAccountView | undefined> {
  if (!req.is('application/json')) {
    fail(res, 400, 'send JSON (Content-Type: application/json), e.g. {"account": "<sms account node id>"}');
    return undefined;
  }
  const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
  const id = text(body.account);
  if (!id) {
    fail(res, 400, 'which account? Send {"account": "<sms account node id>"}');
    return undefined;
  }
  const found = (await accountsOf(RED)).find((a) => a.id === id);
  if (!found) fail(res, 404, `no sms account "${id}" is deployed or has jobs in the queue`);
  return found;
}

function pauseRoute(paused: boolean) {
  return async (RED: NodeAPI, req: Request, res: Response): Promise<void> => {
    const account = await accountOf(RED, req, res);
    if (!account) return;
    await outboundQueue(RED).setPaused(account.id, paused);
    res.json({ account: account.id, paused });
  };
}

async function clear(RED: NodeAPI, req: Request, res: Response): Promise<void> {
  const account = await accountOf(RED, req, res);
  if (!account) return;
  const cleared = await outboundQueue(RED).clear(account.id);
  res.json({ account: account.id, cleared });
}

const bodyParser = lazyRequire<typeof BodyParser>('body-parser');
let jsonParser: RequestHandler | undefined;
const json: RequestHandler = (req, res, next) => {
  jsonParser ??= bodyParser().json({ limit: '4kb' });
  jsonParser(req, res, (err?: unknown) => (err ? fail(res, 400, `the body is not JSON of at most 4 kB: ${(err as Error).message}`) : next()));
};

/** The queue's routes (admin-routes.ts registers them behind Node-RED's own permissions). */
export function queueHandlers(RED: NodeAPI): Record<'queueAccounts' | 'queuePause' | 'queueResume' | 'queueClear', RequestHandler[]> {
  const run = (fn: (RED: NodeAPI, req: Request, res: Response) => Promise<void>): RequestHandler => (req, res) => {
    fn(RED, req, res).catch((err: Error) => {
      // The store unreachable, most likely: said as such, not as a crash.
      if (!res.headersSent) fail(res, 503, `the outbound queue cannot be reached in the sms store: ${err.message}`);
    });
  };
  return {
    queueAccounts: [run(list)],
    queuePause: [json, run(pauseRoute(true))],
    queueResume: [json, run(pauseRoute(false))],
    queueClear: [json, run(clear)],
  };
}
