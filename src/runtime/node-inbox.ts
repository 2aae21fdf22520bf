import { isStoreUnavailable, type SmsStore } from '../store';
import type { InboundSms } from '../sms/types';
import { installInboxHooks, isInFlight, sendTracked, FINISH_BOUND_MS } from './inbox-tracker';
import type { Node, NodeAPI, NodeMessage } from './red';
import { acquireStore, releaseStore, type RuntimeStore } from './sms-store';

/** What an inbox entry holds: the message, and the sms in node that emits it again. */
export interface InboxValue {
  node: string;
  sms: InboundSms;
}

export type Admission = 'new' | 'duplicate' | { unavailable: string };

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
      return (await store.inbox.admit<InboxValue>(id, { node: this.node.id, sms })) ? 'new' : 'duplicate';
    } catch (err) {
      return { unavailable: reason(err) };
    }
  }

  /** A multipart message completed from parts already acknowledged: into the inbox before it is emitted. */
  async put(id: string, sms: InboundSms): Promise<boolean> {
    try {
      await (await this.open()).inbox.put<InboxValue>(id, { node: this.node.id, sms });
      return true;
    } catch (err) {
      this.node.warn(`message ${id} goes on without being kept in the sms store (${reason(err)}): a crash now would lose it`);
      return false;
    }
  }

  /** True the first time `key` comes within the retention; unavailable says why not known. */
  async firstTime(key: string): Promise<boolean | { unavailable: string }> {
    try {
      return await (await this.open()).seen.firstTime(key);
    } catch (err) {
      return { unavailable: reason(err) };
    }
  }

  /** Sends `msg`; its inbox entry `id` is removed once the flow has finished with it. */
  send(msg: NodeMessage & { _msgid: string }, id: string, send: (msg: NodeMessage) => void): void {
    sendTracked(msg, id, this.hooked, send, (why) => {
      if (why === 'bound') {
        this.node.warn(
          `message ${id} was still in the flow after ${FINISH_BOUND_MS / 60_000} minutes (a join that never completes, a node that never calls done?): it counts as finished and will not be emitted again`,
        );
      }
      this.open()
        .then((store) => store.inbox.remove(id))
        .catch((err) => this.node.warn(`message ${id} stays in the sms store inbox (${reason(err)}): it will be emitted again at the next start`));
    });
  }

  /**
   * Once per node start, after the flows started: entries of this node left by a crash
   * (owned by this instance, not in a flow of this process) are claimed and emitted again.
   */
  async redeliver(emit: (sms: InboundSms, id: string) => void): Promise<void> {
    if (this.redelivered) return;
    this.redelivered = true;
    const store = await this.open();
    const entries = await store.inbox.list<InboxValue>();
    for (const entry of entries) {
      if (entry.owner !== store.instance || entry.value?.node !== this.node.id || isInFlight(entry.id)) continue;
      const claimed = await store.inbox.claim<InboxValue>(entry);
      if (!claimed) continue;
      emit({ ...claimed.value.sms, redelivered: true }, claimed.id);
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
