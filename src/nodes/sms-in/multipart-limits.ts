import { DEFAULT_LIMITS, type MultipartLimits } from '../../sms/multipart';

/**
 * Multipart limits, from `smsMultipart` in settings.js when set (for very busy numbers, and
 * for tests that cannot wait five minutes for a group to expire):
 *   smsMultipart: { expiryMs: 300000, maxGroups: 10000, maxGroupsPerSender: 20, maxBytes: 16777216 }
 * A field that is missing or not a positive number keeps its default.
 */
export function multipartLimits(configured: unknown): MultipartLimits {
  const limits = { ...DEFAULT_LIMITS };
  if (typeof configured !== 'object' || configured === null) return limits;
  for (const key of Object.keys(limits) as (keyof MultipartLimits)[]) {
    const value = Number((configured as Record<string, unknown>)[key]);
    if (Number.isFinite(value) && value > 0) limits[key] = value;
  }
  return limits;
}
