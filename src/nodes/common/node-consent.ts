import type { ProviderModule } from '../../providers/types';
import { type ConsentList, type OptOutEntry, keepUnsaved, runtimeConsent, unsavedOptOut } from '../../runtime/consent';
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
   * A STOP the store cannot take is kept in memory, honoured, and written again until the
   * store takes it (runtime/consent.ts); the promise resolves with `'unsaved'` then.
   */
  keep(sms: InboundSms, account: SmsAccountNode | undefined): Promise<'kept' | 'unsaved' | 'not-kept'> | undefined {
    if (sms.optOut !== 'stop' && sms.optOut !== 'start') return undefined;
    const key = consentAccountOf(account, sms);
    const said = sms.text.trim().slice(0, 40) || sms.optOut.toUpperCase();
    const channel = sms.channel;
    if (sms.optOut === 'stop') {
      const change = { why: 'stop' as const, at: sms.timestamp, detail: said, channel };
      return this.lists()
        .then((l) => l.optOut(key, sms.from, change))
        .then(
          () => 'kept' as const,
          (err) => {
            try {
              keepUnsaved(key, sms.from, change);
            } catch (e) {
              this.node.warn(`could not add ${sms.from} to the opt-out list (${why(err)}; ${why(e)}): the message goes on`);
              return 'not-kept' as const;
            }
            this.node.warn(
              `could not add ${sms.from} to the opt-out list (${why(err)}): kept in memory, so sms reply and sms send in this Node-RED refuse the number, and written to the list once the sms store takes it`,
            );
            return 'unsaved' as const;
          },
        );
    }
    return this.lists()
      .then((l) => l.optIn(key, sms.from, 'start', channel))
      .then(
        () => 'kept' as const,
        (err) => {
          this.node.warn(`could not remove ${sms.from} from the opt-out list (${why(err)}): the message goes on, and the number stays listed if it was`);
          return 'not-kept' as const;
        },
      );
  }

  /**
   * The entry when `number` is listed for the account (an opt-out kept in memory counts);
   * undefined when not, or when the list cannot be read (warned).
   */
  async listed(account: string, number: string, channel?: string): Promise<OptOutEntry | undefined> {
    try {
      return await (await this.lists()).optedOut(account, number, channel);
    } catch (err) {
      const held = unsavedOptOut(account, number, channel);
      if (held) return held;
      this.node.warn(`could not read the opt-out list (${why(err)}): ${number} is treated as not opted out`);
      return undefined;
    }
  }

  /**
   * After a failed send: when the provider's refusal means the recipient opted out (Twilio
   * 21610), puts them on the list and resolves with what the provider said and whether the
   * list has it (`saved`: false when it is kept in memory only, the store failing); else undefined.
   */
  async refused(provider: ProviderModule, err: unknown, account: string, number: string, channel?: string): Promise<{ detail: string; saved: boolean } | undefined> {
    const detail = provider.optOut.refused(err);
    if (!detail) return undefined;
    const change = { why: 'provider-refusal' as const, detail, channel };
    try {
      await (await this.lists()).optOut(account, number, change);
      return { detail, saved: true };
    } catch (e) {
      try {
        keepUnsaved(account, number, change);
      } catch {
        // Not a number a list can hold: said below all the same.
      }
      this.node.warn(`${number} was refused as opted out (${detail}) but could not be written to the opt-out list (${why(e)}): kept in memory until the sms store takes it`);
      return { detail, saved: false };
    }
  }
}
