'use strict';
const assert = require('node:assert/strict');
const { DEFAULT_LIMITS, combineParts } = require('../../dist/sms/multipart');

let seq = 0;
function part(ref, n, total, text, from = '+447700900001') {
  return {
    provider: 'vonage-sms',
    messageId: `id-${++seq}`,
    from,
    to: '+447700900002',
    text,
    keyword: '',
    media: [],
    segments: total,
    channel: 'sms',
    timestamp: '2024-05-01T10:11:12.000Z',
    raw: { 'concat-part': String(n), text },
    concat: { ref, total, part: n },
  };
}

// Holding the parts (caps, expiry, retries) is the sms store's: test/store/contract.js and,
// over HTTP, test/nodes/sms-in/vonage.test.js. Here: one message from the parts.
describe('combineParts', function () {
  it('one message in part order, whatever the order given', function () {
    const msg = combineParts([part('r1', 3, 3, 'C'), part('r1', 1, 3, 'A'), part('r1', 2, 3, 'B')], 3);
    assert.equal(msg.text, 'ABC');
    assert.equal(msg.segments, 3);
    assert.equal(msg.incomplete, undefined);
    assert.equal('concat' in msg, false);
    assert.deepEqual(
      msg.raw.map((r) => r['concat-part']),
      ['1', '2', '3'],
    );
  });

  it('recomputes keyword and opt-out over the whole text', function () {
    const msg = combineParts([part('k', 2, 2, 'P!'), part('k', 1, 2, ' sTo')], 2);
    assert.equal(msg.text, ' sToP!');
    assert.equal(msg.keyword, 'STOP');
    assert.equal(msg.optOut, 'stop');
  });

  it('the default limits are bounded', function () {
    assert.ok(DEFAULT_LIMITS.maxGroups > 0 && DEFAULT_LIMITS.maxGroups <= 10_000);
    assert.ok(DEFAULT_LIMITS.maxBytes > 0 && DEFAULT_LIMITS.maxBytes <= 64 * 1024 * 1024);
    assert.ok(DEFAULT_LIMITS.expiryMs > 0 && DEFAULT_LIMITS.expiryMs <= 24 * 3600_000);
  });

  it('keeps the first part’s identity and marks a gap', function () {
    const msg = combineParts([part('c', 2, 3, 'b'), part('c', 3, 3, 'c')], 3);
    assert.equal(msg.text, 'bc');
    assert.equal(msg.incomplete, true);
    assert.equal(msg.from, '+447700900001');
  });
});
