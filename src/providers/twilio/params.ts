import { first } from '../../sms/params';
import type { Params } from '../../sms/types';

/** A non-empty parameter value (first one when repeated), else undefined. */
export function value(params: Params, name: string): string | undefined {
  const v = first(params, name);
  return typeof v === 'string' && v !== '' ? v : undefined;
}
