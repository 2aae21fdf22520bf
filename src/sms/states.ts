import type { DeliveryState } from './types';

const FINAL_STATES: ReadonlySet<DeliveryState> = new Set(['delivered', 'undelivered', 'failed', 'read']);

/** SPEC §3: delivered, undelivered, failed and read end a message's life. */
export function isFinal(state: DeliveryState): boolean {
  return FINAL_STATES.has(state);
}
