import type { OutgoingWebhook, SigningContext } from './types';

/**
 * Helpers of the providers' `simulate` members: webhooks exactly as each provider sends them
 * (SPEC §4, §5), signed with the account's secret when it has one, for the SMS simulator to
 * post to an `sms in` / `sms status` node. Pure: no I/O; time and ids come in or are random.
 */

export function formBody(params: Record<string, string>): OutgoingWebhook['body'] {
  return new URLSearchParams(params).toString();
}

export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' } as const;

export function now(ctx: SigningContext): Date {
  return ctx.now ?? new Date();
}

/** ISO 8601 without milliseconds, as the Messages API writes `timestamp`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}
