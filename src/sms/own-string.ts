/**
 * A string of its own. A value parsed from a request is often a slice of it (V8 sliced and
 * cons strings) that keeps the whole body alive: held for days, it would hold the body too.
 * Decoding fresh bytes always allocates a new flat string.
 */
export function ownString(value: string): string {
  return Buffer.from(value, 'utf8').toString('utf8');
}
