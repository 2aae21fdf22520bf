import type { Response } from 'express';

/**
 * Answers a Twilio webhook with TwiML. Written directly rather than with Express's
 * `res.send()`: that hashes every body for an ETag and checks request freshness, work a
 * webhook answer has no use for, on every message.
 */
export function sendTwiml(res: Response, twiml: string): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/xml; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(twiml);
}

/** The TwiML that acknowledges without replying. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/** Twilio takes an empty TwiML document as "received, no reply" (it ignores a status callback's answer). */
export function acknowledge(res: Response): void {
  if (!res.headersSent) sendTwiml(res, EMPTY_TWIML);
}
