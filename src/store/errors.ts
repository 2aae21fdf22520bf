import type { StoreKind } from './types';

/**
 * The store cannot be reached (redis down, disk failing) or did not answer in time.
 * Nodes map it to 503 (Vonage retries) and a red status; `cause` says what failed.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'SMS_STORE_UNAVAILABLE';

  constructor(
    readonly kind: StoreKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`sms store (${kind}) unavailable: ${message}`, options);
    this.name = 'StoreUnavailableError';
  }
}

/** `smsStore` in settings.js is not something the store can use; the message says why. */
export class StoreConfigError extends Error {
  constructor(message: string) {
    super(`smsStore setting: ${message}`);
    this.name = 'StoreConfigError';
  }
}

export function isStoreUnavailable(err: unknown): err is StoreUnavailableError {
  return err instanceof StoreUnavailableError;
}

/**
 * Rejects with StoreUnavailableError when `work` has not settled within `ms`. The work
 * itself may still complete later: the outcome of a timed-out write is unknown.
 */
export function withinTime<T>(kind: StoreKind, ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError(kind, `${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
