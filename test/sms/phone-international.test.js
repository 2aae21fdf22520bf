'use strict';
// parseRecipient answers a strict international number (+ and 7 to 15 digits, as Twilio and
// Vonage send senders) from libphonenumber-js's metadata instead of parsing it. The answer must be
// the one libphonenumber gives: here the old reading (kept below as the oracle) is asked too.
const assert = require('node:assert/strict');
const phoneLib = require('libphonenumber-js');
const examples = require('libphonenumber-js/examples.mobile.json');
const metadata = require('libphonenumber-js/metadata.min.json');
const { parseRecipient } = require('../../dist/sms/phone');

const parseWithLibrary = phoneLib.parsePhoneNumberFromString;

/** readNumber as it was before (every number parsed by libphonenumber-js): the oracle. */
function oracle(input, country) {
  const text = typeof input === 'number' ? String(input) : typeof input === 'string' ? input.trim() : '';
  if (!text) return { ok: false, error: 'no number given' };
  const international = text.replace(/^00/, '+');
  const digits = international.replace(/[\s().-]/g, '');
  const tries = [];
  if (digits.startsWith('+')) tries.push(() => parseWithLibrary(digits));
  else {
    if (country && /^[A-Z]{2}$/.test(country) && phoneLib.isSupportedCountry(country)) tries.push(() => parseWithLibrary(digits, country));
    if (/^\d+$/.test(digits)) tries.push(() => parseWithLibrary(`+${digits}`));
  }
  for (const attempt of tries) {
    const parsed = attempt();
    if (parsed?.isPossible()) return { ok: true, e164: parsed.number };
  }
  const hint = digits.startsWith('+') || country ? '' : ' (a national number needs the country of the sms account, or write it with + and the country code)';
  return { ok: false, error: `"${text}" is not a possible phone number${hint}` };
}

/** Deterministic digits (mulberry32). */
function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const digits = (n) => Array.from({ length: n }, () => int(10)).join('');
  return { int, digits };
}

const CALLING_CODES = [...Object.keys(metadata.country_calling_codes), ...Object.keys(metadata.nonGeographic)];

/** The inputs that differ from the oracle, as [input, ours, oracle's] (the first few). */
function differences(inputs, country) {
  const out = [];
  for (const input of inputs) {
    const ours = parseRecipient(input, country);
    const theirs = oracle(input, country);
    if (ours.ok !== theirs.ok || ours.e164 !== theirs.e164 || ours.error !== theirs.error) {
      out.push([input, ours, theirs]);
      if (out.length >= 10) break;
    }
  }
  return out;
}

