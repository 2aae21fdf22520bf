import { lazyRequire } from '../../runtime/lazy-require';
import { OUTCOME_UNKNOWN, type RetryVerdict, errorCode, neverSent, outcomeUnknown, retryAfterSeconds } from '../retry';
import { ReplyError, type SendingAccount } from '../types';
import { VONAGE_DASHBOARD } from './dashboard';
import { useOwnTransport } from './transport';

// The Vonage SDK costs ~300 ms to load: only the first reply pays it.
type VonageSdk = typeof import('@vonage/server-sdk');
export type VonageClient = InstanceType<VonageSdk['Vonage']>;
const vonageSdk = lazyRequire<VonageSdk>('@vonage/server-sdk');

const clients = new Map<string, VonageClient>();

/** The longest client reference either Vonage API takes (`client-ref`, `client_ref`). */
export const CLIENT_REF_MAX = 100;

/** Loads the SDK, as the first send would (the outbound queue, before a send is let go). */
export function prepareVonage(): void {
  vonageSdk();
}

/** One client per credentials, host and timeout, so each reply does not rebuild the SDK. */
export function clientFor(account: SendingAccount, timeoutMs: number): VonageClient {
  const creds = { ...account.credentials, apiHost: account.apiHost };
  const key = [creds.apiKey, creds.apiSecret, creds.applicationId, creds.privateKey, creds.apiHost, timeoutMs].join('\u0000');
  let client = clients.get(key);
  if (!client) {
    const sdk = vonageSdk();
    const auth = {
      ...(creds.apiKey ? { apiKey: creds.apiKey, apiSecret: creds.apiSecret } : {}),
      ...(creds.applicationId && creds.privateKey
        ? { applicationId: creds.applicationId, privateKey: creds.privateKey }
        : {}),
    };
    // One host setting serves both APIs: a regional host, or a local fake in tests.
    const hosts = creds.apiHost ? { apiHost: creds.apiHost, restHost: creds.apiHost } : {};
    // Without a timeout the SDK waits for ever on a provider that never answers.
    client = new sdk.Vonage(auth as ConstructorParameters<VonageSdk['Vonage']>[0], { ...hosts, timeout: timeoutMs });
    // The APIs the package sends through: the SDK prepares and parses, the transport is ours (transport.ts).
    useOwnTransport(client.messages);
    useOwnTransport(client.sms);
    clients.set(key, client);
  }
  return client;
}

interface VetchLike {
  response?: { status?: number; headers?: { get(name: string): string | null }; text?: () => Promise<string> };
}

/** Sent again only when Vonage cannot have taken it (SPEC §3): a 429, or no connection made. */
export function judgeHttp(err: unknown): RetryVerdict {
  const res = (err as VetchLike).response;
  if (res?.status === 429) return { retry: true, retryAfterS: retryAfterSeconds(res.headers?.get('retry-after')) };
  return { retry: res?.status === undefined && neverSent(err) };
}

/** The provider's own words from a failed HTTP call (Messages API errors are JSON). */
export async function providerSays(err: unknown): Promise<{ status?: number; text: string; code?: string }> {
  const res = (err as VetchLike).response;
  if (!res?.status) return { text: (err as Error).message ?? String(err) };
  let text = `HTTP ${res.status}`;
  let code: string | undefined;
  try {
    const body = (await res.text?.()) ?? '';
    const json = JSON.parse(body) as { type?: string; title?: string; detail?: string; error_title?: string };
    const words = [json.title ?? json.error_title, json.detail].filter(Boolean).join(': ');
    if (words) text += ` ${words}`;
    // RFC 7807 `type`: https://developer.vonage.com/api-errors/messages#1050 names the code.
    code = typeof json.type === 'string' ? /#([\w-]+)$/.exec(json.type)?.[1] : undefined;
  } catch {
    // Not JSON: the status says enough.
  }
  return { status: res.status, text, ...(code ? { code } : {}) };
}

/** The credentials each Vonage API sends with, and where they are in the dashboard. */
export const JWT_CREDENTIALS = `Application ID and private key (${VONAGE_DASHBOARD.application})`;
export const KEY_CREDENTIALS = `API key and API secret (${VONAGE_DASHBOARD.apiKey})`;

export function credentialAdvice(status: number | undefined, what: string): string {
  return status === 401 || status === 403 ? ` Check the ${what}.` : '';
}

/** A few words for the node status: refused credentials, another refusal, or no answer. */
export function refusedReason(said: { status?: number }): string {
  if (said.status === 401 || said.status === 403) return 'Vonage: credentials refused';
  return said.status ? `Vonage refused (HTTP ${said.status})` : 'Vonage not reached';
}

/**
 * The error for a failed call to `api`: refused (4xx, with Vonage's words), not sent (no
 * connection), or sent with an unknown outcome (5xx, timeout, connection lost on the way).
 */
export async function failure(err: unknown, api: string, accountName: string, credentials: string): Promise<ReplyError> {
  const said = await providerSays(err);
  const account = `for account "${accountName}"`;
  if (said.status === 429) {
    const retryAfterS = retryAfterSeconds((err as VetchLike).response?.headers?.get('retry-after'));
    return new ReplyError(`${api} answered ${said.text} (too many requests) ${account}: the message was not sent.`, {
      status: 429,
      reason: 'Vonage: rate limited',
      outcome: 'not-sent',
      retryAfterS,
    });
  }
  if (said.status !== undefined && !outcomeUnknown(said.status, err)) {
    return new ReplyError(`${api} refused the reply ${account} (${said.text}).${credentialAdvice(said.status, credentials)}`, {
      status: said.status,
      reason: refusedReason(said),
      ...(said.code ? { code: said.code } : {}),
    });
  }
  if (said.status !== undefined) {
    return new ReplyError(`${api} answered ${said.text} ${account}: ${OUTCOME_UNKNOWN}.`, {
      status: said.status,
      reason: `Vonage: outcome unknown (HTTP ${said.status})`,
      outcome: 'unknown',
    });
  }
  if (neverSent(err)) {
    return new ReplyError(`could not reach the ${api} ${account} (${errorCode(err)}): the message was not sent.`, {
      reason: 'Vonage not reached',
      outcome: 'not-sent',
    });
  }
  const what = (err as Error)?.name === 'AbortError' ? 'no answer in time' : `the connection failed (${errorCode(err) ?? said.text})`;
  return new ReplyError(`${api} ${account}: ${what}; ${OUTCOME_UNKNOWN}.`, { reason: 'Vonage: outcome unknown (no answer)', outcome: 'unknown' });
}
