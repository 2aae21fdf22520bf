/** Where the credentials of a Twilio `sms account` are in the Twilio console. */
export const TWILIO_CONSOLE = 'Twilio console home page (console.twilio.com), box Account Info: Account SID and Auth Token';
