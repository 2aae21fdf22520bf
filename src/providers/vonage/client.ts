import { lazyRequire } from '../../runtime/lazy-require';
import type { RetryVerdict } from '../retry';
import { isTransientStatus } from '../retry';
import type { SendingAccount } from '../types';
import { VONAGE_DASHBOARD } from './dashboard';

// The Vonage SDK costs ~300 ms to load: only the first reply pays it.
type VonageSdk = typeof import('@vonage/server-sdk');
export type VonageClient = InstanceType<VonageSdk['Vonage']>;
const vonageSdk = lazyRequire<VonageSdk>('@vonage/server-sdk');

const clients = new Map<string, VonageClient>();

/** One client per credentials and host, so each reply does not rebuild the SDK. */
export function clientFor(account: SendingAccount): VonageClient {
  const creds = { ...account.credentials, apiHost: account.apiHost };
  const key = [creds.apiKey, creds.apiSecret, creds.applicationId, creds.privateKey, creds.apiHost].join('\u0000');
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
    client = new sdk.Vonage(auth as ConstructorParameters<VonageSdk['Vonage']>[0], hosts);
    clients.set(key, client);
  }
  return client;
}

interface VetchLike {
  response?: { status?: number; headers?: { get(name: string): string | null }; text?: () => Promise<string> };
}

export function judgeHttp(err: unknown): RetryVerdict {
  const res = (err as VetchLike).response;
  const after = Number(res?.headers?.get('retry-after'));
  return { retry: isTransientStatus(res?.status), retryAfterS: Number.isFinite(after) ? after : undefined };
}

/** The provider's own words from a failed HTTP call (Messages API errors are JSON). */
export async function providerSays(err: unknown): Promise<{ status?: number; text: string }> {
  const res = (err as VetchLike).response;
  if (!res?.status) return { text: (err as Error).message ?? String(err) };
  let text = `HTTP ${res.status}`;
  try {
    const body = (await res.text?.()) ?? '';
    const json = JSON.parse(body) as { title?: string; detail?: string; error_title?: string };
    const words = [json.title ?? json.error_title, json.detail].filter(Boolean).join(': ');
    if (words) text += ` ${words}`;
  } catch {
    // Not JSON: the status says enough.
  }
  return { status: res.status, text };
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

