/** Now as ISO 8601 UTC, for providers that send no timestamp. */
export function isoNow(): string {
  return new Date().toISOString();
}

/** Any date string `Date` understands, as ISO 8601 UTC; `undefined` when unparseable. */
export function toIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Vonage SMS API `YYYY-MM-DD HH:MM:SS` (UTC) as ISO 8601. */
export function fromVonageTimestamp(value: string | undefined): string | undefined {
  const m = value?.match(/^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/);
  if (!m) return undefined;
  return toIso(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}

/** Carrier `YYMMDDHHMM` (Vonage DLR `scts`, which Vonage gives in UTC) as ISO 8601. */
export function fromCarrierTimestamp(value: string | undefined): string | undefined {
  const m = value?.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/);
  if (!m) return undefined;
  return toIso(`20${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}Z`);
}
