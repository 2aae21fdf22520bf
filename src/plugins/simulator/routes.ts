import type BodyParser from 'body-parser';
import type { Request, RequestHandler, Response } from 'express';
import { toE164 } from '../../sms/phone';
import { lazyRequire } from '../../runtime/lazy-require';
import type { NodeAPI } from '../../runtime/red';
import { endpointUrl } from '../../runtime/public-url';
import { PROVIDERS, isProviderId, simulatedProvider } from '../../providers';
import type { OutgoingWebhook, SimulatedOutcome, SimulatedText } from '../../providers/types';
import { type SimulatorEndpoint, listEndpoints, secretsOf } from './endpoints';
import { type LoopbackAnswer, ownOrigin, postToSelf } from './loopback';
import { SIMULATION_HEADER, type SimulatedReply, simulatedMessages } from '../../runtime/simulated-messages';

/** Beyond the time sms in may hold a webhook open for the flow's answer (the provider's answer window). */
const WEBHOOK_MARGIN_MS = 10_000;
/** How long a send waits for an API reply (Vonage) before answering; later ones arrive over comms. */
const DEFAULT_WAIT_MS = 3000;
const MAX_TEXT = 1600;
const PHONE = /^\+?\d{5,15}$|^[A-Za-z0-9 ]{1,11}$/;
const OUTCOMES: SimulatedOutcome[] = ['delivered', 'undelivered', 'failed'];

function fail(res: Response, status: number, error: string): void {
  res.status(status).json({ error });
}

function endpointById(RED: NodeAPI, id: unknown, type: SimulatorEndpoint['type']): SimulatorEndpoint | undefined {
  return listEndpoints(RED).find((e) => e.id === id && e.type === type);
}

/** Full URL to post to, and the URL the node checks a Twilio signature against. */
function urlsFor(RED: NodeAPI, endpoint: SimulatorEndpoint): { target: string; signed: string } | undefined {
  const target = endpointUrl(RED, ownOrigin(RED), endpoint.path);
  return target ? { target, signed: endpoint.url ?? target } : undefined;
}

/** A non-2xx answer from the node, in words for the conversation pane. */
function refusal(answer: LoopbackAnswer): string | undefined {
  if (answer.status >= 200 && answer.status < 300) return undefined;
  const said = answer.contentType.startsWith('text/plain') ? `: ${answer.text.slice(0, 300)}` : '';
  const auth = answer.status === 401 ? ' (httpNodeAuth in settings.js protects the endpoints; the simulator cannot log in)' : '';
  return `the node answered HTTP ${answer.status}${said}${auth}`;
}

/** Collects the simulator replies to `messageId`; `wait(ms)` ends at the first one or after `ms`. */
function collectReplies(messageId: string): { replies: SimulatedReply[]; wait(ms: number): Promise<void>; stop(): void } {
  const replies: SimulatedReply[] = [];
  let wake: (() => void) | undefined;
  const stop = simulatedMessages.onReply((reply) => {
    if (reply.inReplyTo !== messageId) return;
    replies.push(reply);
    wake?.();
  });
  return {
    replies,
    stop,
    wait(ms) {
      if (replies.length || ms <= 0) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
  };
}

/** What the simulated message carries besides text: a location or a menu choice, or a sentence saying what is wrong. */
function contentOf(body: Record<string, unknown>): Pick<SimulatedText, 'location' | 'choice'> | string {
  const { location, choice } = body;
  if (location !== undefined && location !== null) {
    const l = location as Record<string, unknown>;
    const latitude = Number(l.latitude);
    const longitude = Number(l.longitude);
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
      return 'a location needs a latitude (-90 to 90) and a longitude (-180 to 180), e.g. 51.5072, -0.1276';
    }
    const name = typeof l.name === 'string' && l.name.trim() ? l.name.trim().slice(0, 100) : undefined;
    return { location: { latitude, longitude, ...(name ? { name } : {}) } };
  }
  if (choice !== undefined && choice !== null) {
    const c = choice as Record<string, unknown>;
    const id = typeof c.id === 'string' ? c.id.trim().slice(0, 200) : '';
    if (!id) return 'a menu choice needs its id, e.g. hours';
    const title = typeof c.title === 'string' && c.title.trim() ? c.title.trim().slice(0, 100) : id;
    return { choice: { id, title } };
  }
  return {};
}

