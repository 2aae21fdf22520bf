import { isPlainObject, repeatedName } from '../../sms/params';
import type { Params } from '../../sms/types';
import type { WebhookRequest } from '../types';

/**
 * Vonage never repeats a parameter name (query or form), in either API: a second `text` or
 * `msisdn` is someone else's, and only one of the values could have been signed.
 */
export function repeatedParameter(req: WebhookRequest): string | undefined {
  for (const params of [req.query, req.form]) {
    const name = isPlainObject(params) ? repeatedName(params as Params) : undefined;
    if (name !== undefined) {
      return `parameter "${name}" appears more than once: Vonage never repeats a parameter, and only one value could be signed`;
    }
  }
  return undefined;
}
