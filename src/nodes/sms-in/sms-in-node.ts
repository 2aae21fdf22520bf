import type { Request, Response } from 'express';
import { addWebhookRoute } from '../../http/webhook-route';
import { endpointSetup, refuseAll } from '../common/endpoint-setup';
import { watchEndpoint } from '../common/endpoint-watch';
import { multipartLimits } from './multipart-limits';
import { takeExpiredGroups } from '../../runtime/multipart-expiry';
import { afterEachDeploy } from '../../runtime/flow-events';
import { NodeMemory } from '../../runtime/node-memory';
import { canReachAnswer } from '../../runtime/reachability';
import { RecentIds } from '../../sms/recent-ids';
import type { Node, NodeAPI, NodeDef, NodeMessage } from '../../runtime/red';
import { wrapResponse } from '../../runtime/response-wrapper';
import { sendSafely } from '../../runtime/safe-send';
import { receive } from '../../http/receive';
import { NodeInbox, messageOfGroup } from '../../runtime/node-inbox';
import { NodeConsent } from '../common/node-consent';
import { onUnsavedChange, unsavedCount } from '../../runtime/consent';
import { refuse } from '../../http/refusals';
import { simulatedMessages } from '../../runtime/simulated-messages';
import { claimAnswer, type ClaimedAnswer } from '../../runtime/open-questions';
import type { InboundSms } from '../../sms/types';
import type { ProviderModule } from '../../providers/types';

interface Live {
  req?: Request;
  res?: Response;
}

interface Memory {
  recent: RecentIds;
}

const memory = new NodeMemory<Memory>(() => ({ recent: new RecentIds() }));

/** Nothing after this node can answer: the simulator says "no reply sent" instead of waiting. */
function noReply(sms: InboundSms, via: string): void {
  simulatedMessages.noReply({ inReplyTo: sms.messageId, provider: sms.provider, to: sms.from, from: sms.to, via });
}

