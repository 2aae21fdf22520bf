import type { NodeMessage } from './red';

/** Properties that hold live objects of one request: never stored, taken from the answer instead. */
const LIVE = new Set(['req', 'res']);

/**
 * The JSON-safe part of a message, to keep in the sms store while a question waits: every
 * own property except `req` / `res`, each as JSON would carry it (a Buffer as its bytes, a
 * Date as its ISO text); a property JSON cannot carry (a cycle, a BigInt, a function) is
 * left out and named in `dropped`.
 */
export function storableMessage(msg: NodeMessage): { value: Record<string, unknown>; dropped: string[] } {
  const value: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const key of Object.keys(msg)) {
    if (LIVE.has(key)) continue;
    try {
      const text = JSON.stringify(msg[key]);
      if (text === undefined) dropped.push(key);
      else value[key] = JSON.parse(text);
    } catch {
      dropped.push(key);
    }
  }
  return { value, dropped };
}

function isStoredBuffer(v: unknown): v is { type: 'Buffer'; data: number[] } {
  const o = v as { type?: unknown; data?: unknown } | null;
  return !!o && typeof o === 'object' && o.type === 'Buffer' && Array.isArray(o.data) && Object.keys(o).length === 2;
}

function revive(v: unknown): unknown {
  if (isStoredBuffer(v)) return Buffer.from(v.data);
  if (Array.isArray(v)) return v.map(revive);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = revive(x);
    return out;
  }
  return v;
}

/** A stored message as a message again: a fresh copy, Buffers as Buffers. */
export function restoredMessage(stored: Record<string, unknown>): NodeMessage {
  return revive(stored) as NodeMessage;
}
