/** Vonage SMS API delivery-receipt `err-code` texts (SPEC §5). */
export const VONAGE_SMS_ERRORS: Readonly<Record<string, string>> = Object.freeze({
  '0': 'Delivered',
  '1': 'Unknown',
  '2': 'Absent subscriber (temporary)',
  '3': 'Absent subscriber (permanent)',
  '4': 'Call barred by user',
  '5': 'Portability error',
  '6': 'Anti-spam rejection',
  '7': 'Handset busy',
  '8': 'Network error',
  '9': 'Illegal number',
  '10': 'Illegal message',
  '11': 'Unroutable',
  '12': 'Destination unreachable',
  '13': 'Subscriber age restriction',
  '14': 'Number blocked by carrier',
  '15': 'Prepaid insufficient funds',
  '50': 'Entity filter',
  '51': 'Header filter',
  '52': 'Content filter',
  '53': 'Consent filter',
  '54': 'Regulation error',
  '99': 'General error',
});

/** The text for an `err-code`; `undefined` for a code not in the table. */
export function vonageSmsErrorText(code: string): string | undefined {
  // Own properties only, so "constructor" and friends are not codes.
  return Object.prototype.hasOwnProperty.call(VONAGE_SMS_ERRORS, code) ? VONAGE_SMS_ERRORS[code] : undefined;
}
