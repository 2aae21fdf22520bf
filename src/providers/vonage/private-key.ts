import { createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { VONAGE_DASHBOARD } from './dashboard';

/** A Vonage application private key made usable, or why it cannot be. */
export interface PrivateKeyReading {
  /** The key as PEM, line breaks restored. */
  pem?: string;
  /** What is wrong, as a sentence to finish "the private key of account X …". */
  problem?: string;
}

const PASTE = `paste the whole private.key file, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY----- (${VONAGE_DASHBOARD.application})`;
const PEM = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

/**
 * Rebuilds a PEM whose line breaks were lost on the way (a one-line password box turns them
 * into spaces; JSON and .env files into a literal `\n`): the base64 between the armour lines
 * is whitespace-insensitive, so it is re-wrapped at 64 characters.
 */
function rebuildPem(text: string): { label: string; pem: string } | undefined {
  const found = PEM.exec(text.replace(/\\r\\n|\\n/g, '\n'));
  if (!found) return undefined;
  const [, label, inside] = found;
  // Headers such as Proc-Type (an encrypted legacy key) stay as they were.
  const lines = inside.split(/\r?\n/).map((l) => l.trim());
  const headers = lines.filter((l) => /^[A-Za-z-]+: /.test(l));
  const body = lines.filter((l) => !/^[A-Za-z-]+: /.test(l)).join('').replace(/\s+/g, '');
  const wrapped = body.match(/.{1,64}/g) ?? [];
  const head = headers.length ? [...headers, ''] : [];
  return { label, pem: [`-----BEGIN ${label}-----`, ...head, ...wrapped, `-----END ${label}-----`, ''].join('\n') };
}

const cache = new Map<string, PrivateKeyReading>();

/**
 * Reads the private key of a Vonage application as pasted into the account (or the path of
 * the private.key file, which the Vonage SDK also takes) and checks Node.js can sign with it.
 */
export function readPrivateKey(text: string | undefined): PrivateKeyReading {
  const value = (text ?? '').trim();
  if (!value) return {};
  let reading = cache.get(value);
  if (!reading) {
    reading = read(value);
    if (cache.size > 32) cache.clear();
    cache.set(value, reading);
  }
  return reading;
}

function read(value: string): PrivateKeyReading {
  let source = value;
  if (!value.includes('-----') && !/\s/.test(value) && existsSync(value)) {
    try {
      source = readFileSync(value, 'utf8');
    } catch (err) {
      return { problem: `is the path of a file that cannot be read (${(err as Error).message}): ${PASTE}` };
    }
  }
  const pem = rebuildPem(source);
  if (!pem) {
    return { problem: `is not a PEM private key: ${PASTE}` };
  }
  if (/PUBLIC KEY|CERTIFICATE/.test(pem.label)) {
    return { problem: `is a public key (${pem.label}), not the private one: ${PASTE}` };
  }
  if (!/PRIVATE KEY/.test(pem.label)) {
    return { problem: `is a ${pem.label}, not a private key: ${PASTE}` };
  }
  if (/ENCRYPTED/.test(pem.label) || /Proc-Type: 4,ENCRYPTED/.test(pem.pem)) {
    return { problem: `is encrypted with a passphrase, which the nodes cannot enter: ${PASTE}` };
  }
  try {
    createPrivateKey(pem.pem);
  } catch (err) {
    return { problem: `is damaged or incomplete (Node.js could not read it: ${(err as Error).message}): ${PASTE}` };
  }
  return { pem: pem.pem };
}
