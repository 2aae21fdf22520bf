import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { isPlainObject } from '../../sms/params';
import type { SignedTime, VerifyResult, VerifySecrets, WebhookRequest } from '../types';
import { VONAGE_DASHBOARD } from '../vonage/dashboard';

/**
 * Signed Messages API webhooks: `Authorization: Bearer` with an HS256 JWT over the
 * signature secret, whose `payload_hash` claim binds the token to the body. Verified here
 * and, for the simulator, minted here.
 */

type Json = Record<string, unknown>;

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** The `Authorization` header Vonage sends with `body`, issued at `iat` (seconds). */
export function sign(body: string, secret: string, iat: number, apiKey?: string): string {
  const claims = {
    iat,
    exp: iat + 300,
    jti: randomUUID(),
    iss: 'Vonage',
    payload_hash: createHash('sha256').update(body).digest('hex'),
    // Vonage's tokens name the API key they were signed for (verify's `signer`).
    ...(apiKey ? { api_key: apiKey } : {}),
  };
  const unsigned = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  const signature = createHmac('sha256', secret).update(unsigned).digest('base64url');
  return `Bearer ${unsigned}.${signature}`;
}

export function verify(req: WebhookRequest, secrets: VerifySecrets): VerifyResult {
  const secret = secrets.signatureSecret;
  if (!secret) return { checked: false, ok: true };
  const fail = (reason: string): VerifyResult => ({ checked: true, ok: false, reason });
  try {
    const token = bearerToken(req);
    if (!token) {
      return {
        ...fail('missing Authorization: Bearer token (enable signed webhooks for the Vonage application, or remove the signature secret)'),
        unsigned: true,
      };
    }
    const parts = token.split('.');
    const header = parts.length === 3 ? decodePart(parts[0]) : undefined;
    const claims = parts.length === 3 ? decodePart(parts[1]) : undefined;
    if (!header || !claims) return fail('malformed Authorization token (not a JWT)');
    if (header.alg !== 'HS256') return fail(`token algorithm is ${String(header.alg)}, expected HS256`);
    // The signature first, so a forged token is called forged, not sent to check the clock.
    if (!hs256Matches(parts, secret)) {
      return fail(`signature does not match (check the signature secret of the Vonage account, ${VONAGE_DASHBOARD.signatureSecret})`);
    }
    const timeProblem = tokenTimeProblem(claims, Math.floor(Date.now() / 1000));
    if (timeProblem) return fail(timeProblem);
    // verifySignature checks the token, not the body it came with: payload_hash binds them.
    const claimed = typeof claims.payload_hash === 'string' ? claims.payload_hash.toLowerCase() : '';
    if (!claimed) return fail('token has no payload_hash');
    const actual = createHash('sha256').update(req.rawBody ?? Buffer.alloc(0)).digest('hex');
    const a = Buffer.from(claimed);
    const b = Buffer.from(actual);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      return fail('payload_hash does not match the body (the body was changed in transit)');
    }
    // The token names the account it was signed for: whose opt-out list a STOP goes on.
    const signer = typeof claims.api_key === 'string' && claims.api_key.trim() ? claims.api_key.trim() : undefined;
    return { checked: true, ok: true, ...(signer ? { signer } : {}) };
  } catch (err) {
    return fail(`token could not be checked: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The token's iat (issued at, Unix seconds), covered by its signature. */
export function signedTime(req: WebhookRequest): SignedTime {
  const what = 'token iat (issued at)';
  const parts = bearerToken(req)?.split('.');
  const claims = parts?.length === 3 ? decodePart(parts[1]) : undefined;
  return typeof claims?.iat === 'number' && Number.isFinite(claims.iat) ? { what, atMs: claims.iat * 1000 } : { what };
}

/**
 * HS256 (RFC 7515) checked with node:crypto, in constant time. jsonwebtoken's verify (under
 * @vonage/jwt) first tried the secret as a public key on every request, throwing and
 * catching: a large share of a webhook's CPU.
 */
function hs256Matches(parts: string[], secret: string): boolean {
  const expected = Buffer.from(createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest('base64url'));
  const given = Buffer.from(parts[2]);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function bearerToken(req: WebhookRequest): string | undefined {
  return /^\s*Bearer\s+(\S+)\s*$/i.exec(req.headers?.authorization ?? '')?.[1];
}

const isoOf = (seconds: number): string => new Date(seconds * 1000).toISOString();

/**
 * What is wrong with a token's times (RFC 7519 exp, nbf, iat), as jsonwebtoken would refuse
 * them, in words; undefined when they are fine. How old iat may be is the replay window's
 * business (signedTime).
 */
function tokenTimeProblem(claims: Json, now: number): string | undefined {
  for (const name of ['exp', 'nbf', 'iat']) {
    const value = claims[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) return `token ${name} is not a number`;
  }
  const { exp, nbf } = claims as { exp?: number; nbf?: number };
  if (exp !== undefined && now >= exp) return `token expired at ${isoOf(exp)} (exp): check the clock of this server`;
  if (nbf !== undefined && nbf > now) {
    return `token is not valid before ${isoOf(nbf)} (nbf, ${nbf - now} s from now): check the clock of this server`;
  }
  return undefined;
}

function decodePart(part: string): Json | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return isPlainObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
