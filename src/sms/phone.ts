/**
 * E.164 with a leading `+` where the value is a phone number (Vonage sends
 * `447700900001`); alphanumeric senders and short codes are returned as sent.
 */
export function toE164(value: string): string {
  const trimmed = value.trim();
  if (/^\+\d{7,15}$/.test(trimmed)) return trimmed;
  if (/^\d{7,15}$/.test(trimmed)) return `+${trimmed}`;
  return trimmed;
}

/** Vonage APIs take numbers without `+`. */
export function toVonageNumber(value: string): string {
  return /^\+\d+$/.test(value) ? value.slice(1) : value;
}

type PhoneLib = typeof import('libphonenumber-js');
let phoneLib: PhoneLib | undefined;
function lib(): PhoneLib {
  // Loaded by the first number to read, not when Node-RED starts (the domain imports nothing
  // local, so this is written out rather than runtime/lazy-require).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  phoneLib ??= require('libphonenumber-js') as PhoneLib;
  return phoneLib;
}

/** Whether `code` is a country libphonenumber-js knows (ISO 3166 alpha-2, e.g. GB, US). */
export function isCountryCode(code: unknown): code is string {
  return typeof code === 'string' && /^[A-Z]{2}$/.test(code) && lib().isSupportedCountry(code);
}

export type RecipientNumber = { ok: true; e164: string } | { ok: false; error: string };

/**
 * A number as people type it, in E.164: `+44 7700 900123`, `447700900123` (country code
 * without `+`), or `07700 900123` read in `country` (the account's). Only the length and
 * country code are checked (a possible number), not whether it is assigned: reserved test
 * ranges such as +44 7700 900xxx and +1 555 01xx are possible numbers.
 */
export function parseRecipient(input: unknown, country?: string): RecipientNumber {
  const text = typeof input === 'number' ? String(input) : typeof input === 'string' ? input.trim() : '';
  if (!text) return { ok: false, error: 'no number given' };
  // Every reply and send reads its number (the opt-out check): libphonenumber-js takes tens of
  // µs per number, and the same people write again and again. Answers are kept, bounded.
  const key = `${country ?? ''}\u0000${text}`;
  const known = readNumbers.get(key);
  if (known) return known;
  const read = Object.freeze(readNumber(text, country));
  if (readNumbers.size >= READ_NUMBERS_MAX) readNumbers.delete(readNumbers.keys().next().value as string);
  readNumbers.set(key, read);
  return read;
}

/** Numbers already read, oldest first (a Map keeps insertion order). */
const readNumbers = new Map<string, RecipientNumber>();
const READ_NUMBERS_MAX = 10_000;

function readNumber(text: string, country: string | undefined): RecipientNumber {
  const { parsePhoneNumberFromString } = lib();
  const international = text.replace(/^00/, '+');
  const digits = international.replace(/[\s().-]/g, '');
  const tries: Array<() => ReturnType<typeof parsePhoneNumberFromString>> = [];
  if (digits.startsWith('+')) tries.push(() => parsePhoneNumberFromString(digits));
  else {
    if (country && isCountryCode(country)) tries.push(() => parsePhoneNumberFromString(digits, country as Parameters<typeof parsePhoneNumberFromString>[1] & string));
    if (/^\d+$/.test(digits)) tries.push(() => parsePhoneNumberFromString(`+${digits}`));
  }
  for (const attempt of tries) {
    const parsed = attempt();
    if (parsed?.isPossible()) return { ok: true, e164: parsed.number };
  }
  const hint = digits.startsWith('+') || country ? '' : ' (a national number needs the country of the sms account, or write it with + and the country code)';
  return { ok: false, error: `"${text}" is not a possible phone number${hint}` };
}
