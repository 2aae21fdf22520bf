import { ReplyError } from '../types';

/** A WhatsApp template on a message that did not come by WhatsApp: Vonage sends templates on WhatsApp only. */
export function templateOffWhatsApp(channel: string): ReplyError {
  return new ReplyError(`msg.template is a WhatsApp template, and this message came in on ${channel}: send text instead`, {
    reason: 'template off WhatsApp',
  });
}
