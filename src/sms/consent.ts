/**
 * The opt-out list's domain (SPEC §8): who is on it, why, and the CSV a person exports and
 * imports. Where the list is kept is the runtime's business (runtime/consent.ts).
 */
import { isPhoneSide } from './channels';
import { isCountryCode, parseRecipient } from './phone';

/** Why a number is on the list. */
export type OptOutReason = 'stop' | 'provider-refusal' | 'sidebar' | 'import';
/** Why a number left it. */
export type OptInReason = 'start' | 'sidebar' | 'import';

export const OPT_OUT_REASONS: readonly OptOutReason[] = ['stop', 'provider-refusal', 'sidebar', 'import'];

/** One listed number. */
export interface OptOutEntry {
  /** E.164 (`+447700900123`), or a channel id that is not a phone number, exactly as sent. */
  number: string;
  /** ISO 8601 UTC: when they opted out. */
  since: string;
  why: OptOutReason;
  /** What it came from, in a few words: the keyword (`STOP`), the provider's error (`Twilio 21610`), a note. */
  detail?: string;
  /** In memory only: the sms store could not be written when they opted out; retried until it is. */
  unsaved?: true;
}

// What people put between digits: spaces, dashes, dots, brackets.
const FORMATTING = /[\s\-.()/\u00a0]/gu;

/**
 * A typed phone number as E.164, read by libphonenumber-js (the parser sms send uses):
 * `+44 7700 900123`, `0044 7700 900123` and `+44 (0)7700 900123` (the trunk 0 dropped) all give
 * `+447700900123`. Digits without `+` or `00` (`447700900123`, `07700 900123`, `4155551234`)
 * are read only in `country`, the account's country (ISO 3166 alpha-2), and refused without one:
 * `4155551234` could be a US number or a Swiss (+41) one. Undefined when it is not a possible number.
 */
export function internationalNumber(value: string, country?: string): string | undefined {
  const text = String(value ?? '').trim();
  // A written-out trunk prefix: "+44 (0)7700 900123" means +44 7700 900123.
  const bare = text.replace(/\(\s*0\s*\)/g, '').replace(FORMATTING, '');
  if (!/^(\+|00)?\d+$/.test(bare)) return undefined;
  const international = /^(\+|00)/.test(bare);
  if (!international && !(country && isCountryCode(country))) return undefined;
  const parsed = parseRecipient(international ? bare.replace(/^00/, '+') : bare, international ? undefined : country);
  return parsed.ok && /^\+[1-9]\d{6,14}$/.test(parsed.e164) ? parsed.e164 : undefined;
}

/**
 * The key an address is listed under: a phone number as E.164, any other channel address
 * (a Messenger id, which is digits too) trimmed but otherwise as sent. `channel` is the
 * channel the address belongs to (`sms` when not given): only on a channel where the person's
 * side is a phone number are bare digits read as one. Undefined when empty.
 */
export function listedAddress(value: string, channel = 'sms'): string | undefined {
  const trimmed = String(value ?? '').trim();
  if (!trimmed) return undefined;
  if (!isPhoneSide(channel, 'person')) return trimmed;
  let listed = listedNumbers.get(trimmed);
  if (listed === undefined) {
    // A provider's number without + (Vonage's 447700900001) is international already: as before.
    listed = internationalNumber(trimmed) ?? (/^[1-9]\d{6,14}$/.test(trimmed) ? `+${trimmed}` : trimmed);
    if (listedNumbers.size >= 10_000) listedNumbers.clear();
    listedNumbers.set(trimmed, listed);
  }
  return listed;
}
/** Each recipient of a broadcast is looked up twice (queued, then sent): parsed once. */
const listedNumbers = new Map<string, string>();

/** Why a typed number cannot go on the list, as a sentence; undefined when it can. */
export function numberProblem(value: string, country?: string): string | undefined {
  if (internationalNumber(value, country)) return undefined;
  const text = String(value ?? '').trim();
  if (!text) return 'no number given';
  const bare = text.replace(FORMATTING, '');
  if (/^\d+$/.test(bare) && !(country && isCountryCode(country))) {
    return `"${text}" has no country code: write it in international form (+ and the country code, e.g. +44 7700 900123), or give the account a country`;
  }
  return `"${text}" is not a phone number in international form (+, country code, 7 to 15 digits)`;
}

const CSV_COLUMNS = ['number', 'since', 'why', 'detail'] as const;

