'use strict';
const assert = require('node:assert/strict');
const { toE164, toVonageNumber } = require('../../dist/sms/phone');

describe('toE164', function () {
  const cases = [
    ['447700900001', '+447700900001'],
    ['+447700900001', '+447700900001'],
    [' 14155550100 ', '+14155550100'],
    ['1234567', '+1234567'],
    ['123456789012345', '+123456789012345'],
    ['1234567890123456', '1234567890123456'],
    ['12345', '12345'],
    ['898989', '898989'],
    ['Vonage', 'Vonage'],
    ['MyShop 24', 'MyShop 24'],
    ['whatsapp:+14155550100', 'whatsapp:+14155550100'],
    ['', ''],
  ];
  for (const [value, expected] of cases) {
    it(`${JSON.stringify(value)} → ${JSON.stringify(expected)}`, function () {
      assert.equal(toE164(value), expected);
    });
  }
});

describe('toVonageNumber', function () {
  it('drops the + of a number and leaves anything else', function () {
    assert.equal(toVonageNumber('+447700900001'), '447700900001');
    assert.equal(toVonageNumber('447700900001'), '447700900001');
    assert.equal(toVonageNumber('MyShop'), 'MyShop');
  });
});

describe('parseRecipient: numbers as people type them (libphonenumber-js)', function () {
  const { parseRecipient, isCountryCode } = require('../../dist/sms/phone');
  const cases = [
    ['07700 900123', 'GB', '+447700900123'],
    ['+44 7700 900123', undefined, '+447700900123'],
    ['+44 7700 900123', 'US', '+447700900123'],
    ['447700900123', undefined, '+447700900123'],
    ['447700900123', 'GB', '+447700900123'],
    ['0044 7700 900123', 'US', '+447700900123'],
    ['(415) 555-0100', 'US', '+14155550100'],
    ['14155550100', 'GB', '+14155550100'],
    [14155550100, undefined, '+14155550100'],
  ];
  for (const [input, country, expected] of cases) {
    it(`${JSON.stringify(input)} in ${country ?? 'no country'} → ${expected}`, function () {
      assert.deepEqual(parseRecipient(input, country), { ok: true, e164: expected });
    });
  }
  for (const [input, country] of [['123', 'GB'], ['+44 12', undefined], ['hello', 'GB'], ['', 'GB'], [null, 'GB'], ['+999 1234567', undefined]]) {
    it(`${JSON.stringify(input)} is not a possible number, with a sentence`, function () {
      const result = parseRecipient(input, country);
      assert.equal(result.ok, false);
      assert.match(result.error, /number/);
    });
  }
  it('a national number without a country says to set one', function () {
    assert.match(parseRecipient('07700 900123').error, /country/);
  });
  it('the same typed number read again in another country gets that country\'s answer (numbers already read are kept per country)', function () {
    assert.deepEqual(parseRecipient('020 7946 0018', 'GB'), { ok: true, e164: '+442079460018' });
    const inUs = parseRecipient('020 7946 0018', 'US');
    assert.notDeepEqual(inUs, { ok: true, e164: '+442079460018' });
    assert.deepEqual(parseRecipient('020 7946 0018', 'GB'), { ok: true, e164: '+442079460018' });
    assert.equal(parseRecipient('020 7946 0018').ok, false);
  });
  it('a number read many times is read the same each time, and more than 10 000 different numbers are all read right', function () {
    for (let i = 0; i < 12_000; i++) {
      const n = 2122000000 + i;
      assert.deepEqual(parseRecipient(`+1 ${n}`), { ok: true, e164: `+1${n}` });
    }
    assert.deepEqual(parseRecipient('+1 2122000000'), { ok: true, e164: '+12122000000' });
  });
  it('knows country codes', function () {
    assert.equal(isCountryCode('GB'), true);
    assert.equal(isCountryCode('XX'), false);
    assert.equal(isCountryCode('gb'), false);
  });
});

describe('segmentsOf', function () {
  const { segmentsOf } = require('../../dist/sms/gsm');
  const cases = [
    ['', 1],
    ['a'.repeat(160), 1],
    ['a'.repeat(161), 2],
    ['a'.repeat(306), 2],
    ['a'.repeat(307), 3],
    ['€'.repeat(80), 1],
    ['€'.repeat(81), 2],
    ['é'.repeat(160), 1],
    ['ł'.repeat(70), 1],
    ['ł'.repeat(71), 2],
    ['😀'.repeat(35), 1],
    ['😀'.repeat(36), 2],
  ];
  for (const [text, parts] of cases) {
    it(`${text.length} UTF-16 units of ${JSON.stringify(text.slice(0, 2))} → ${parts}`, function () {
      assert.equal(segmentsOf(text), parts);
    });
  }
});
