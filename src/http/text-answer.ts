import type { Response } from 'express';

/**
 * Answers with a plain sentence. `nosniff` on every one: a sentence may quote what the
 * client sent, and no browser may then read it as HTML or script.
 */
export function answerText(res: Response, status: number, text: string): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.status(status).type('text/plain').send(text);
}

/** A media type as it may be quoted back (`type/subtype`), else a placeholder. */
export function quotableMediaType(header: string | undefined): string {
  if (!header) return '(none)';
  const type = header.split(';')[0].trim();
  return /^[\w.+-]{1,64}\/[\w.+-]{1,64}$/.test(type) ? type : '(not a media type)';
}
