/**
 * Twilio messaging error codes (status callback `ErrorCode`) as sentences a flow author
 * can act on. Only the codes people actually meet on SMS/MMS/WhatsApp delivery; the rest
 * point to Twilio's error dictionary.
 */
const TWILIO_ERRORS: Readonly<Record<string, string>> = {
  // Sending (REST API) errors that also appear on failed messages.
  '21211': "The 'To' number is not a valid phone number: check it is complete and in E.164 format (+ and country code).",
  '21408': "Your Twilio account is not allowed to send to the 'To' number's country: enable it under Messaging Geo Permissions.",
  '21606': "The 'From' number cannot send messages to this destination: use an SMS-capable Twilio number or sender.",
  '21608': 'Twilio trial accounts can only send to verified numbers: verify the recipient in the Twilio console or upgrade the account.',
  '21610':
    'The recipient replied STOP: Twilio blocks messages to this number until they reply START.',
  '21611':
    "The 'From' number has more than 10 hours of messages queued: slow down sending or add numbers to a Messaging Service.",
  '21612': "Twilio cannot route a message between this 'From' and 'To' number: try another sender for this destination.",
  '21614': "The 'To' number cannot receive SMS (it is probably a landline): ask for a mobile number.",
  // Delivery errors reported by carriers.
  '30001': 'Queue overflow: too many messages were sent too quickly from this sender; send more slowly or use more senders.',
  '30002': 'Your Twilio account is suspended, so the message was not sent: check the account status in the Twilio console.',
  '30003':
    "The recipient's phone is unreachable (switched off, out of coverage or not accepting SMS): try again later.",
  '30004': 'The message was blocked by the recipient or their carrier (for example a block on short codes or on your number).',
  '30005': 'The recipient number is unknown to the carrier or no longer in service: check the number.',
  '30006':
    'The recipient number is a landline or its carrier cannot receive SMS: ask for a mobile number.',
  '30007':
    'The carrier filtered the message as spam: check the content and register your sender (A2P 10DLC or toll-free verification in the US).',
  '30008': 'The carrier could not deliver the message and gave no reason: try again; if it repeats, contact Twilio support.',
  '30009': 'Part of a multi-part message never arrived: try a shorter message.',
  '30010': 'The message cost more than the maximum price you set, so it was not sent: raise or remove MaxPrice.',
  '30011': "The recipient's carrier does not support MMS in this region: send the text without media.",
  '30032': 'The toll-free sender has not been verified, so US/Canadian carriers block it: complete toll-free verification.',
  '30034':
    'The sending number is not registered for US A2P 10DLC, so carriers block it: register a brand and campaign and add the number to it.',
  // WhatsApp.
  '63016':
    'Outside the 24-hour window: WhatsApp (and Messenger) only take a free-form message within 24 hours of the person\'s last message; send an approved template instead (msg.template with its Content SID).',
};

/** A sentence saying what a Twilio `ErrorCode` means for the person sending. */
export function twilioErrorMessage(code: string): string {
  return Object.prototype.hasOwnProperty.call(TWILIO_ERRORS, code)
    ? TWILIO_ERRORS[code]
    : `Twilio error ${code} (see the Twilio error dictionary)`;
}

/** Twilio's refusal of a message to someone who replied STOP (error 21610). */
export const OPTED_OUT_CODE = '21610';
