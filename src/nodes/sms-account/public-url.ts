/** The account's Public URL as the nodes use it, and what was wrong with what was typed. */
export interface PublicUrl {
  /** Scheme, host and port, no trailing slash; undefined when none is usable. */
  url?: string;
  /** A sentence for the account's warning when the typed value was changed or ignored. */
  warning?: string;
}

const ORIGIN = /^(https?:\/\/[^/?#\s]+)(.*)$/i;

/**
 * Public URL is the address the provider calls, scheme + host (+ port) only: each sms in /
 * sms status adds its own path. A path typed into it (`https://abc.example.app/sms/twilio`)
 * would be added twice (`…/sms/twilio/sms/twilio`) and every Twilio signature would fail,
 * so it is dropped, with a warning. Anything that is not an http(s) address is ignored.
 */
export function checkPublicUrl(typed: unknown): PublicUrl {
  const value = typeof typed === 'string' ? typed.trim() : '';
  if (!value) return {};
  const match = ORIGIN.exec(value);
  let valid = !!match;
  try {
    if (match) new URL(match[1]);
  } catch {
    valid = false;
  }
  if (!match || !valid) {
    return {
      warning:
        `Public URL "${value}" is not an address such as https://abc.example.app: ignored, so signatures are ` +
        'checked against the address in each request (Host / X-Forwarded-* headers)',
    };
  }
  const [, origin, rest] = match;
  if (rest === '' || rest === '/') return { url: origin };
  return {
    url: origin,
    warning:
      `Public URL "${value}" has a path: using ${origin}. Public URL is the scheme and host only ` +
      '(and a port, if any); each sms in and sms status node adds its own path',
  };
}
