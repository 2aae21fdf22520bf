import { type MediaKind, mediaKindOf } from '../../sms/channels';
import { toVonageNumber } from '../../sms/phone';
import { ReplyError, type ReplyRequest } from '../types';
import { templateOffWhatsApp } from '../vonage/template';

type Message = Record<string, unknown>;

/**
 * The Messages API requests for one reply, on the channel the message came in on, with the
 * message type each channel takes for each kind of media (SPEC §11).
 */

// Media kinds a channel takes; any other kind goes as a file. SMS media goes out by MMS.
const KINDS: Readonly<Record<string, readonly MediaKind[]>> = {
  mms: ['image', 'audio', 'video', 'file'],
  whatsapp: ['image', 'audio', 'video', 'file'],
  messenger: ['image', 'audio', 'video', 'file'],
  rcs: ['image', 'video', 'file'],
  // Viber videos need a thumbnail and duration the flow does not give: they go as files.
  viber_service: ['image', 'file'],
};
// Where the text can ride along as the caption of the first media item.
const CAPTIONED: Readonly<Record<string, readonly MediaKind[]>> = {
  mms: ['image', 'audio', 'video', 'file'],
  whatsapp: ['image', 'video', 'file'],
  viber_service: ['image'],
};

function channelOf(reply: ReplyRequest): string {
  return reply.channel && reply.channel !== 'sms' ? reply.channel : 'sms';
}

function templateMessage(reply: ReplyRequest, base: Message): Message {
  const t = reply.template ?? {};
  if (channelOf(reply) !== 'whatsapp') throw templateOffWhatsApp(channelOf(reply));
  if (t.custom && typeof t.custom === 'object') return { ...base, messageType: 'custom', custom: t.custom };
  if (typeof t.name !== 'string' || !t.name) {
    throw new ReplyError('msg.template needs a name (the approved WhatsApp template), a language such as en_GB, and its parameters; or custom: a whole WhatsApp template message', {
      reason: 'template needs a name',
    });
  }
  if (typeof t.language !== 'string' || !t.language) {
    throw new ReplyError(`msg.template "${t.name}" needs a language (the template's locale, such as en_GB)`, {
      reason: 'template needs a language',
    });
  }
  const parameters = Array.isArray(t.parameters) ? t.parameters.map(String) : [];
  return { ...base, messageType: 'template', template: { name: t.name, parameters }, whatsapp: { policy: 'deterministic', locale: t.language } };
}

export function messagesFor(reply: ReplyRequest): Message[] {
  const channel = channelOf(reply);
  const base: Message = {
    to: toVonageNumber(reply.to),
    from: toVonageNumber(reply.from),
    // Per-message status URL: receipts for this reply go to the chosen sms status node.
    ...(reply.statusUrl ? { webhookUrl: reply.statusUrl } : {}),
    ...(reply.clientRef ? { clientRef: reply.clientRef } : {}),
  };
  if (reply.template) return [templateMessage(reply, { ...base, channel })];
  // Text on an MMS number goes as SMS, as before MMS text existed.
  const text = (): Message => ({ ...base, channel: channel === 'mms' ? 'sms' : channel, messageType: 'text', text: reply.text });
  if (reply.media.length === 0) return [text()];
  // An SMS is answered with media by MMS.
  const mediaChannel = channel === 'sms' ? 'mms' : channel;
  const kinds = KINDS[mediaChannel] ?? ['image', 'file'];
  const captioned = CAPTIONED[mediaChannel] ?? [];
  const messages: Message[] = reply.media.map((url) => {
    const kind = mediaKindOf(url);
    const sent = kinds.includes(kind) ? kind : 'file';
    return { ...base, channel: mediaChannel, messageType: sent, [sent]: { url } };
  });
  if (reply.text) {
    const first = messages[0];
    const kind = first.messageType as MediaKind;
    if (captioned.includes(kind)) (first[kind] as Record<string, string>).caption = reply.text;
    else messages.unshift(text());
  }
  return messages;
}
