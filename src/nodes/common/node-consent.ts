import type { ProviderModule } from '../../providers/types';
import { type ConsentList, type OptOutEntry, runtimeConsent } from '../../runtime/consent';
import type { Node } from '../../runtime/red';
import type { RuntimeStore } from '../../runtime/sms-store';
import type { InboundSms } from '../../sms/types';
import type { SmsAccountNode } from '../sms-account/account';
import { consentAccountOf } from './consent-account';

const why = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * What a node does with the opt-out lists (SPEC §8), with the store's failures turned into
 * warnings: a message is never lost, nor a flow stopped, because the list could not be read.
 */
export class NodeConsent {
  constructor(
    private readonly node: Node,
    private readonly store: RuntimeStore,
  ) {}

  private lists(): Promise<ConsentList> {
    return runtimeConsent(this.store);
  }

  /**
   * sms in: a STOP (a keyword, or Twilio's OptOutType) puts the sender on the account's
   * list, a START takes them off. Undefined, at no cost, for any other message; else a
   * promise that settles (never rejects) once the list has it, before the message goes on.
   */
  keep(sms: InboundSms, account: SmsAccountNode | undefined): Promise<void> | undefined {
    if (sms.optOut !== 'stop' && sms.optOut !== 'start') return undefined;
    const key = consentAccountOf(account, sms);
    const said = sms.text.trim().slice(0, 40) || sms.optOut.toUpperCase();
    const change =
      sms.optOut === 'stop'
        ? this.lists().then((l) => l.optOut(key, sms.from, { why: 'stop', at: sms.timestamp, detail: said }))
        : this.lists().then((l) => l.optIn(key, sms.from, 'start'));
    return change.then(
      () => undefined,
      (err) => this.node.warn(`could not ${sms.optOut === 'stop' ? 'add' : 'remove'} ${sms.from} ${sms.optOut === 'stop' ? 'to' : 'from'} the opt-out list (${why(err)}): the message goes on`),
    );
  }

  /** The entry when `number` is listed for the account; undefined when not, or when the list cannot be read (warned). */
  async listed(account: string, number: string): Promise<OptOutEntry | undefined> {
    try {
      return await (await this.lists()).optedOut(account, number);
    } catch (err) {
      this.node.warn(`could not read the opt-out list (${why(err)}): ${number} is treated as not opted out`);
      return undefined;
    }
  }

  /**
   * After a failed send: when the provider's refusal means the recipient opted out (Twilio
   * 21610), puts them on the list and resolves with what the provider said; else undefined.
   */
  async refused(provider: ProviderModule, err: unknown, account: string, number: string): Promise<string | undefined> {
    const detail = provider.optOut.refused(err);
    if (!detail) return undefined;
    try {
      await (await this.lists()).optOut(account, number, { why: 'provider-refusal', detail });
    } catch (e) {
      this.node.warn(`${number} was refused as opted out (${detail}) but could not be added to the opt-out list (${why(e)})`);
    }
    return detail;
  }
}
