import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ProviderId } from '../sms/types';

/**
 * The messages this runtime's SMS simulator sent, so `sms reply` hands their replies back to
 * the simulator instead of a provider. A message counts as simulated only when its id was
 * recorded here AND its request carried the random token made for that id: an outside
 * caller can neither add ids here nor guess the token, so nothing it sends turns a real
 * reply off, even a message with the same id as a simulated one.
 */

/** The header that carries the token, only on the simulator's own loopback request. */
export const SIMULATION_HEADER = 'x-sms-simulation';

/** A reply `sms reply` would have sent, as the simulator shows it. */
export interface SimulatedReply {
  /** The simulated inbound message this answers. */
  inReplyTo: string;
  provider: ProviderId;
  messageId: string;
  to: string;
  from: string;
  text: string;
  media: string[];
  /** The provider's answer format (`twiml`) for a reply in the webhook's answer; `api`: what would have gone through the provider's API. */
  via: string;
  /** The flow answered without a reply (STOP, or nothing wired to answer): nothing would be sent. */
  none?: true;
}

interface Entry {
  token: Buffer;
  at: number;
}

export class SimulatedMessages {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(reply: SimulatedReply) => void>();
  private sequence = 0;

  constructor(
    private readonly ttlMs = 30 * 60_000,
    private readonly max = 1000,
  ) {}

  /** Records a message about to be simulated; returns the token its request must carry. */
  remember(provider: ProviderId, messageId: string, now = Date.now()): string {
    this.prune(now);
    const token = randomBytes(32);
    const key = `${provider}:${messageId}`;
    this.entries.delete(key);
    this.entries.set(key, { token, at: now });
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return token.toString('hex');
  }

  /** Whether this message came from the simulator: recorded id and the right token. */
  isSimulated(provider: string, messageId: string, req: Pick<IncomingMessage, 'headers'> | undefined, now = Date.now()): boolean {
    this.prune(now);
    const entry = this.entries.get(`${provider}:${messageId}`);
    const header = req?.headers?.[SIMULATION_HEADER];
    if (!entry || typeof header !== 'string' || !/^[0-9a-f]{64}$/.test(header)) return false;
    return timingSafeEqual(entry.token, Buffer.from(header, 'hex'));
  }

  /**
   * Whether `sms in` stamped this message as simulated (see isSimulated) and the id is
   * still one the simulator sent: what `sms reply` checks, since nodes between the two may
   * rebuild the message and drop `msg.req` with its header.
   */
  isStamped(sms: { provider: string; messageId: string; simulated?: boolean }, now = Date.now()): boolean {
    if (sms.simulated !== true) return false;
    this.prune(now);
    return this.entries.has(`${sms.provider}:${sms.messageId}`);
  }

  /** Passes a reply to the simulator; returns the id it gets (the provider would give one). */
  handOver(reply: Omit<SimulatedReply, 'messageId'>): string {
    this.sequence += 1;
    const messageId = `SIMULATED-${Date.now().toString(36)}-${this.sequence}`;
    for (const listener of this.listeners) listener({ ...reply, messageId });
    return messageId;
  }

  /** Tells the simulator that the flow answered `inReplyTo` without a reply. */
  noReply(reply: Pick<SimulatedReply, 'inReplyTo' | 'provider' | 'to' | 'from' | 'via'>): void {
    this.sequence += 1;
    const event: SimulatedReply = { ...reply, messageId: `NO-REPLY-${Date.now().toString(36)}-${this.sequence}`, text: '', media: [], none: true };
    for (const listener of this.listeners) listener(event);
  }

  onReply(listener: (reply: SimulatedReply) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.at < this.ttlMs) break;
      this.entries.delete(key);
    }
  }
}

/** One per runtime: the simulator plugin and every `sms reply` node share it. */
export const simulatedMessages = new SimulatedMessages();
