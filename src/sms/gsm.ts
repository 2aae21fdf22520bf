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
