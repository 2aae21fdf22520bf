import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SignedTime, VerifyResult, VerifySecrets, WebhookRequest } from '../types';
import { VONAGE_DASHBOARD } from '../vonage/dashboard';
import { fieldsOf } from './webhook';

const HMAC_METHODS: Readonly<Record<string, string>> = { md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha512: 'sha512' };

/** The signature methods a Vonage account can choose (its dashboard's list), the default first. */
export const SIGNATURE_METHODS: readonly string[] = ['md5hash', ...Object.keys(HMAC_METHODS)];

/**
 * The `sig` of a set of Vonage SMS API fields (SPEC §4), lower-case hex; undefined for an
 * unknown method. Any `sig` among the fields is left out, as Vonage does.
 */
export function vonageSmsSignature(fields: Record<string, string>, secret: string, signatureMethod?: string): string | undefined {
  const signed = Object.keys(fields)
    .filter((name) => name !== 'sig')
    .sort()
    .map((name) => `&${name}=${fields[name].replace(/[&=]/g, '_')}`)
    .join('');
  const method = (signatureMethod || 'md5hash').trim().toLowerCase();
  if (method === 'md5hash') return createHash('md5').update(signed + secret).digest('hex');
  if (!Object.prototype.hasOwnProperty.call(HMAC_METHODS, method)) return undefined;
  return createHmac(HMAC_METHODS[method], secret).update(signed).digest('hex');
}

const MISSING_SIG =
  'missing sig parameter (enable signed webhooks in the Vonage dashboard, or remove the signature secret)';
const BAD_SIG = `signature does not match (check the signature secret, ${VONAGE_DASHBOARD.signatureSecret}, and the signature method in the account)`;

/**
 * Vonage signed webhooks (SPEC §4). Written here rather than with `@vonage/sms`: its
 * `verifySignature` is an instance method of an API client (needs credentials), compares
 * with `===` rather than in constant time, and throws on an unknown method.
 */
export function verify(req: WebhookRequest, secrets: VerifySecrets): VerifyResult {
  const secret = secrets?.signatureSecret;
  if (!secret) return { checked: false, ok: true };
  try {
    const flat = fieldsOf(req);
    if (!flat.ok) return { checked: true, ok: false, reason: flat.error };
    const f = flat.value.fields;
    const sig = f.sig;
    if (!sig) return { checked: true, ok: false, unsigned: true, reason: MISSING_SIG };

    const expected = vonageSmsSignature(f, secret, secrets.signatureMethod);
    if (expected === undefined) {
      return {
        checked: true,
        ok: false,
        reason: `unknown signature method "${secrets.signatureMethod}" (use ${SIGNATURE_METHODS.join(', ')})`,
      };
    }
    const given = Buffer.from(sig.toLowerCase());
    const wanted = Buffer.from(expected);
    const ok = given.length === wanted.length && timingSafeEqual(given, wanted);
    return ok ? { checked: true, ok: true } : { checked: true, ok: false, reason: BAD_SIG };
  } catch {
    return { checked: true, ok: false, reason: BAD_SIG };
  }
}

/** The signing time Vonage puts in `timestamp` (Unix seconds), covered by `sig`. */
export function signedTime(req: WebhookRequest): SignedTime {
  const what = 'timestamp parameter';
  const flat = fieldsOf(req);
  const value = flat.ok ? flat.value.fields.timestamp : undefined;
  return value !== undefined && /^\d{1,12}$/.test(value) ? { what, atMs: Number(value) * 1000 } : { what };
}
