import type { Response } from 'express';
import { answerText } from './text-answer';

/** A webhook request the node refused, as the client was told and as the editor shows it. */
export interface Refusal {
  status: number;
  /** A few words for the node's status: "unsigned request", "bad signature", "invalid JSON". */
  reason: string;
  /** The sentence the client got. */
  text: string;
  /** For a signature over the URL (Twilio): the URL it was checked against. */
  signedUrl?: string;
}

export type RefusalListener = (refusal: Refusal) => void;

/** Answers a refused request with its sentence (plain text, nosniff) and tells the node. */
export function refuse(res: Response, refusal: Refusal, listener?: RefusalListener): void {
  answerText(res, refusal.status, refusal.text);
  listener?.(refusal);
}

/** At most one warning a minute for each reason: a scanner or a misconfigured provider calls often. */
export const WARN_INTERVAL_MS = 60_000;

/**
 * The warning a refused request gets on the node (and in Node-RED's log): the reason and, for
 * a signature over the URL, that URL. Never the secret or the signature itself.
 */
export function refusalWarning(refusal: Refusal): string {
  const checked = refusal.signedUrl
    ? ` — the signature was checked against ${refusal.signedUrl}; if the provider calls another address ` +
      '(a tunnel or a proxy), set that address as the Public URL of the sms account'
    : '';
  return `refused a request (HTTP ${refusal.status}): ${refusal.text}${checked}`;
}

/** Warns on the node about refused requests, once a minute per reason. */
export class RefusalWarnings {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly node: { warn(message: string): void },
    private readonly now: () => number = Date.now,
  ) {}

  warn(refusal: Refusal): void {
    const key = `${refusal.status} ${refusal.reason}`;
    const at = this.now();
    const previous = this.last.get(key);
    if (previous !== undefined && at - previous < WARN_INTERVAL_MS) return;
    // Bounded: reasons are a short fixed list, but a parse error may name a field.
    if (this.last.size >= 100) this.last.clear();
    this.last.set(key, at);
    this.node.warn(refusalWarning(refusal));
  }
}