function csvField(value: string): string {
  // Quoted when it must be; a leading = + - @ is prefixed so a spreadsheet never runs it as a formula.
  const safe = /^[=+\-@]/.test(value) && !/^\+\d+$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The list as CSV, one row per number, with a header row. */
export function toCsv(entries: readonly OptOutEntry[]): string {
  const rows = entries.map((e) => [e.number, e.since, e.why, e.detail ?? ''].map(csvField).join(','));
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

/**
 * The separator of a CSV file: the one of `,` `;` tab that appears most often outside quotes
 * on its first line (a spreadsheet in a comma-decimal locale writes `;`); `,` when none does.
 */
function separatorOf(text: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && c in counts) counts[c] += 1;
  }
  const best = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
  return best[1] > 0 ? best[0] : ',';
}

/**
 * CSV rows as arrays of fields (RFC 4180: quoted fields, doubled quotes, CRLF or LF), split on
 * the file's one separator: a `;` or a tab inside a comma-separated field is text, not a split.
 */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const src = text.replace(/^\uFEFF/, '');
  const separator = separatorOf(src);
  while (i < src.length) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i += 1;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === separator) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
    i += 1;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

export interface CsvImport {
  /** Numbers to list, E.164, each once, with `since` and `detail` when the file had them. */
  entries: Array<{ number: string; since?: string; detail?: string }>;
  /** Rows that were not a number, with the reason: `line 3: "hello" is not a phone number…`. */
  skipped: string[];
}

// Column headings, matched whole (case and surrounding spaces aside): a column named
// `phone` or `number` holds the numbers; `phone type`, `numbers sent` or `total` do not.
const NUMBER_HEADINGS = /^(number|phone|phone[ _-]?number|mobile|mobile[ _-]?number|msisdn|e164|to|from)$/;
const SINCE_HEADINGS = /^(since|date|opted[ _-]?out|opted[ _-]?out[ _-]?at)$/;
const DETAIL_HEADINGS = /^(detail|note|notes|comment|comments)$/;
const REASON_HEADINGS = /^reason$/;

/**
 * Reads a CSV of numbers: the export's own format (`number,since,why,detail`), or any file
 * whose first column (or a column headed exactly number / phone / mobile / msisdn) holds
 * numbers. Separated by `,`, `;` or tabs (the first line says which). A `since` in the future
 * (a clock or a typing mistake) is read as now (`now`, epoch ms, for tests).
 */
export function fromCsv(text: string, country?: string, now = Date.now()): CsvImport {
  const rows = csvRows(text);
  const out: CsvImport = { entries: [], skipped: [] };
  if (rows.length === 0) return out;
  const header = rows[0].map((f) => f.trim().toLowerCase());
  const hasHeader = !internationalNumber(rows[0][0] ?? '') && header.some((h) => NUMBER_HEADINGS.test(h));
  const col = (re: RegExp): number => (hasHeader ? header.findIndex((h) => re.test(h)) : -1);
  const numberCol = Math.max(0, col(NUMBER_HEADINGS));
  const sinceCol = col(SINCE_HEADINGS);
  const detailCol = col(DETAIL_HEADINGS) >= 0 ? col(DETAIL_HEADINGS) : col(REASON_HEADINGS);
  const seen = new Set<string>();
  rows.slice(hasHeader ? 1 : 0).forEach((row, i) => {
    const line = i + (hasHeader ? 2 : 1);
    // A spreadsheet's formula guard (a leading ') is not part of the value.
    const raw = (row[numberCol] ?? '').trim().replace(/^'/, '');
    const number = internationalNumber(raw, country);
    if (!number) {
      out.skipped.push(`line ${line}: ${numberProblem(raw, country)}`);
      return;
    }
    if (seen.has(number)) return;
    seen.add(number);
    const sinceText = sinceCol >= 0 ? (row[sinceCol] ?? '').trim() : '';
    const sinceMs = sinceText ? Date.parse(sinceText) : NaN;
    const since = Number.isNaN(sinceMs) ? undefined : new Date(Math.min(sinceMs, now)).toISOString();
    const detail = detailCol >= 0 ? (row[detailCol] ?? '').trim().replace(/^'/, '').slice(0, 200) : '';
    out.entries.push({ number, ...(since ? { since } : {}), ...(detail ? { detail } : {}) });
  });
  return out;
}
