'use strict';
// The opt-out list's domain rules: which typed numbers are accepted, and the CSV round trip.
const assert = require('node:assert/strict');
const { internationalNumber, listedAddress, numberProblem, toCsv, fromCsv } = require('../../dist/sms/consent');

describe('opt-out numbers and CSV', function () {
  it('takes international numbers as people type them, and refuses a national one with a sentence', function () {
    for (const typed of ['+44 7700 900123', '0044 7700 900123', '+44 (0)7700-900.123', '+44 (0)7700 900123']) {
      assert.equal(internationalNumber(typed), '+447700900123', typed);
    }
    assert.equal(internationalNumber('07700 900123'), undefined);
    assert.match(numberProblem('07700 900123'), /no country code: write it in international form/);
    assert.match(numberProblem('hello'), /not a phone number in international form/);
    assert.equal(internationalNumber('+1234567890123456'), undefined, 'over 15 digits');
    assert.equal(listedAddress(' 1234567890123456789 '), '1234567890123456789', 'a Messenger id is kept as sent');
  });

  it('a Messenger id (digits) is listed as sent, never with a +; a number on a phone channel gets one', function () {
    assert.equal(listedAddress(' 447700900001 ', 'messenger'), '447700900001');
    assert.equal(listedAddress('123456789012345', 'messenger'), '123456789012345');
    assert.equal(listedAddress('447700900001', 'whatsapp'), '+447700900001');
    assert.equal(listedAddress('447700900001'), '+447700900001', 'sms: Vonage sends numbers without +');
  });

  it('reads digits without + or 00 only in the account\'s country, never as a guessed country code', function () {
    // Without a country, 4155551234 is not taken for Switzerland (+41) nor 2025550123 for Egypt (+20).
    for (const typed of ['4155551234', '2025550123', '447700900123']) {
      assert.equal(internationalNumber(typed), undefined, typed);
      assert.match(numberProblem(typed), /no country code/, typed);
    }
    assert.equal(internationalNumber('4155551234', 'US'), '+14155551234');
    assert.equal(internationalNumber('(202) 555-0123', 'US'), '+12025550123');
    assert.equal(internationalNumber('07700 900123', 'GB'), '+447700900123');
    assert.equal(internationalNumber('447700900123', 'GB'), '+447700900123');
    assert.equal(numberProblem('07700 900123', 'GB'), undefined);
    const csv = fromCsv('number\n4155551234\n+44 (0)7700 900123\n');
    assert.deepEqual(csv.entries, [{ number: '+447700900123' }]);
    assert.match(csv.skipped[0], /^line 2: .*no country code/);
    assert.deepEqual(fromCsv('number\n4155551234\n', 'US').entries, [{ number: '+14155551234' }]);
  });

  it('exports what it imports back as it was, with quoting and a guard against spreadsheet formulas', function () {
    const entries = [
      { number: '+15551230001', since: '2026-01-02T03:04:05.000Z', why: 'stop', detail: 'Stop, please' },
      { number: '+447700900123', since: '2025-12-01T00:00:00.000Z', why: 'sidebar', detail: '=HYPERLINK("x")' },
      { number: '+33612345678', since: '2025-11-01T00:00:00.000Z', why: 'import' },
    ];
    const csv = toCsv(entries);
    assert.match(csv, /^number,since,why,detail\r\n\+15551230001,2026-01-02T03:04:05\.000Z,stop,"Stop, please"\r\n/);
    assert.match(csv, /,"'=HYPERLINK\(""x""\)"\r\n/);
    const back = fromCsv(csv);
    assert.deepEqual(back.skipped, []);
    assert.deepEqual(back.entries, [
      { number: '+15551230001', since: '2026-01-02T03:04:05.000Z', detail: 'Stop, please' },
      { number: '+447700900123', since: '2025-12-01T00:00:00.000Z', detail: '=HYPERLINK("x")' },
      { number: '+33612345678', since: '2025-11-01T00:00:00.000Z' },
    ]);
  });

  it('reads a plain list or a file with a phone column; names the lines it skips; each number once', function () {
    assert.deepEqual(fromCsv('+15551230001\n0015551230002\n\n+1 555 123 0001\n').entries.map((e) => e.number), ['+15551230001', '+15551230002']);
    const file = fromCsv('name;Mobile;note\nAnn;+44 7700 900001;met at fair\nBob;07700 900002;\n');
    assert.deepEqual(file.entries, [{ number: '+447700900001', detail: 'met at fair' }]);
    assert.deepEqual(file.skipped, ['line 3: "07700 900002" has no country code: write it in international form (+ and the country code, e.g. +44 7700 900123), or give the account a country']);
  });
});
