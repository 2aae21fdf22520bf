import type { SignedTime } from '../providers/types';

/** How far ahead of this clock a provider's clock may be. */
export const MAX_AHEAD_MS = 5 * 60_000;

function span(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= 3 * 86_400_000) return `${Math.round(abs / 86_400_000)} days`;
  if (abs >= 2 * 3_600_000) return `${Math.round(abs / 3_600_000)} h`;
  if (abs >= 2 * 60_000) return `${Math.round(abs / 60_000)} minutes`;
  return `${Math.round(abs / 1000)} s`;
}

/**
 * Why a verified request is refused as a possible replay (SPEC §4), or undefined when its
 * signed time is within the window: no older than the retention (within it, a replay is a
 * duplicate that the seen-id memory drops) and no more than 5 minutes ahead.
 */
export function replayProblem(signed: SignedTime, retentionMs: number, now = Date.now()): string | undefined {
  if (signed.atMs === undefined) {
    return `the signed request has no ${signed.what}, so it could be a replay of an old one`;
  }
  const age = now - signed.atMs;
  if (age > retentionMs) {
    return (
      `the ${signed.what} is ${span(age)} old, older than the ${span(retentionMs)} for which message ids are ` +
      'remembered (smsStore.retentionHours)'
    );
  }
  if (-age > MAX_AHEAD_MS) return `the ${signed.what} is ${span(age)} in the future: check the clock of this server`;
  return undefined;
}
