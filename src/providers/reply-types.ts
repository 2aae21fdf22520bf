/** What `sms reply` asks a provider to send: the answer to one inbound message. */
export interface ReplyRequest {
  /** The sender of the inbound message, who gets the reply. */
  to: string;
  /** The number the inbound message was sent to, which the reply comes from. */
  from: string;
  text: string;
  media: string[];
  /** Per-message status callback URL, where the provider takes one. */
  statusUrl?: string;
  /** Inbound channel (Messages API replies on the same channel). */
  channel?: string;
}

export interface ReplyResult {
  messageId?: string;
}

/** A send failure worded for the person reading a Catch node. */
export class ReplyError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
// On the prototype, so logs show the message rather than an own `name` property.
ReplyError.prototype.name = 'ReplyError';
