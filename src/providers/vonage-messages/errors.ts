/**
 * Messages API error codes (status `error.title`, or the title of a refused send) whose
 * provider text does not say what to do.
 */
const ADVICE: Readonly<Record<string, string>> = {
  '1340':
    'Outside of the allowed window: WhatsApp (and Messenger) only take a free-form message within 24 hours of the person\'s last message; send an approved template instead (msg.template).',
  '1022': 'Invalid template or template parameters: check the template name, language and the number of parameters.',
  '1240': 'The recipient opted out (they sent STOP): no message can go to them until they opt back in.',
};

/** The sentence for `code`: our advice where we have it, else Vonage's own words. */
export function messagesErrorMessage(code: string | undefined, detail: string | undefined): string | undefined {
  if (code && Object.prototype.hasOwnProperty.call(ADVICE, code)) return detail ? `${ADVICE[code]} (Vonage: ${detail})` : ADVICE[code];
  return detail ?? code;
}

/** Whether a refusal's words are the 24-hour window's. */
export function isOutsideWindow(text: string): boolean {
  return /1340|outside (of )?the allowed window|24.hour/i.test(text);
}

