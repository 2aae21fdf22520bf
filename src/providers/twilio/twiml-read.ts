/** One `<Message>` of a TwiML answer: what the phone would receive. */
export interface TwimlMessage {
  text: string;
  media: string[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/**
 * The messages of a TwiML `<Response>` as `sms reply` writes them (`buildTwiml`):
 * `<Message>text</Message>`, or `<Message><Body>…</Body><Media>url</Media>…</Message>`.
 * Read for the simulator's conversation, not a general XML parser.
 */
export function readTwiml(xml: string): TwimlMessage[] {
  const messages: TwimlMessage[] = [];
  for (const [, inner = ''] of xml.matchAll(/<Message(?:\s[^>]*)?(?:\/>|>([\s\S]*?)<\/Message>)/g)) {
    const media = [...inner.matchAll(/<Media(?:\s[^>]*)?>([\s\S]*?)<\/Media>/g)].map((m) => unescapeXml(m[1].trim()));
    const body = /<Body(?:\s[^>]*)?>([\s\S]*?)<\/Body>/.exec(inner);
    const text = body ? body[1] : /</.test(inner) ? '' : inner;
    messages.push({ text: unescapeXml(text), media });
  }
  return messages;
}
