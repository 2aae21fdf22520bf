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
  // A provider's sender, + and digits as sent, is answered from the metadata without parsing:
  // cheaper than the memo below, which each new sender would only churn.
  const possible = possibleInternational(text);
  if (possible !== undefined) return Object.freeze(possible ? { ok: true, e164: text } : { ok: false, error: notPossible(text, '') });
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
  if (digits.startsWith('+')) {
    // Every inbound sender is read here, each a new number: libphonenumber's answer is read from
    // its own metadata where that is the same answer, and asked for otherwise.
    const possible = possibleInternational(digits);
    if (possible === true) return { ok: true, e164: digits };
    if (possible === undefined) tries.push(() => parsePhoneNumberFromString(digits));
  } else {
    if (country && isCountryCode(country)) tries.push(() => parsePhoneNumberFromString(digits, country as Parameters<typeof parsePhoneNumberFromString>[1] & string));
    if (/^\d+$/.test(digits)) tries.push(() => parsePhoneNumberFromString(`+${digits}`));
  }
  for (const attempt of tries) {
    const parsed = attempt();
    if (parsed?.isPossible()) return { ok: true, e164: parsed.number };
  }
  const hint = digits.startsWith('+') || country ? '' : ' (a national number needs the country of the sms account, or write it with + and the country code)';
  return { ok: false, error: notPossible(text, hint) };
}

function notPossible(text: string, hint: string): string {
  return `"${text}" is not a possible phone number${hint}`;
}

/**
 * What libphonenumber-js (`parsePhoneNumberFromString(digits)?.isPossible()`) answers for a strict
 * international number, `+` and 7 to 15 digits, without parsing it: true when possible (its E.164
 * is then `digits` itself), false when not, undefined when only libphonenumber can tell. Its parse,
 * for such a number: the calling code is the first 1 to 3 digits that are one (they are
 * prefix-free; none starts with 0); the rest is the national number, which it changes only where
 * the calling code's national prefix for parsing matches at its start (a trunk 0 written after
 * +44, Russia's 8, Argentina's 0 and 15) — then it is asked; it then picks the country among those
 * sharing the calling code (the costly part) and checks the length against that country's possible
 * lengths — so where those countries disagree on a length (+1 with 7 digits: only Canada's), it
 * is asked too. test/sms/phone-international.test.js compares both on every calling code.
 */
function possibleInternational(digits: string): boolean | undefined {
  if (!STRICT_INTERNATIONAL.test(digits)) return undefined;
  if (digits[1] === '0') return false;
  for (let size = 1; size <= 3; size++) {
    const plan = callingPlan(digits.slice(1, 1 + size));
    if (plan === null) continue;
    if (plan === undefined) return undefined;
    const national = digits.slice(1 + size);
    const prefix = plan.prefix?.exec(national);
    // A match of nothing leaves the number as it is (libphonenumber slices off what matched).
    if (prefix && prefix[0] !== '') return undefined;
    return plan.possible[national.length];
  }
  return false;
}

const STRICT_INTERNATIONAL = /^\+\d{7,15}$/;

/** A calling code's rules as libphonenumber-js applies them to an international number. */
type CallingPlan = {
  /** Its national prefix for parsing (or national prefix), anchored as libphonenumber anchors it. */
  prefix: RegExp | undefined;
  /** By national number length: possible in every country of the calling code, in none, or undefined (they differ). */
  possible: Array<boolean | undefined>;
};

/** The parts of libphonenumber-js's `Metadata` (its min metadata, the one the default build reads) used here; most are untyped. */
type PhoneMetadata = {
  hasCallingCode(code: string): boolean | undefined;
  getCountryCodesForCallingCode(code: string): string[] | undefined;
  selectNumberingPlan(countryOrCallingCode: string): unknown;
  numberingPlan?: { nationalPrefixForParsing(): string | undefined; possibleLengths(): number[] | undefined };
};

/** By 1 to 3 digits: that calling code's plan, null when they are no calling code, undefined when every number of it is asked. */
const callingPlans = new Map<string, CallingPlan | null | undefined>();

function callingPlan(code: string): CallingPlan | null | undefined {
  if (callingPlans.has(code)) return callingPlans.get(code);
  const plan = readCallingPlan(code);
  callingPlans.set(code, plan);
  return plan;
}

function readCallingPlan(code: string): CallingPlan | null | undefined {
  const { Metadata } = lib();
  const metadata = new Metadata() as unknown as PhoneMetadata;
  if (!metadata.hasCallingCode(code)) return null;
  // The national number is read with the calling code's main plan (US for +1, GB for +44)...
  metadata.selectNumberingPlan(code);
  const forParsing = metadata.numberingPlan?.nationalPrefixForParsing();
  // ...and its length checked in the country found for it, any of those sharing the code (or the
  // main plan when none is found; a non-geographic code has only that).
  const lengthLists = (metadata.getCountryCodesForCallingCode(code) ?? [code]).map((countryOrCode) => {
    metadata.selectNumberingPlan(countryOrCode);
    return metadata.numberingPlan?.possibleLengths();
  });
  if (lengthLists.some((lengths) => !lengths)) return undefined;
  const possible: Array<boolean | undefined> = [];
  for (let length = 0; length <= 17; length++) {
    const answers = new Set(lengthLists.map((lengths) => hasPossibleLength(lengths as number[], length)));
    possible.push(answers.size === 1 ? answers.has(true) : undefined);
  }
  return { prefix: forParsing ? new RegExp(`^(?:${forParsing})`) : undefined, possible };
}

/** libphonenumber-js's checkNumberLength, as it is written (the list is sorted in its metadata). */
function hasPossibleLength(lengths: number[], length: number): boolean {
  if (lengths[0] === length) return true;
  if (lengths[0] > length) return false;
  if (lengths[lengths.length - 1] < length) return false;
  return lengths.indexOf(length, 1) >= 0;
}
