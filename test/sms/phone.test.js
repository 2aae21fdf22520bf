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
