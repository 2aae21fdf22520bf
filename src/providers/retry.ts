export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** First wait; each later wait is three times longer. */
  baseMs: number;
  /** Longest wait a provider's Retry-After may ask for. */
  maxWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 2, baseMs: 300, maxWaitMs: 5000 };

/** What a failed attempt says about trying again. */
export interface RetryVerdict {
  retry: boolean;
  /** Seconds from a Retry-After header, if the provider sent one. */
  retryAfterS?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt`, trying again on what `judge` calls transient (429, 5xx) with a bounded
 * backoff; anything else (4xx) fails at once, since sending it again cannot help.
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
      const backoff = policy.baseMs * 3 ** n;
      const asked = verdict.retryAfterS !== undefined ? verdict.retryAfterS * 1000 : 0;
      await sleep(Math.min(Math.max(backoff, asked), policy.maxWaitMs));
    }
  }
}

/** 429 and 5xx are worth another try. */
export function isTransientStatus(status: number | undefined): boolean {
  return status === 429 || (status !== undefined && status >= 500 && status <= 599);
}
