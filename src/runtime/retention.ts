import { DEFAULT_RETENTION_MS } from '../sms/recent-ids';

/**
 * `smsStore.retentionHours` from settings.js (SPEC §7), in ms: how long seen ids are kept,
 * and how old a signed request may be. Missing or not a positive number: 48 h, longer than
 * Vonage's 24 h of retries.
 */
export function retentionMsOf(settings: Record<string, unknown>): number {
  const store = settings.smsStore as { retentionHours?: unknown } | undefined;
  const hours = Number(store?.retentionHours);
  return Number.isFinite(hours) && hours > 0 ? hours * 3_600_000 : DEFAULT_RETENTION_MS;
}
