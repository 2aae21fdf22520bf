import type { InboundSms } from './types';
import { keywordOf, optOutOf } from './keywords';

export interface MultipartLimits {
  /** Groups held at once; past it a part that would start a new group is refused. */
  maxGroups: number;
  /** Groups one sender may have open at once, so one sender cannot take the room of all. */
  maxGroupsPerSender: number;
  /** Bytes the held parts may take in the sms store (their JSON), across groups. */
  maxBytes: number;
  /** How long a group waits for its missing parts. */
  expiryMs: number;
}

export const DEFAULT_LIMITS: MultipartLimits = {
  maxGroups: 10_000,
  maxGroupsPerSender: 20,
  maxBytes: 16 * 1024 * 1024,
  expiryMs: 5 * 60_000,
};

/** One message from the parts that arrived, in part order. */
export function combineParts(parts: InboundSms[], total: number): InboundSms {
  const ordered = [...parts].sort((a, b) => (a.concat?.part ?? 0) - (b.concat?.part ?? 0));
  const head = ordered[0];
  const text = ordered.map((p) => p.text).join('');
  const combined: InboundSms = {
    ...head,
    text,
    keyword: keywordOf(text),
    optOut: optOutOf(text),
    segments: total,
    raw: ordered.map((p) => p.raw),
  };
  if (combined.optOut === undefined) delete combined.optOut;
  delete combined.concat;
  if (ordered.length < total) combined.incomplete = true;
  return combined;
}
