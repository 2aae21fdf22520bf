// Keys and values the stores accept: short strings, JSON values. Checked in one place so
// every store refuses the same things.

const MAX_KEY_LENGTH = 512;
/** Vonage's concat-total is one byte; nothing longer exists. */
export const MAX_PARTS = 255;

export function checkKey(what: string, key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new RangeError(`${what} must be a string of 1 to ${MAX_KEY_LENGTH} characters`);
  }
}

export function checkPart(index: number, total: number): void {
  if (!Number.isInteger(total) || total < 1 || total > MAX_PARTS) {
    throw new RangeError(`multipart total must be an integer from 1 to ${MAX_PARTS}`);
  }
  if (!Number.isInteger(index) || index < 1 || index > total) {
    throw new RangeError(`multipart index must be an integer from 1 to the total (${total})`);
  }
}

export function checkTtl(ttlMs: number | undefined): void {
  if (ttlMs !== undefined && (!Number.isInteger(ttlMs) || ttlMs <= 0)) {
    throw new RangeError('ttlMs must be a positive integer');
  }
}

/** The JSON text of a value; `undefined` (no JSON) is refused rather than stored as nothing. */
export function toJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('store values must be JSON values');
  return text;
}

/** Collection names become part of redis keys: letters, digits, '-' and '_' only. */
export function checkName(name: string): void {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw new RangeError('a collection name is 1 to 64 letters, digits, "-" or "_"');
  }
}
