import { timingSafeEqual } from 'node:crypto';
import type { Params } from '../../sms/types';
import type { VerifyResult, VerifySecrets, WebhookRequest } from '../types';
import { TWILIO_CONSOLE } from './console';
import { twilioSdk } from './sdk';
import { paramsOf } from './webhook';

/** The part of the `twilio` package used here. */
interface TwilioValidators {
  getExpectedTwilioSignature(authToken: string, url: string, params: Record<string, unknown>): string;
  validateRequest(authToken: string, signature: string, url: string, params: Record<string, unknown>): boolean;
  validateRequestWithBody(authToken: string, signature: string, url: string, body: string): boolean;
}

const sdk = (): TwilioValidators => twilioSdk() as unknown as TwilioValidators;

const BAD_SIGNATURE =
  `signature does not match (check the Auth Token, ${TWILIO_CONSOLE}, and that the URL Twilio calls is exactly the one configured, including https and any proxy)`;

/** `X-Twilio-Signature` for form parameters posted to `url`: what the simulator sends. */
export function sign(token: string, url: string, params: Record<string, string>): string {
  return sdk().getExpectedTwilioSignature(token, url, params);
}

/**
 * The URL exactly as received is what Twilio signed in all but odd cases, and one HMAC
 * checks it; `validateRequest` then tries its port and escaping variants, each an HMAC
 * over URL parsing, which cost six times as much on every request when done first.
 */
function validParams(token: string, signature: string, url: string, params: Params): boolean {
  const expected = Buffer.from(sdk().getExpectedTwilioSignature(token, url, params));
  const given = Buffer.from(signature);
  if (expected.length === given.length && timingSafeEqual(expected, given)) return true;
  return sdk().validateRequest(token, signature, url, params);
}

export function verify(req: WebhookRequest, secrets: VerifySecrets): VerifyResult {
  const token = secrets?.authToken;
  if (!token) return { checked: false, ok: true };
  try {
    const header = req.headers?.['x-twilio-signature'] as string | string[] | undefined;
    const signature = Array.isArray(header) ? header[0] : header;
    if (!signature) return { checked: true, ok: false, unsigned: true, reason: 'missing X-Twilio-Signature header', signedUrl: req.url };

    // JSON bodies are signed through the URL's bodySHA256 (hash of the raw body), not as params.
    const ok = new URL(req.url).searchParams.has('bodySHA256')
      ? sdk().validateRequestWithBody(token, signature, req.url, req.rawBody.toString('utf8'))
      : validParams(token, signature, req.url, req.method?.toUpperCase() === 'POST' ? paramsOf(req) : {});
    return ok ? { checked: true, ok: true } : { checked: true, ok: false, reason: BAD_SIGNATURE, signedUrl: req.url };
  } catch (err) {
    return {
      checked: true,
      ok: false,
      reason: `signature could not be checked: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