async function send(RED: NodeAPI, req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const endpoint = endpointById(RED, body.node, 'sms in');
  if (!endpoint) return fail(res, 404, 'no deployed sms in node with that id: deploy the flow first');
  const channel = typeof body.channel === 'string' && body.channel ? body.channel : 'sms';
  const content = contentOf(body);
  if (typeof content === 'string') return fail(res, 400, content);
  if (channel === 'sms' && (content.location || content.choice)) return fail(res, 400, 'locations and menu choices come on WhatsApp: choose the WhatsApp channel');
  const text = typeof body.text === 'string' ? body.text : '';
  if (text.length > MAX_TEXT) return fail(res, 400, `text longer than ${MAX_TEXT} characters`);
  const from = typeof body.from === 'string' && body.from.trim() ? body.from.trim() : '+15551230001';
  const to = typeof body.to === 'string' && body.to.trim() ? body.to.trim() : '+15557650002';
  if (!PHONE.test(from) || !PHONE.test(to)) return fail(res, 400, 'from and to must be phone numbers such as +15551230001');
  const urls = urlsFor(RED, endpoint);
  if (!urls) return fail(res, 503, 'Node-RED is not listening on a network address the simulator can reach');

  const provider = simulatedProvider(endpoint.provider, endpoint.accountProvider, typeof body.provider === 'string' ? body.provider : undefined);
  const { simulate, reply } = PROVIDERS[provider];
  const inAnswer = reply.inAnswer;
  if (!simulate.channels.includes(channel)) {
    return fail(res, 400, `${provider} webhooks carry ${simulate.channels.join(', ')} only, not ${channel}: send as another provider's format, or as SMS`);
  }
  const messageId = simulate.newMessageId();
  const { secrets, credentials } = secretsOf(RED, endpoint);
  let webhook: OutgoingWebhook;
  try {
    webhook = simulate.inbound({ messageId, from: toE164(from), to: toE164(to), text, channel, ...content }, { secrets, credentials, url: urls.signed });
  } catch (err) {
    return fail(res, 400, `could not sign the simulated message: ${(err as Error).message}`);
  }
  const token = simulatedMessages.remember(provider, messageId);
  const collector = collectReplies(messageId);
  try {
    const answer = await postToSelf(urls.target, webhook, { [SIMULATION_HEADER]: token }, (inAnswer?.windowMs ?? 0) + WEBHOOK_MARGIN_MS);
    const error = refusal(answer);
    // A provider that replies in the webhook's answer (TwiML): the replies are in it.
    if (!error && inAnswer) {
      for (const m of inAnswer.read(answer.text)) {
        simulatedMessages.handOver({ inReplyTo: messageId, provider, to: toE164(from), from: toE164(to), text: m.text, media: m.media, via: inAnswer.format });
      }
    }
    const waitMs = Math.min(Math.max(Number(body.waitMs ?? DEFAULT_WAIT_MS) || 0, 0), 10_000);
    if (!error && !inAnswer) await collector.wait(waitMs);
    res.json({
      messageId,
      provider,
      channel,
      type: content.location ? 'location' : content.choice ? 'reply' : 'text',
      url: urls.target,
      signed: endpoint.signed,
      status: answer.status,
      replies: collector.replies,
      ...(error ? { error } : {}),
    });
  } catch (err) {
    fail(res, 502, `could not reach the sms in node at ${urls.target}: ${(err as Error).message}`);
  } finally {
    collector.stop();
  }
}

async function receipt(RED: NodeAPI, req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const endpoint = endpointById(RED, body.node, 'sms status');
  if (!endpoint) return fail(res, 404, 'no deployed sms status node with that id: deploy the flow first');
  const messageId = typeof body.messageId === 'string' ? body.messageId.trim() : '';
  const to = typeof body.to === 'string' ? body.to.trim() : '';
  const from = typeof body.from === 'string' ? body.from.trim() : '';
  if (!messageId || !PHONE.test(to) || !PHONE.test(from)) {
    return fail(res, 400, 'messageId, to and from of the reply are needed: send a message that gets a reply first');
  }
  if (body.outcome !== undefined && !OUTCOMES.includes(body.outcome as SimulatedOutcome)) {
    return fail(res, 400, `outcome must be one of ${OUTCOMES.join(', ')}`);
  }
  const outcome = (body.outcome as SimulatedOutcome | undefined) ?? 'delivered';
  const urls = urlsFor(RED, endpoint);
  if (!urls) return fail(res, 503, 'Node-RED is not listening on a network address the simulator can reach');
  // A receipt comes from the provider that sent the reply: a node that takes another
  // provider's webhooks would only refuse it.
  const replyProvider = typeof body.provider === 'string' ? body.provider : undefined;
  if (replyProvider && !endpoint.accepts.some((id) => id === replyProvider)) {
    const name = endpoint.name ? `"${endpoint.name}"` : endpoint.path;
    const label = isProviderId(replyProvider) ? PROVIDERS[replyProvider].label : replyProvider;
    return fail(res, 400, `the sms status node ${name} does not take ${label} receipts: choose an sms status node for the provider of the reply`);
  }
  const provider = simulatedProvider(endpoint.provider, endpoint.accountProvider, replyProvider);
  const { secrets, credentials } = secretsOf(RED, endpoint);
  try {
    const webhook = PROVIDERS[provider].simulate.receipt({ messageId, to: toE164(to), from: toE164(from), outcome }, { secrets, credentials, url: urls.signed });
    const answer = await postToSelf(urls.target, webhook, {}, WEBHOOK_MARGIN_MS);
    const error = refusal(answer);
    res.json({ provider, outcome, url: urls.target, status: answer.status, ...(error ? { error } : {}) });
  } catch (err) {
    fail(res, 502, `could not send the receipt to ${urls.target}: ${(err as Error).message}`);
  }
}

const bodyParser = lazyRequire<typeof BodyParser>('body-parser');
let jsonParser: RequestHandler | undefined;

/** JSON bodies; body-parser loads with the first simulator request, not with every Node-RED start. */
const json: RequestHandler = (req, res, next) => {
  jsonParser ??= bodyParser().json({ limit: '16kb' });
  jsonParser(req, res, next);
};

/** The simulator's routes (admin-routes.ts registers them behind Node-RED's own permissions). */
export function simulatorHandlers(RED: NodeAPI): Record<'endpoints' | 'send' | 'receipt', RequestHandler[]> {
  const run = (fn: (RED: NodeAPI, req: Request, res: Response) => Promise<void>): RequestHandler => (req, res) => {
    fn(RED, req, res).catch((err: Error) => {
      if (!res.headersSent) fail(res, 500, `simulator failed: ${err.message}`);
    });
  };
  return {
    endpoints: [(_req, res) => res.json({ endpoints: listEndpoints(RED) })],
    send: [json, run(send)],
    receipt: [json, run(receipt)],
  };
}
