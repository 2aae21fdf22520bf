import { createHash } from 'node:crypto';
import os from 'node:os';
import { readStoreSettings, type StoreConfig } from './settings';
import type { SmsStore, StoreLog } from './types';

// The one way in: `openStore(RED.settings.smsStore, …)`. Each kind's module (and its
// database client) is loaded only when that kind is opened.

export { StoreConfigError, StoreUnavailableError, isStoreUnavailable } from './errors';
export { readStoreSettings, DEFAULTS as STORE_DEFAULTS, type StoreConfig } from './settings';
export type * from './types';
export { LEASE_MS, LOOKAHEAD_MS } from './outbound-rules';

export interface StoreContext {
  /** Node-RED's user directory (`RED.settings.userDir`): where the embedded database lives. */
  userDir: string;
  log: StoreLog;
}

/** Stable across restarts of one instance, different between instances sharing a redis. */
export function defaultInstance(userDir: string): string {
  return `${os.hostname()}-${createHash('sha256').update(userDir).digest('hex').slice(0, 8)}`;
}

/** Opens the store `smsStore` describes (defaults: SPEC §7). Throws StoreConfigError for a bad setting. */
export async function openStore(settings: unknown, context: StoreContext): Promise<SmsStore> {
  const config: StoreConfig = readStoreSettings(settings);
  const instance = config.instance ?? defaultInstance(context.userDir);
  switch (config.type) {
    case 'memory': {
      const { openMemoryStore } = await import('./memory');
      return openMemoryStore(config, instance, context.log);
    }
    case 'redis': {
      const { openRedisStore } = await import('./redis');
      return openRedisStore(config, instance, context.log);
    }
    default: {
      const { openEmbeddedStore } = await import('./embedded');
      return openEmbeddedStore(config, context.userDir, instance, context.log);
    }
  }
}
