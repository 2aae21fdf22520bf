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
