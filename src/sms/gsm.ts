// GSM 03.38 default alphabet and its extension table: text made only of these goes out as
// plain `text`; anything else needs `unicode` or the handset shows garbage.
const GSM7 =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà' +
  '\f^{}\\[~]|€';
const GSM7_SET = new Set(GSM7);

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!GSM7_SET.has(ch)) return false;
  return true;
}

// The extension table: each of these takes two septets (an escape, then the character).
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

/**
 * How many SMS parts a text takes: GSM-7 text 160 septets in one part, 153 per part when
 * split (the rest carries the concatenation header); anything else goes as UCS-2, 70 UTF-16
 * units in one part, 67 per part. An empty text (media only) is one.
 */
export function segmentsOf(text: string): number {
  if (isGsm7(text)) {
    let septets = 0;
    for (const ch of text) septets += GSM7_EXTENSION.has(ch) ? 2 : 1;
    return septets <= 160 ? 1 : Math.ceil(septets / 153);
  }
  return text.length <= 70 ? 1 : Math.ceil(text.length / 67);
}