describe('parseRecipient: a strict international number reads as libphonenumber-js reads it', function () {
  it('every country\'s example mobile number, with + and its calling code', function () {
    const inputs = Object.entries(examples).map(([country, national]) => `+${phoneLib.getCountryCallingCode(country)}${national}`);
    assert.ok(inputs.length > 200);
    assert.deepEqual(differences(inputs), []);
    // The examples are possible numbers (so the ok side was compared, not only refusals).
    assert.ok(inputs.filter((n) => parseRecipient(n).ok).length > 200);
  });

  it('every calling code followed by each digit, in numbers of every length from 4 to 17 digits (each two digits from 7 to 15)', function () {
    const { digits } = prng(1);
    const inputs = [];
    for (const code of CALLING_CODES) {
      for (let length = Math.max(4, code.length + 1); length <= 17; length++) {
        const rest = length - code.length;
        for (let lead = 0; lead <= 9; lead++) inputs.push(`+${code}${lead}${digits(rest - 1)}`);
        if (rest >= 2 && length >= 7 && length <= 15) for (let lead = 0; lead <= 99; lead++) inputs.push(`+${code}${String(lead).padStart(2, '0')}${digits(rest - 2)}`);
      }
    }
    assert.deepEqual(differences(inputs), []);
  });

  it('trunk prefixes and old mobile prefixes written after the calling code', function () {
    const inputs = [
      '+4407700900123', '+440207946001', '+44 (0)7700 900123', '+44180020123456', '+4418002012345',
      '+5215512345678', '+525512345678', '+52155123456', '+5491112345678', '+54 011 15 1234 5678',
      '+5401115123456', '+540111512345678', '+541115123456', '+5411151234567', '+390612345678', '+3906123456',
      '+78005553535', '+788005553535', '+7 8 800 555 35 35', '+77012345678', '+877012345678',
      '+4903012345678', '+49030123456', '+3301234567890', '+330612345678', '+61412345678', '+610412345678',
      '+6118312412345678', '+11212555012', '+112125550100', '+1 1 212 555 0100', '+13105551', '+1310555',
      '+5511912345678', '+550111912345678', '+57312345678', '+5703123456789', '+3530871234567', '+2340803123456',
      '+8613812345678', '+860138123456789', '+81090123456789', '+8109012345678', '+6281234567890', '+62081234567890',
      '+3460012345', '+34600123456', '+9720501234567', '+972501234567', '+2250712345678', '+22507123456',
      '+2620692123456', '+590690123456', '+5990701234567', '+35840123456', '+358040123456', '+4799123456',
      '+290 2345', '+29022345', '+247 1234', '+8816123456', '+8001234567', '+80012345678', '+979123456789',
    ];
    assert.deepEqual(differences(inputs), []);
  });

  it('240 000 random + digit strings (seeded): half any digits, half behind a real calling code', function () {
    const { int, digits } = prng(20261202);
    const anyDigits = Array.from({ length: 120_000 }, () => `+${digits(1 + int(17))}`);
    const behindCodes = Array.from({ length: 120_000 }, () => {
      const code = CALLING_CODES[int(CALLING_CODES.length)];
      return `+${code}${digits(Math.max(1, 7 + int(9) - code.length))}`;
    });
    assert.deepEqual(differences(anyDigits), []);
    assert.deepEqual(differences(behindCodes), []);
  });

  it('written with spaces, brackets, dashes or 00, and national numbers in a country, as before', function () {
    const inputs = ['+1 (212) 555-0100', '0044 7700 900123', '00 44 7700 900123', '+44 7700 900 123', '+49 151 1234 5678', '+ 44 7700 900123', '+44-7700-900123', '+44.7700.900123', '++447700900123', '+４４7700900123'];
    assert.deepEqual(differences(inputs), []);
    assert.deepEqual(differences(inputs, 'GB'), []);
    assert.deepEqual(differences(['07700 900123', '447700900123', '2125550100', '0170 1234567'], 'GB'), []);
    assert.deepEqual(differences(['07700 900123', '447700900123', '2125550100'], 'DE'), []);
  });

  it('typical senders (+1, +44, +49) are answered without parsing them', function () {
    let parsed = 0;
    phoneLib.parsePhoneNumberFromString = (...args) => {
      parsed++;
      return parseWithLibrary(...args);
    };
    try {
      for (let i = 0; i < 300; i++) {
        assert.deepEqual(parseRecipient(`+1646555${String(i).padStart(4, '0')}`), { ok: true, e164: `+1646555${String(i).padStart(4, '0')}` });
        assert.deepEqual(parseRecipient(`+447700901${String(i).padStart(3, '0')}`), { ok: true, e164: `+447700901${String(i).padStart(3, '0')}` });
        assert.deepEqual(parseRecipient(`+49151234${String(i).padStart(5, '0')}`), { ok: true, e164: `+49151234${String(i).padStart(5, '0')}` });
      }
      // A trunk 0 after the calling code is still libphonenumber's to read.
      assert.deepEqual(parseRecipient('+4407700902123'), { ok: true, e164: '+447700902123' });
    } finally {
      phoneLib.parsePhoneNumberFromString = parseWithLibrary;
    }
    assert.equal(parsed, 1);
  });
});
