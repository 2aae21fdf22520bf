import { lazyRequire } from '../../runtime/lazy-require';

/**
 * The `twilio` package, loaded by the first signed request, reply or simulated message: it
 * takes ~250 ms to load and would slow every Node-RED start.
 */
export const twilioSdk = lazyRequire<typeof import('twilio')>('twilio');
