import { isStoreUnavailable, type HeldGroup, type MultipartLimits, type SmsStore } from '../store';
import { combineParts } from '../sms/multipart';
import type { InboundSms } from '../sms/types';
import { installInboxHooks, isInFlight, sendTracked, FINISH_BOUND_MS } from './inbox-tracker';
import type { Node, NodeAPI, NodeMessage } from './red';
import { acquireStore, releaseStore, type RuntimeStore } from './sms-store';

/** What an inbox entry holds: the message, and the sms in node that emits it again. */
export interface InboxValue {
  node: string;
  /** The node's path: a node deployed on it in place of a removed one takes what it left. */
  path?: string;
  sms: InboundSms;
}

export type Admission = 'new' | 'duplicate' | { unavailable: string };

/** A multipart part's fate: held, a retry, no room (503), or the whole message, already in the inbox. */
export type PartAdmission = 'held' | 'duplicate' | 'full' | { unavailable: string } | { complete: InboundSms; inboxId?: string };

/** An inbox entry is one message, or a multipart group that completed or expired (its parts). */
type InboxHolding = InboxValue | HeldGroup<InboxValue>;

function isGroup(value: InboxHolding): value is HeldGroup<InboxValue> {
  return Array.isArray((value as HeldGroup<InboxValue>).parts);
}

/** A held group as one message: its parts in order, `incomplete` when some never came. */
export function messageOfGroup(group: HeldGroup<InboxValue>): InboundSms {
  return combineParts(
    group.parts.map((p) => p.value.sms),
    group.total,
  );
}

function heldBy(value: InboxHolding | undefined): { node?: string; path?: string; sms?: () => InboundSms } {
  if (!value) return {};
  if (isGroup(value)) return { node: value.parts[0]?.value?.node, path: value.parts[0]?.value?.path, sms: () => messageOfGroup(value) };
  return { node: value.node, path: value.path, sms: () => value.sms };
}

/**
 * An sms in (or sms status) node's view of the runtime's store: admits what arrives, takes
 * it out of the inbox when the flow has finished with it, and emits again at start what a
 * crash left there.
 */
export class NodeInbox {
  readonly shared: RuntimeStore;
  private readonly hooked: boolean;
  private store?: SmsStore;
  private redelivered = false;

  constructor(
    private readonly RED: NodeAPI,
    private readonly node: Node,
    private readonly path?: string,
  ) {
    this.shared = acquireStore(RED);
    this.hooked = installInboxHooks(RED);
    this.shared.ready.then(
      (store) => (this.store = store),
      () => undefined,
    );
  }

  get kind(): string {
    return this.shared.kind;
  }

  private async open(): Promise<SmsStore> {
    return this.store ?? (this.store = await this.shared.ready);
  }

  /** The inbound message's one step before it is acknowledged: seen id and inbox entry. */
  async admit(id: string, sms: InboundSms): Promise<Admission> {
    try {
      const store = await this.open();
      return (await store.inbox.admit<InboxValue>(id, this.valueOf(sms))) ? 'new' : 'duplicate';
    } catch (err) {
      return { unavailable: reason(err) };
    }
  }

  /**
   * A Vonage multipart part, before it is acknowledged: a retry (seen id) is a duplicate;
   * otherwise held in the store's group, and the part that completes it gets the whole
   * message, put in the inbox (under the first part's id) in the same step.
   */
  async addPart(seenKey: string, group: string, sms: InboundSms, limits: MultipartLimits): Promise<PartAdmission> {
    const concat = sms.concat;
    if (!concat) throw new TypeError('addPart takes a part of a multipart message');
    let store: SmsStore;
    try {
      store = await this.open();
      if (!(await store.seen.firstTime(seenKey))) return 'duplicate';
    } catch (err) {
      return { unavailable: reason(err) };
    }
    try {
      const part = { group, index: concat.part, total: concat.total, value: this.valueOf(sms), sender: sms.from, inboxId: seenKey };
      const added = await store.multipart.add<InboxValue>(part, limits);
      if (added.state === 'complete') {
        const parts = added.parts.map((value, i) => ({ index: i + 1, value }));
        return { complete: messageOfGroup({ group, total: concat.total, firstAt: 0, parts }), inboxId: added.inboxId };
      }
      if (added.state === 'full') await store.seen.forget(seenKey);
      return added.state;
    } catch (err) {
      // Not held: not acknowledged either (503), so the retry must not look like a duplicate.
      await store.seen.forget(seenKey).catch(() => undefined);
      return { unavailable: reason(err) };
    }
  }

  /**
   * Sends `msg`; its inbox entry `id` is removed once the flow has finished with it, and then
   * `removed` is called.
   */
  send(msg: NodeMessage & { _msgid: string }, id: string, send: (msg: NodeMessage) => void, removed?: () => void): void {
    sendTracked(msg, id, this.hooked, send, (why) => {
      if (why === 'bound') {
        this.node.warn(
          `message ${id} was still in the flow after ${FINISH_BOUND_MS / 60_000} minutes (a join that never completes, a node that never calls done?): it counts as finished and will not be emitted again`,
        );
      }
      this.open()
        .then((store) => store.inbox.remove(id))
        .then(() => removed?.())
        .catch((err) => this.node.warn(`message ${id} stays in the sms store inbox (${reason(err)}): it will be emitted again at the next start`));
    });
  }

  private valueOf(sms: InboundSms): InboxValue {
    return this.path === undefined ? { node: this.node.id, sms } : { node: this.node.id, path: this.path, sms };
  }

  /** Whether this node emits (again) an entry held by `held`: its own, or one a removed node on its path left. */
  private takes(held: { node?: string; path?: string }): boolean {
    if (held.node === this.node.id) return true;
    return held.node !== undefined && held.path !== undefined && held.path === this.path && !this.RED.nodes.getNode(held.node);
  }

  /**
   * Once per node start, after the flows started: entries of this node left by a crash
   * (owned by this instance, not in a flow of this process) are claimed and emitted again,
   * and so are those of a node no longer in the flows that listened on the same path.
   */
  async redeliver(emit: (sms: InboundSms, id: string) => void): Promise<void> {
    if (this.redelivered) return;
    this.redelivered = true;
    const store = await this.open();
    const entries = await store.inbox.list<InboxHolding>();
    for (const entry of entries) {
      if (entry.owner !== store.instance || !this.takes(heldBy(entry.value)) || isInFlight(entry.id)) continue;
      const claimed = await store.inbox.claim<InboxHolding>(entry);
      const sms = heldBy(claimed?.value).sms;
      if (!claimed || !sms) continue;
      emit({ ...sms(), redelivered: true }, claimed.id);
    }
  }

  close(removed: boolean): Promise<void> {
    return releaseStore(removed);
  }
}

function reason(err: unknown): string {
  if (isStoreUnavailable(err)) return err.message;
  return err instanceof Error ? err.message : String(err);
}
