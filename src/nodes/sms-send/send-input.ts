import type { ProviderModule } from '../../providers/types';
import type { OutboundRequest } from '../../runtime/outbound-queue';
import type { NodeMessage } from '../../runtime/red';
import { isPhoneSide } from '../../sms/channels';
import { parseRecipient } from '../../sms/phone';

/** A message input could not be read: the node fails it with this sentence (done(err)). */
export class SendInputError extends Error {}
SendInputError.prototype.name = 'SendInputError';

/** `msg.sendAt`: an ISO time or epoch ms; undefined: now. */
export function sendAtOf(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const at = typeof value === 'number' ? value : value instanceof Date ? value.getTime() : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Date.parse(String(value));
  if (!Number.isFinite(at)) throw new SendInputError(`msg.sendAt is ${JSON.stringify(value)}: give an ISO time such as 2026-12-02T08:00:00Z, or epoch milliseconds`);
  return at;
}

/** The recipients: one, or an array (a broadcast); numbers or strings. */
export function recipientsOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value === undefined || value === null || value === '') throw new SendInputError('no recipient: set msg.to (a number, or an array of numbers for a broadcast), or the node\'s To');
  return [value];
}

/** The sender as given: a number is written in E.164; an alphanumeric sender, a Messaging Service or a channel id as it is. */
export function senderOf(value: unknown, channel: string, country: string | undefined): string {
  const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
  if (!text) throw new SendInputError('no sender: set the node\'s From (a number, a sender name, a Messaging Service MG…) or msg.from');
  if (!isPhoneSide(channel, 'business') || !/^[+\d][\d\s().-]{5,}$/.test(text)) return text;
  const parsed = parseRecipient(text, country);
  return parsed.ok ? parsed.e164 : text;
}

/** One recipient in the shape its channel takes: E.164 where it is a phone number, else as given. */
export function recipientOf(value: unknown, channel: string, country: string | undefined): { ok: true; to: string } | { ok: false; to: string; error: string } {
  const shown = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : JSON.stringify(value) ?? String(value);
  if (!isPhoneSide(channel, 'person')) return shown ? { ok: true, to: shown } : { ok: false, to: shown, error: 'an empty recipient' };
  const parsed = parseRecipient(value, country);
  return parsed.ok ? { ok: true, to: parsed.e164 } : { ok: false, to: shown, error: `${parsed.error}: nothing was sent` };
}

/** What the provider cannot send on the node's channel, said when the node starts. */
export function channelProblem(provider: ProviderModule, channel: string): string | undefined {
  const channels = provider.reply.outbound.channels;
  if (channels.includes(channel)) return undefined;
  return `${provider.label} cannot send on the channel "${channel}": choose one of ${channels.join(', ')}`;
}

/**
 * What of the input message the job keeps, to build its output after a restart: JSON values
 * only, without the recipients (a broadcast's list would be copied into every job) or a live
 * request/response.
 */
export function jsonSafe(msg: NodeMessage): Record<string, unknown> {
  const seen = new WeakSet<object>();
  const text = JSON.stringify(msg, function (key, value: unknown) {
    if (this === msg && (key === 'to' || key === 'req' || key === 'res')) return undefined;
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return undefined;
      seen.add(value);
    }
    return value;
  });
  return JSON.parse(text ?? '{}') as Record<string, unknown>;
}

export type Queued = Omit<OutboundRequest, 'request' | 'msg'>;