/** The `sms in` node's constructor, made once per runtime when the first one starts (see sms-in.ts). */
export function smsInNode(RED: NodeAPI): (this: Node, def: NodeDef) => void {
  function SmsIn(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const setup = endpointSetup(RED, node, def, '/sms/inbound');
    if (!setup) return;
    const { path, verifiable } = setup;
    const timeoutS = Number(def.replyTimeout);
    const replyTimeoutMs = 1000 * (Number.isFinite(timeoutS) && timeoutS > 0 ? timeoutS : 10);
    const watch = watchEndpoint(RED, node, path, verifiable, setup.problem);
    const { counter } = watch;

    const mem = memory.get(node.id);
    mem.recent.setTtl(setup.retentionMs);
    /** Webhooks held open for the flow to reply in, with the provider that acknowledges each. */
    const held = new Map<Response, ProviderModule>();

    // Whether any answering node is downstream; wiring elsewhere can change on any deploy.
    let answerable: boolean | undefined;
    const forget = (): void => {
      answerable = undefined;
    };
    const stopForgetting = afterEachDeploy(RED, forget);

    const inbox = new NodeInbox(RED, node, path);
    counter.setStore(inbox.kind);
    // Once closed, nothing this node started shows a status or sends (a consent write finishing late).
    let closed = false;
    // Shown while the store cannot be reached; cleared (only) by the next request it takes.
    let storeDown = false;
    // Opt-outs kept in memory because the store could not take them (runtime/consent.ts): shown until it has them all.
    let unsaved = unsavedCount();
    const showProblems = (): void => {
      // A node that cannot take messages shows why (its settings) instead.
      if (closed || setup.problem) return;
      const held = unsaved ? `${unsaved} opt-out${unsaved === 1 ? '' : 's'} kept in memory, not yet in the sms store` : '';
      if (storeDown) counter.setProblem({ fill: 'red', text: ['sms store unavailable', ...(held ? [held] : [])].join(' · ') });
      else counter.setProblem(held ? { fill: 'yellow', text: held } : undefined);
    };
    const stopUnsaved = onUnsavedChange((count) => {
      unsaved = count;
      showProblems();
    });
    const storeProblem = (why?: string): void => {
      if (!why === !storeDown) return;
      storeDown = !!why;
      if (why) node.warn(`sms store unavailable (${why}): messages from providers that retry are answered 503 until it is back`);
      else node.log('sms store reachable again');
      showProblems();
    };

    /**
     * Emits `sms`; when it is in the inbox (`inboxId`), it leaves once the flow has finished with it.
     * The answer to an open question leaves from the sms ask that asked it instead (SPEC §9).
     */
    const emitNow = (sms: InboundSms, live: Live, inboxId?: string, answer?: ClaimedAnswer): void => {
      const msg: NodeMessage & { _msgid: string } = {
        _msgid: RED.util.generateId(),
        payload: sms.text,
        topic: sms.from,
        sms,
      };
      if (live.req) msg.req = live.req;
      if (live.res) msg.res = wrapResponse(node, live.res);
      const out = answer ? (m: NodeMessage) => answer.deliver(m) : (m: NodeMessage) => sendSafely(node, m);
      if (inboxId) inbox.send(msg, inboxId, out, answer ? () => answer.finished() : undefined);
      else out(msg);
    };
    // A STOP or START is on the opt-out list before the flow sees it, so a send right after respects it.
    const consent = new NodeConsent(node, inbox.shared);
    const emit = (sms: InboundSms, live: Live, inboxId?: string, answer?: ClaimedAnswer): void => {
      const kept = consent.keep(sms, setup.account);
      if (!kept) return emitNow(sms, live, inboxId, answer);
      // A message in the inbox that a closed node did not emit is emitted again at the next start.
      kept
        .then(() => {
          if (!closed) emitNow(sms, live, inboxId, answer);
        })
        .catch((err) => {
          if (!closed) node.error(`could not pass on message ${sms.messageId}: ${err instanceof Error ? err.message : String(err)}`);
        });
    };
    // A crash (or kill) left these in the inbox: emitted again once every node is there to receive them.
    const redeliver = (): void => {
      inbox
        .redeliver((sms, id) => void claimAnswer(RED, sms, id).then((answer) => emit(sms, {}, id, answer)))
        .catch((err) => node.warn(`could not emit again what the sms store's inbox holds: ${err instanceof Error ? err.message : String(err)}`));
    };
    const stopRedelivering = afterEachDeploy(RED, redeliver);
    // Vonage multipart parts are held in the store; a group past its expiry is already in the
    // inbox when the runtime's sweep hands it here, and goes out with what arrived.
    const limits = multipartLimits(RED.settings.smsMultipart);
    const stopExpiry = takeExpiredGroups(node.id, path, inbox.shared.ready, limits.expiryMs, (m) => node.warn(m), (group) => {
      const whole = messageOfGroup(group);
      void claimAnswer(RED, whole, group.inboxId).then((answer) => emit(whole, {}, group.inboxId, answer));
    });

    const handle = async (req: Request, res: Response): Promise<void> => {
      const received = receive('inbound', setup, req, res, watch.refused);
      if (!received) return;
      const { provider, value: sms } = received;
      // Judged here, where the simulator's token header is still on the request: the flow
      // may rebuild the message (function, join) and drop msg.req before sms reply sees it.
      if (simulatedMessages.isSimulated(sms.provider, sms.messageId, req)) sms.simulated = true;
      // Per node, as before the store: the simulator's ids must not shadow a real message on another node.
      const seenKey = `${node.id}:${sms.provider}:${sms.messageId}`;
      if (sms.concat) {
        await takePart(provider, sms, seenKey, req, res);
        return;
      }
      const admitted = await inbox.admit(seenKey, sms);
      let inboxId: string | undefined = seenKey;
      if (typeof admitted === 'object') {
        storeProblem(admitted.unavailable);
        if (!provider.reply.inAnswer) {
          // Vonage retries anything but 2xx for a day: it comes back when the store does.
          res.setHeader('Retry-After', '10');
          refuse(res, { status: 503, reason: '503 sms store unavailable', text: 'the sms store is unavailable: try again later' }, watch.refused);
          return;
        }
        // Twilio does not retry: the message goes on without the store, with a warning (SPEC §7).
        node.warn(`sms store unavailable (${admitted.unavailable}): message ${sms.messageId} goes on in memory only`);
        inboxId = undefined;
        if (mem.recent.check(seenKey)) {
          provider.acknowledge(res);
          counter.add('duplicate');
          return;
        }
      } else {
        storeProblem(undefined);
        // Retries of an acknowledged message are acknowledged again, not emitted again.
        if (admitted === 'duplicate') {
          provider.acknowledge(res);
          counter.add('duplicate');
          return;
        }
      }
      counter.add('received');
      // Parts went to takePart above; a whole message is asked about here.
      const answer = await claimAnswer(RED, sms, inboxId);
      const reachesAnswer = (): boolean => (answer ? answer.answerable : (answerable ??= canReachAnswer(RED, node.wires, node.id)));
      const inAnswer = provider.reply.inAnswer;
      if (!inAnswer) {
        // A provider that takes no reply in the answer (Vonage retries anything but 2xx for
        // a day): acknowledge before the flow runs.
        provider.acknowledge(res);
        emit(sms, { req, res }, inboxId, answer);
        if (sms.simulated && !reachesAnswer()) noReply(sms, 'api');
        return;
      }
      if (!reachesAnswer()) {
        provider.acknowledge(res);
        if (sms.simulated) noReply(sms, inAnswer.format);
        emit(sms, { req, res }, inboxId, answer);
        return;
      }
      held.set(res, provider);
      // Never longer than the provider waits for the answer.
      const timer = setTimeout(() => provider.acknowledge(res), Math.min(replyTimeoutMs, inAnswer.windowMs));
      res.on('close', () => {
        clearTimeout(timer);
        held.delete(res);
      });
      emit(sms, { req, res }, inboxId, answer);
    };

    /**
     * A Vonage SMS API part (the only provider that splits): held in the store until its
     * message is whole, each part acknowledged once it is there. Held parts are never pushed
     * out for new ones: a part that would start a group past the caps waits at the provider
     * (503, it retries), as does any part while the store is unreachable.
     */
    const takePart = async (provider: ProviderModule, sms: InboundSms, seenKey: string, req: Request, res: Response): Promise<void> => {
      const ref = sms.concat?.ref ?? '';
      const outcome = await inbox.addPart(seenKey, `${node.id}|${sms.from}|${sms.to}|${ref}`, sms, limits);
      const unavailable = typeof outcome === 'object' && 'unavailable' in outcome ? outcome.unavailable : undefined;
      storeProblem(unavailable);
      if (unavailable !== undefined || outcome === 'full') {
        res.setHeader('Retry-After', unavailable === undefined ? '60' : '10');
        const refusal =
          unavailable === undefined
            ? { status: 503, reason: '503 multipart memory full', text: 'too many multipart messages are waiting for their other parts: try again later' }
            : { status: 503, reason: '503 sms store unavailable', text: 'the sms store is unavailable: try again later' };
        refuse(res, refusal, watch.refused);
        return;
      }
      counter.add(outcome === 'duplicate' ? 'duplicate' : 'received');
      provider.acknowledge(res);
      if (typeof outcome === 'object' && 'complete' in outcome) {
        const whole = outcome.complete;
        emit(whole, { req, res }, outcome.inboxId, await claimAnswer(RED, whole, outcome.inboxId));
      }
    };

    const takeSafely = (req: Request, res: Response): void => {
      handle(req, res).catch((err) => {
        node.error(`could not take the message: ${err instanceof Error ? err.message : String(err)}`);
        if (!res.headersSent) res.status(503).type('text/plain').send('could not take the message; retry later');
      });
    };
    const removeRoute = addWebhookRoute(RED, path, setup.problem ? refuseAll(setup.problem, watch.refused) : takeSafely, watch.refused);
    counter.listening();
    if (unsaved) showProblems();

    node.on('close', (removed: boolean, done: () => void) => {
      closed = true;
      stopUnsaved();
      removeRoute();
      watch.close();
      stopForgetting();
      stopRedelivering();
      for (const [res, provider] of held) provider.acknowledge(res);
      stopExpiry();
      if (removed) memory.delete(node.id);
      inbox.close(removed).finally(done);
    });
  }
  return SmsIn;
}
