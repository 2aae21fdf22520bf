import type { OptOut } from './types';

// Carrier-standard opt-out words (CTIA / Twilio Advanced Opt-Out defaults), SPEC §3, plus
// REVOKE and OPTOUT, which Twilio's defaults have since added (US FCC consent rules).
const OPT_OUT_WORDS: Record<string, OptOut> = {
  STOP: 'stop',
  STOPALL: 'stop',
  UNSUBSCRIBE: 'stop',
  CANCEL: 'stop',
  END: 'stop',
  QUIT: 'stop',
  REVOKE: 'stop',
  OPTOUT: 'stop',
  START: 'start',
  YES: 'start',
  UNSTOP: 'start',
  HELP: 'help',
  INFO: 'help',
};

// Letters and digits in any script; everything else around a word is punctuation.
const EDGE_PUNCTUATION = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

/** First word of the text, upper-case, without surrounding punctuation ("" when none). */
export function keywordOf(text: string): string {
  for (const word of text.trim().split(/\s+/u)) {
    const bare = word.replace(EDGE_PUNCTUATION, '');
    if (bare) return bare.toUpperCase();
  }
  return '';
}

/** The standard keywords and what each means (the README and the sms in help list them). */
export function standardKeywords(): Readonly<Record<string, OptOut>> {
  return { ...OPT_OUT_WORDS };
}

/** `stop` / `start` / `help` when the whole message is one standard keyword. */
export function optOutOf(text: string): OptOut | undefined {
  const bare = text.trim().replace(EDGE_PUNCTUATION, '').toUpperCase();
  return Object.prototype.hasOwnProperty.call(OPT_OUT_WORDS, bare) ? OPT_OUT_WORDS[bare] : undefined;
}
