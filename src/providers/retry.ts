export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** First wait; each later wait is three times longer. */
  baseMs: number;
  /** Longest wait a provider's Retry-After may ask for; asked for longer, the send fails. */
  maxWaitMs: number;
  /** How long a provider call may take before its outcome is called unknown. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 2, baseMs: 300, maxWaitMs: 5000, timeoutMs: 20_000 };

/** What a failed attempt says about trying again. */
export interface RetryVerdict {
  retry: boolean;
  /** Seconds from a Retry-After header, if the provider sent one. */
  retryAfterS?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt`, trying again only on what `judge` says the provider cannot have accepted
 * (SPEC §3), with a bounded backoff that honours Retry-After. Anything else fails at once:
 * a 4xx will not change, and after a 5xx or a timeout the message may have gone out.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  judge: (err: unknown) => RetryVerdict,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      const verdict = judge(err);
      if (!verdict.retry || n >= policy.retries) throw err;
      const asked = verdict.retryAfterS !== undefined ? verdict.retryAfterS * 1000 : 0;
      // Sending before the provider said it would take it again is refused again.
      if (asked > policy.maxWaitMs) throw err;
      await sleep(Math.min(Math.max(policy.baseMs * 3 ** n, asked), policy.maxWaitMs));
    }
  }
}

/** Retry-After as seconds: a number of seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

/** The transports' code for a timeout that came before a connection was made (exchange.ts). */
export const CONNECT_TIMEOUT = 'CONNECT_TIMEOUT';

/**
 * Socket errors that come before a single byte of the request left: the name did not
 * resolve, nothing listened, no route, no connection in time. Not ECONNRESET or a timeout
 * once connected, which may come after the provider read the request.
 */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', CONNECT_TIMEOUT]);

/** The socket error code of `err` or of its cause (fetch wraps it), if any. */
export function errorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; errno?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string') return e.code;
    if (typeof e.errno === 'string') return e.errno;
    e = e.cause as typeof e;
  }
  return undefined;
}

/** Whether the request never reached the provider, so sending it again cannot send it twice. */
export function neverSent(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && NOT_SENT_CODES.has(code);
}

/** The sentence for an attempt whose outcome nobody knows. */
export const OUTCOME_UNKNOWN =
  'the outcome is unknown: the provider may have sent the message, so it was not sent again automatically (that could send it twice)';

/**
 * Whether a failed provider call surely left the message unsent (a 4xx, or no connection),
 * or may have sent it (a 5xx, a timeout, a connection lost after the request went out).
 */
export function outcomeUnknown(status: number | undefined, err: unknown): boolean {
  if (status !== undefined) return status >= 500;
  return !neverSent(err);
}
