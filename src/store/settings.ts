import { StoreConfigError } from './errors';
import type { MultipartLimits, StoreKind } from './types';

/** `smsStore` from settings.js (SPEC §7), every default filled in. */
export interface StoreConfig {
  type: StoreKind;
  /** embedded: the database folder, relative to the user directory. */
  path: string;
  retentionHours: number;
  /** redis */
  url: string;
  prefix: string;
  /** How long one operation may take before it fails as unavailable. */
  timeoutMs: number;
  /** This instance's name as inbox owner; default: host name + user directory. */
  instance?: string;
  multipart: MultipartLimits;
}

export const DEFAULTS = {
  type: 'embedded',
  path: 'sms-store',
  retentionHours: 48,
  url: 'redis://127.0.0.1:6379/0',
  prefix: 'sms:',
  timeoutMs: 2000,
  multipart: { maxGroups: 10_000, maxGroupsPerSender: 20, maxBytes: 16 * 1024 * 1024, expiryMs: 5 * 60_000 },
} as const;

const KINDS: readonly StoreKind[] = ['memory', 'embedded', 'redis'];

function positive(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new StoreConfigError(`${name} must be a positive number, not ${JSON.stringify(value)}`);
  }
  return value;
}

function text(name: string, value: unknown, fallback: string, allowEmpty = false): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || (!allowEmpty && value.trim() === '')) {
    throw new StoreConfigError(`${name} must be a non-empty string`);
  }
  return value;
}

/** Reads `smsStore` (anything settings.js may hold), or says in a sentence what is wrong. */
export function readStoreSettings(raw: unknown): StoreConfig {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new StoreConfigError('smsStore must be an object such as { type: "embedded" }');
  }
  const s = (raw ?? {}) as Record<string, unknown>;
  const type = s.type === undefined ? DEFAULTS.type : s.type;
  if (!KINDS.includes(type as StoreKind)) {
    throw new StoreConfigError(`type must be one of ${KINDS.join(', ')}, not ${JSON.stringify(type)}`);
  }
  const mp = (s.multipart ?? {}) as Record<string, unknown>;
  const url = text('url', s.url, DEFAULTS.url);
  if (type === 'redis' && !/^rediss?:\/\//.test(url)) {
    throw new StoreConfigError('url must start with redis:// or rediss://');
  }
  return {
    type: type as StoreKind,
    path: text('path', s.path, DEFAULTS.path),
    retentionHours: positive('retentionHours', s.retentionHours, DEFAULTS.retentionHours),
    url,
    prefix: text('prefix', s.prefix, DEFAULTS.prefix, true),
    timeoutMs: positive('timeoutMs', s.timeoutMs, DEFAULTS.timeoutMs),
    instance: s.instance === undefined ? undefined : text('instance', s.instance, ''),
    multipart: {
      maxGroups: positive('multipart.maxGroups', mp.maxGroups, DEFAULTS.multipart.maxGroups),
      maxGroupsPerSender: positive('multipart.maxGroupsPerSender', mp.maxGroupsPerSender, DEFAULTS.multipart.maxGroupsPerSender),
      maxBytes: positive('multipart.maxBytes', mp.maxBytes, DEFAULTS.multipart.maxBytes),
      expiryMs: positive('multipart.expiryMs', mp.expiryMs, DEFAULTS.multipart.expiryMs),
    },
  };
}

/** The retention in whole milliseconds (redis takes no fractions), at least one. */
export function retentionMsOf(config: StoreConfig): number {
  return Math.max(1, Math.round(config.retentionHours * 3600_000));
}
